package io.gantry.server;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.runtime.AccountUpdate;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.User;
import io.gantry.runtime.WalletLedgerPage;
import io.gantry.runtime.WalletUpdateResult;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gantry.server.AccountRequests.account;
import static io.gantry.server.AccountRequests.put;
import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.idBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server code's hooks around the account calls, and accounts and wallets from server code (RPC functions). */
class AccountHooksAndWalletTest {

    static TestServer server;
    static final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r
                .before(ApiCall.UPDATE_ACCOUNT, (ctx, update) -> {
                    seen.add("thread " + Thread.currentThread().getName());
                    return update.withLocation("set by hook " + ctx.username());
                })
                .before(ApiCall.LINK_CUSTOM, (ctx, id) -> {
                    if (id.startsWith("banned")) {
                        throw new RefusedException(ErrorCode.PERMISSION_DENIED, "No banned ids.");
                    }
                    return id.startsWith("disabled") ? null : id;
                })
                .after(ApiCall.GET_USERS, (ctx, request, users) ->
                        seen.add("users " + ctx.userId() + " " + users.stream().map(User::id).toList()))
                .rpc("wallet", (ctx, payload) -> {
                    JsonObject in = JsonParser.parseString(payload).getAsJsonObject();
                    try {
                        WalletUpdateResult result = ctx.server().accounts().walletUpdate(ctx.userId(),
                                Map.of(in.get("currency").getAsString(), in.get("amount").getAsLong()),
                                "{\"why\":\"test\"}", in.get("ledger").getAsBoolean());
                        return "{\"previous\":" + result.previous().getOrDefault("gold", 0L) + ",\"updated\":"
                                + result.updated().getOrDefault("gold", 0L) + "}";
                    } catch (RefusedException e) {
                        return "{\"refused\":\"" + e.code() + ": " + e.getMessage() + "\"}";
                    }
                })
                .rpc("ledger", (ctx, payload) -> {
                    List<Long> amounts = new ArrayList<>();
                    String cursor = "";
                    int pages = 0;
                    do {
                        WalletLedgerPage page = ctx.server().accounts().walletLedgerList(ctx.userId(), 2, cursor);
                        page.entries().forEach(e -> amounts.add(e.changeset().get("gold")));
                        cursor = page.cursor();
                        pages++;
                    } while (!cursor.isEmpty());
                    return "{\"amounts\":" + amounts + ",\"pages\":" + pages + "}";
                })
                .rpc("rename", (ctx, payload) -> {
                    ctx.server().accounts().update(ctx.userId(), AccountUpdate.none().withMetadata(payload));
                    return ctx.server().users().get(List.of(ctx.userId()), List.of()).get(0).metadata();
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonObject rpc(TestUser user, String id, String payload) {
        HttpResponse<String> r = server.postWithToken("/v2/rpc/" + id + "?unwrap", user.token(), payload);
        assertOk(r);
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void aBeforeHookChangesTheRequestOnTheUserCodeThread() {
        TestUser user = server.newUser();
        assertOk(put(server, "/v2/account", user, "{\"display_name\":\"D\"}"));
        JsonObject u = account(server, user).getAsJsonObject("user");
        assertEquals("D", u.get("display_name").getAsString());
        assertEquals("set by hook " + user.username(), u.get("location").getAsString());
        assertTrue(seen.contains("thread gantry-rpc"), seen.toString());
    }

    @Test
    void aBeforeHookRefusesOrDisablesAndNothingIsLinked() {
        TestUser user = server.newUser();
        JsonObject before = account(server, user);
        assertError(server.postWithToken("/v2/account/link/custom", user.token(), idBody("banned-123456")),
                403, 7, "No banned ids.");
        assertError(server.postWithToken("/v2/account/link/custom", user.token(), idBody("disabled-123456")),
                404, 5, "Requested resource was not found.");
        assertEquals(before, account(server, user));
        assertOk(server.postWithToken("/v2/account/link/custom", user.token(), idBody("fine-123456-" + user.userId())));
        assertEquals("fine-123456-" + user.userId(), account(server, user).get("custom_id").getAsString());
    }

    @Test
    void anAfterHookSeesTheResult() {
        TestUser user = server.newUser();
        assertOk(server.getWithToken("/v2/user?ids=" + user.userId(), user.token()));
        assertTrue(seen.contains("users " + user.userId() + " [" + user.userId() + "]"), seen.toString());
    }

    @Test
    void serverCodeUpdatesTheWalletWithAndWithoutTheLedgerAndANegativeResultChangesNothing() {
        TestUser user = server.newUser();
        JsonObject first = rpc(user, "wallet", "{\"currency\":\"gold\",\"amount\":10,\"ledger\":true}");
        assertEquals(0, first.get("previous").getAsLong());
        assertEquals(10, first.get("updated").getAsLong());
        assertEquals(10, rpc(user, "wallet", "{\"currency\":\"gold\",\"amount\":5,\"ledger\":false}").get("previous").getAsLong());
        for (int amount = 1; amount <= 3; amount++) {
            rpc(user, "wallet", "{\"currency\":\"gold\",\"amount\":" + amount + ",\"ledger\":true}");
        }
        assertEquals("INVALID_ARGUMENT: wallet update rejected negative value at path 'gold'",
                rpc(user, "wallet", "{\"currency\":\"gold\",\"amount\":-100,\"ledger\":true}").get("refused").getAsString());
        assertEquals("{\"gold\":21}", account(server, user).get("wallet").getAsString());

        JsonObject ledger = rpc(user, "ledger", "{}");
        assertEquals("[3, 2, 1, 10]", ledger.get("amounts").toString().replace(",", ", "));
        assertEquals(2, ledger.get("pages").getAsInt());
    }

    @Test
    void serverCodeSetsMetadataAndReadsUsers() {
        TestUser user = server.newUser();
        assertEquals("{\"level\":3}", rpc(user, "rename", "{\"level\":3}").toString());
        assertEquals("{\"level\":3}", account(server, user).getAsJsonObject("user").get("metadata").getAsString());
        assertFalse(json(server.getWithToken("/v2/account", user.token())).getAsJsonObject("user").has("online"));
    }
}
