package io.gantry.interop.nakamajs;

import io.gantry.runtime.MatchInfo;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchmakerEntry;
import io.gantry.runtime.Matches;
import io.gantry.runtime.Matchmaker;
import io.gantry.runtime.Notifications;
import io.gantry.runtime.Presence;
import io.gantry.runtime.RpcContext;
import io.gantry.runtime.ServerApi;
import io.gantry.runtime.Streams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientRpcModuleTest {

    /** Records what the functions ask of the server. */
    static final class FakeServer implements ServerApi, Matches, Notifications {
        final List<Map<String, Object>> created = new ArrayList<>();
        final List<String> notified = new ArrayList<>();

        @Override public Matches matches() { return this; }
        @Override public Notifications notifications() { return this; }
        @Override public Streams streams() { throw new UnsupportedOperationException(); }
        @Override public Matchmaker matchmaker() { throw new UnsupportedOperationException(); }
        @Override public io.gantry.runtime.Accounts accounts() { throw new UnsupportedOperationException(); }
        @Override public io.gantry.runtime.Users users() { throw new UnsupportedOperationException(); }
        @Override public io.gantry.runtime.Storage storage() { throw new UnsupportedOperationException(); }
        @Override public io.gantry.runtime.Friends friends() { throw new UnsupportedOperationException(); }
        @Override public io.gantry.runtime.Groups groups() { throw new UnsupportedOperationException(); }
        @Override public io.gantry.runtime.Leaderboards leaderboards() { throw new UnsupportedOperationException(); }
        @Override public io.gantry.runtime.Tournaments tournaments() { throw new UnsupportedOperationException(); }
        @Override public String node() { return "node1"; }

        @Override
        public String create(String handlerName, Map<String, Object> params) {
            assertEquals("match", handlerName);
            created.add(params);
            return "m" + created.size() + ".node1";
        }

        @Override public Optional<MatchInfo> get(String matchId) { return Optional.empty(); }

        @Override
        public List<MatchInfo> list(int limit, Boolean authoritative, String label, Integer minSize, Integer maxSize,
                                    String query) {
            return List.of();
        }

        @Override public String signal(String matchId, String data) { return ""; }

        @Override
        public java.util.concurrent.CompletionStage<String> createAsync(String handlerName, Map<String, Object> params) {
            return java.util.concurrent.CompletableFuture.completedFuture(create(handlerName, params));
        }

        @Override
        public java.util.concurrent.CompletionStage<String> signalAsync(String matchId, String data) {
            return java.util.concurrent.CompletableFuture.completedFuture(signal(matchId, data));
        }

        @Override
        public void send(String userId, String subject, String content, int code, String senderId, boolean persistent) {
            notified.add(userId + "|" + subject + "|" + content + "|" + code + "|" + senderId + "|" + persistent);
        }
    }

    static RpcContext caller(ServerApi server) {
        return new RpcContext() {
            @Override public String userId() { return "u1"; }
            @Override public String username() { return "alice"; }
            @Override public Map<String, String> vars() { return Map.of(); }
            @Override public String sessionId() { return ""; }
            @Override public ServerApi server() { return server; }
        };
    }

    static MatchmakerEntry entry(String user, Map<String, String> props) {
        return new MatchmakerEntry(new Presence(user, "s-" + user, user, "node1"), "t-" + user, "", props, Map.of("n", 1.5));
    }

    @Test
    void rpcEchoesAndRpcGetAnswersPong() throws Exception {
        FakeServer server = new FakeServer();
        assertEquals("{\"hello\":\"world\"}", ClientRpcModule.rpc(caller(server), "{\"hello\":\"world\"}"));
        assertEquals("{\"message\":\"PONG\"}", ClientRpcModule.rpcGet(caller(server), ""));
        assertThrows(IllegalStateException.class, () -> ClientRpcModule.rpcError(caller(server), ""));
    }

    @Test
    void sendNotificationSendsThePersistentRewardToTheNamedUser() {
        FakeServer server = new FakeServer();
        assertEquals("", ClientRpcModule.sendNotification(caller(server), "{\"user_id\":\"u2\"}"));
        assertEquals(List.of("u2|You've unlocked level 100!|{\"reward_coins\":1000}|1|u1|true"), server.notified);
        assertThrows(IllegalArgumentException.class, () -> ClientRpcModule.sendNotification(caller(server), "{}"));
    }

    @Test
    void createAuthoritativeMatchPassesDebugAndTheLabel() {
        FakeServer server = new FakeServer();
        assertEquals("{\"match_id\":\"m1.node1\"}", ClientRpcModule.createAuthoritativeMatch(caller(server), "{}"));
        assertEquals(Map.of("debug", true), server.created.get(0));
        ClientRpcModule.createAuthoritativeMatch(caller(server), "{\"label\":\"{\\\"skill\\\":60}\"}");
        assertEquals(Map.of("debug", true, "label", "{\"skill\":60}"), server.created.get(1));
    }

    @Test
    void matchmakerHookMakesAMatchOnlyForTwoAuthoritativeUsers() {
        FakeServer server = new FakeServer();
        Map<String, String> auth = Map.of("mode", "authoritative");
        assertNull(ClientRpcModule.matchmakerMatched(server, List.of(entry("a", auth))));
        assertNull(ClientRpcModule.matchmakerMatched(server, List.of(entry("a", auth), entry("b", Map.of()))));
        assertNull(ClientRpcModule.matchmakerMatched(server, List.of(entry("a", auth), entry("b", auth), entry("c", auth))));
        assertEquals("m1.node1", ClientRpcModule.matchmakerMatched(server, List.of(entry("a", auth), entry("b", auth))));
        Map<String, Object> params = server.created.get(0);
        assertEquals(true, params.get("debug"));
        assertEquals("[{\"presence\":{\"user_id\":\"a\",\"session_id\":\"s-a\",\"username\":\"a\",\"node\":\"node1\"},"
                + "\"properties\":{\"mode\":\"authoritative\",\"n\":1.5}},"
                + "{\"presence\":{\"user_id\":\"b\",\"session_id\":\"s-b\",\"username\":\"b\",\"node\":\"node1\"},"
                + "\"properties\":{\"mode\":\"authoritative\",\"n\":1.5}}]", Json.encode(params.get("expected_users")));
    }

    @Test
    void matchUsesTheDefaultLabelAndEndsAtNakamasTickTen() {
        TestMatch match = new TestMatch();
        MatchInit<TestMatch.State> init = match.init(null, Map.of("debug", true));
        assertEquals("skill=100-150", init.label());
        assertEquals(1, init.tickRate());
        assertEquals("x", match.init(null, Map.of("label", "x")).label());
        // Gantry's first loop is tick 1 (Nakama's 0): ticks 1..10 keep the match, tick 11 (Nakama's 10) ends it.
        for (long tick = 1; tick <= 10; tick++) {
            assertEquals(init.state(), match.loop(null, null, tick, init.state(), List.of()));
        }
        assertNull(match.loop(null, null, 11, new TestMatch.State(false), List.of()));
        assertEquals("signal received: hi", match.signal(null, null, 0, init.state(), "hi").reply());
    }

    @Test
    void jsonDecodesWhatTheTestsSend() {
        assertEquals(Map.of("a", List.of(1.0, "x", true), "b", Map.of()), Json.decode(" {\"a\": [1, \"x\", true], \"b\": {}} "));
        assertNull(Json.decode(""));
        assertEquals(Map.of(), Json.decodeObject("\"not an object\""));
        assertEquals("\"q\\\"\\u0001\"", Json.encode("q\"\u0001"));
        assertThrows(IllegalArgumentException.class, () -> Json.decode("{\"a\":}"));
        assertTrue(Json.decode("\"\\u00e9\"").equals("é"));
    }
}
