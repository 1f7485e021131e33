package io.gantry.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.enc;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Friends over REST ({@code GET/POST/DELETE /v2/friend}, {@code POST /v2/friend/block}): Nakama
 * 3.18's answers as recorded in interop/differential/reference-facts/social.md, section "friends":
 * states on both sides, the invite and accept notifications live and stored, every refusal with
 * nothing changed, paging, blocks, edge_count and deletion with the account.
 */
@SocketScenario
class FriendsTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> call(String method, String path, TestUser user) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token())
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    static void ok(String method, String path, TestUser user) {
        HttpResponse<String> response = call(method, path, user);
        assertOk(response);
        assertEquals("{}", response.body());
    }

    static JsonObject list(TestUser user, String query) {
        HttpResponse<String> response = server.getWithToken("/v2/friend" + query, user.token());
        assertOk(response);
        return json(response);
    }

    /** "username:state" for each entry of the user's list (with this query), in order. */
    static List<String> states(TestUser user, String query) {
        List<String> out = new ArrayList<>();
        JsonObject body = list(user, query);
        if (body.has("friends")) {
            for (JsonElement e : body.getAsJsonArray("friends")) {
                JsonObject f = e.getAsJsonObject();
                out.add(f.getAsJsonObject("user").get("username").getAsString() + ":" + f.get("state").getAsInt());
            }
        }
        return out;
    }

    static int edgeCount(TestUser viewer, TestUser of) {
        HttpResponse<String> response = server.getWithToken("/v2/user?ids=" + of.userId(), viewer.token());
        assertOk(response);
        JsonObject user = json(response).getAsJsonArray("users").get(0).getAsJsonObject();
        return user.has("edge_count") ? user.get("edge_count").getAsInt() : 0;
    }

    static JsonObject notification(SocketClient socket) {
        Envelope e = socket.awaitEnvelope(Envelope.MessageCase.NOTIFICATIONS);
        assertEquals(1, e.getNotifications().getNotificationsCount());
        var n = e.getNotifications().getNotifications(0);
        JsonObject out = new JsonObject();
        out.addProperty("subject", n.getSubject());
        out.addProperty("content", n.getContent());
        out.addProperty("code", n.getCode());
        out.addProperty("sender_id", n.getSenderId());
        out.addProperty("persistent", n.getPersistent());
        return out;
    }

    @Test
    void anInviteThenAnAcceptNotifyTheOtherUserLiveAndStoredAndMakeBothFriends() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        try (SocketClient as = server.connect(a, "json", true); SocketClient bs = server.connect(b, "json", true)) {
            ok("POST", "/v2/friend?ids=" + b.userId(), a);
            JsonObject invite = notification(bs);
            assertEquals(a.username() + " wants to add you as a friend", invite.get("subject").getAsString());
            assertEquals("{\"username\":\"" + a.username() + "\"}", invite.get("content").getAsString());
            assertEquals(-2, invite.get("code").getAsInt());
            assertEquals(a.userId(), invite.get("sender_id").getAsString());
            assertTrue(invite.get("persistent").getAsBoolean());
            assertEquals(List.of(b.username() + ":1"), states(a, ""));
            assertEquals(List.of(a.username() + ":2"), states(b, ""));
            JsonObject entry = list(a, "").getAsJsonArray("friends").get(0).getAsJsonObject();
            assertTrue(entry.getAsJsonObject("user").get("online").getAsBoolean(), "b appears online");
            assertTrue(entry.has("update_time"));
            assertEquals(List.of(), states(b, "?state=0"));
            assertEquals(List.of(a.username() + ":2"), states(b, "?state=2"));
            assertEquals("{}", server.getWithToken("/v2/friend?state=3", b.token()).body(), "an empty list is {}");

            ok("POST", "/v2/friend?ids=" + b.userId(), a);   // repeated invite: nothing sent
            ok("POST", "/v2/friend?usernames=" + enc(a.username()), b);
            JsonObject accept = notification(as);
            assertEquals(b.username() + " accepted your friend request", accept.get("subject").getAsString());
            assertEquals(-3, accept.get("code").getAsInt());
            ok("POST", "/v2/friend?ids=" + b.userId(), a);   // already friends: nothing sent
            as.barrier();
            bs.barrier();
            as.assertNothingElse();
            bs.assertNothingElse();
            assertEquals(List.of(b.username() + ":0"), states(a, "?state=0"));
            assertEquals(List.of(a.username() + ":0"), states(b, "?state=0"));

            HttpResponse<String> stored = server.getWithToken("/v2/notification?limit=10", b.token());
            assertOk(stored);
            JsonArray inbox = json(stored).getAsJsonArray("notifications");
            assertEquals(1, inbox.size(), "one invite stored, the repeat sent nothing");
            assertEquals(-2, inbox.get(0).getAsJsonObject().get("code").getAsInt());
            assertEquals(1, edgeCount(a, a));
            assertEquals(1, edgeCount(a, b));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "POST|/v2/friend?ids=SELF|Cannot add self as friend.",
            "POST|/v2/friend?usernames=SELFNAME|Cannot add self as friend.",
            "POST|/v2/friend?usernames=nosuchuser-0088547c|No valid ID or username was provided.",
            "POST|/v2/friend?ids=not-a-uuid|Invalid user ID 'not-a-uuid'.",
            "POST|/v2/friend?ids=OTHER&ids=zzz|Invalid user ID 'zzz'.",
            "POST|/v2/friend?ids=|Invalid user ID ''.",
            "POST|/v2/friend?usernames=|Username must not be empty.",
            "POST|/v2/friend?ids=00000000-0000-0000-0000-000000000000|Invalid user ID '00000000-0000-0000-0000-000000000000'.",
            "DELETE|/v2/friend?ids=SELF|Cannot delete self.",
            "DELETE|/v2/friend?ids=xx|Invalid user ID 'xx'.",
            "POST|/v2/friend/block?ids=SELF|Cannot block self.",
            "POST|/v2/friend/block?ids=x|Invalid user ID 'x'.",
            "POST|/v2/friend/block?usernames=nosuch-6435b6|No valid ID or username was provided.",
            "GET|/v2/friend?limit=0|Invalid limit - limit must be between 1 and 1000.",
            "GET|/v2/friend?limit=1001|Invalid limit - limit must be between 1 and 1000.",
            "GET|/v2/friend?limit=-1|Invalid limit - limit must be between 1 and 1000.",
            "GET|/v2/friend?limit=abc|parsing field \"limit\": strconv.ParseInt: parsing \"abc\": invalid syntax",
            "GET|/v2/friend?state=4|Invalid state - state must be between 0 and 3.",
            "GET|/v2/friend?state=-1|Invalid state - state must be between 0 and 3.",
            "GET|/v2/friend?cursor=garbage|Cursor is invalid.",
    })
    void refusalsAnswerNakamasMessageAndChangeNothing(String method, String path, String message) {
        TestUser a = server.newUser();
        TestUser other = server.newUser();
        String resolved = path.replace("SELFNAME", enc(a.username())).replace("SELF", a.userId())
                .replace("OTHER", other.userId());
        assertError(call(method, resolved, a), 400, 3, message);
        assertEquals(List.of(), states(a, ""));
        assertEquals(List.of(), states(other, ""));
    }

    @ParameterizedTest
    @CsvSource({
            "POST,/v2/friend?ids=11111111-2222-3333-4444-555555555555",
            "POST,/v2/friend",
            "DELETE,/v2/friend?ids=11111111-2222-3333-4444-555555555555",
            "DELETE,/v2/friend",
            "DELETE,/v2/friend?usernames=nosuch-fcd10d",
            "POST,/v2/friend/block?ids=11111111-2222-3333-4444-555555555555",
            "POST,/v2/friend/block",
    })
    void unknownOrNoUsersAreAcceptedAndStoreNothing(String method, String path) {
        TestUser a = server.newUser();
        ok(method, path, a);
        assertEquals(List.of(), states(a, ""));
        assertEquals(0, edgeCount(a, a));
    }

    @Test
    void aUsernameInAnotherCaseIsUnknownAndAJsonBodyIsIgnored() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        assertError(call("POST", "/v2/friend?usernames=" + enc(b.username().toUpperCase()), a), 400, 3,
                "No valid ID or username was provided.");
        assertOk(server.postWithToken("/v2/friend", a.token(), "{\"ids\":[\"" + b.userId() + "\"]}"));
        assertEquals(List.of(), states(a, ""));
        assertError(server.send(HttpRequest.newBuilder(server.uri("/v2/friend")).GET()), 401, 16, "Auth token required");
    }

    @Test
    void theListIsOrderedByStateThenPositionAndPagesWithACursorWhileMoreFollow() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        TestUser c = server.newUser();
        TestUser d = server.newUser();
        TestUser e = server.newUser();
        ok("POST", "/v2/friend?ids=" + a.userId(), b);
        ok("POST", "/v2/friend?ids=" + d.userId(), a);
        ok("POST", "/v2/friend?ids=" + a.userId(), c);
        ok("POST", "/v2/friend?ids=" + e.userId(), a);
        ok("POST", "/v2/friend?ids=" + c.userId() + "&usernames=" + enc(c.username()), a);   // accept c, once
        ok("POST", "/v2/friend?ids=" + b.userId(), a);                                        // accept b
        List<String> all = List.of(b.username() + ":0", c.username() + ":0", d.username() + ":1", e.username() + ":1");
        assertEquals(all, states(a, ""));
        assertEquals(all, states(a, "?limit=1000&cursor="));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = list(a, "?limit=1" + (cursor == null ? "" : "&cursor=" + enc(cursor)));
            JsonObject f = page.getAsJsonArray("friends").get(0).getAsJsonObject();
            paged.add(f.getAsJsonObject("user").get("username").getAsString() + ":" + f.get("state").getAsInt());
            cursor = page.has("cursor") ? page.get("cursor").getAsString() : null;
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(all, paged);
        assertFalse(list(a, "?limit=2&state=0").has("cursor"), "a page filling the limit at the end has no cursor");
        assertEquals(List.of(d.username() + ":1"), states(a, "?limit=1&state=1"));
        assertEquals(4, edgeCount(b, a));
    }

    @Test
    void blockTurnsTheBlockersEdgeToBlockedDeletesTheOthersAndIgnoresInvitesUntilDeleted() {
        TestUser a = server.newUser();
        TestUser c = server.newUser();
        TestUser d = server.newUser();
        ok("POST", "/v2/friend?ids=" + a.userId(), c);
        ok("POST", "/v2/friend?ids=" + c.userId(), a);          // friends
        try (SocketClient as = server.connect(a, "json", true); SocketClient cs = server.connect(c, "json", true)) {
            ok("POST", "/v2/friend/block?ids=" + c.userId(), a);
            ok("POST", "/v2/friend/block?ids=" + d.userId(), a);  // no edge before
            assertEquals(List.of(c.username() + ":3", d.username() + ":3"), states(a, "?state=3"));
            assertEquals(List.of(), states(c, ""));
            assertEquals(0, edgeCount(a, c));
            assertEquals(2, edgeCount(a, a));

            ok("POST", "/v2/friend?ids=" + a.userId(), c);       // the blocked user's invite: nothing
            ok("POST", "/v2/friend?ids=" + c.userId(), a);       // the blocker's invite: the block stays
            ok("POST", "/v2/friend/block?ids=" + c.userId(), a);
            as.barrier();
            cs.barrier();
            as.assertNothingElse();
            cs.assertNothingElse();
            assertEquals(List.of(), states(c, ""));
            assertEquals(List.of(c.username() + ":3", d.username() + ":3"), states(a, ""));

            ok("POST", "/v2/friend/block?ids=" + a.userId(), c);   // mutual block
            assertEquals(List.of(a.username() + ":3"), states(c, ""));
            ok("DELETE", "/v2/friend?ids=" + d.userId(), a);       // unblock d
            assertEquals(List.of(c.username() + ":3"), states(a, ""));
            ok("DELETE", "/v2/friend?usernames=" + enc(a.username()), c);   // c unblocks a: a's block stays
            assertEquals(List.of(), states(c, ""));
            assertEquals(List.of(c.username() + ":3"), states(a, ""));
        }
    }

    @Test
    void deletingAnInviteRemovesBothSidesAndDeletingAnAccountRemovesItsEdges() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        TestUser c = server.newUser();
        ok("POST", "/v2/friend?ids=" + b.userId(), a);
        ok("DELETE", "/v2/friend?usernames=" + enc(a.username()), b);   // b rejects
        assertEquals(List.of(), states(a, ""));
        assertEquals(List.of(), states(b, ""));

        ok("POST", "/v2/friend?ids=" + c.userId(), a);
        ok("POST", "/v2/friend/block?ids=" + a.userId(), b);
        assertEquals(List.of(a.username() + ":2"), states(c, ""));
        assertEquals(List.of(a.username() + ":3"), states(b, ""));
        assertOk(call("DELETE", "/v2/account", a));
        assertEquals(List.of(), states(c, ""));
        assertEquals(List.of(), states(b, ""));
        assertEquals(0, edgeCount(c, c));
        assertEquals(0, edgeCount(b, b));
    }
}
