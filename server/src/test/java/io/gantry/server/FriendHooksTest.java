package io.gantry.server;

import io.gantry.runtime.ApiCall;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.Friend;
import io.gantry.runtime.FriendListRequest;
import io.gantry.runtime.FriendPage;
import io.gantry.runtime.RefusedException;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Server code and friends: hooks on the friend calls (refusing, seeing the request and result) and
 * the runtime {@code Friends} API, with a client's rules and messages.
 */
class FriendHooksTest {

    static TestServer server;
    static final List<String> afterAdds = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r
                .before(ApiCall.BLOCK_FRIENDS, (ctx, request) -> {
                    throw new RefusedException(ErrorCode.PERMISSION_DENIED, "No blocking here.");
                })
                .after(ApiCall.ADD_FRIENDS, (ctx, request, result) -> afterAdds.add(ctx.userId() + "+" + request.ids()))
                .before(ApiCall.LIST_FRIENDS, (ctx, request) -> new FriendListRequest(request.limit(), 0, request.cursor()))
                .rpc("befriend", (ctx, payload) -> {
                    // payload: the other user's id; the server makes them friends and lists the caller's friends
                    ctx.server().friends().add(ctx.userId(), List.of(payload), List.of());
                    ctx.server().friends().add(payload, List.of(ctx.userId()), List.of());
                    FriendPage page = ctx.server().friends().list(ctx.userId(), new FriendListRequest(null, Friend.FRIEND, ""));
                    try {
                        ctx.server().friends().block(ctx.userId(), List.of(ctx.userId()), List.of());
                        return "blocked self";
                    } catch (RefusedException e) {
                        return page.friends().size() + ":" + page.friends().get(0).user().id() + ":" + e.getMessage();
                    }
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String path, TestUser user) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token())
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void aBeforeHookRefusesABlockAndTheAfterHookSeesAnAdd() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        assertError(post("/v2/friend/block?ids=" + b.userId(), a), 403, 7, "No blocking here.");
        assertOk(post("/v2/friend?ids=" + b.userId(), a));
        assertEquals(List.of(a.userId() + "+" + List.of(b.userId())), afterAdds.stream()
                .filter(s -> s.startsWith(a.userId())).toList());
        // the list hook keeps only friends: a's sent invite is not shown
        HttpResponse<String> listed = server.getWithToken("/v2/friend", a.token());
        assertOk(listed);
        assertFalse(json(listed).has("friends"), listed.body());
    }

    @Test
    void serverCodeAddsListsAndIsRefusedWithTheClientsMessages() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        HttpResponse<String> rpc = server.postWithToken("/v2/rpc/befriend", a.token(), "\"" + b.userId() + "\"");
        assertOk(rpc);
        assertEquals("1:" + b.userId() + ":Cannot block self.", json(rpc).get("payload").getAsString());
    }
}
