package io.gantry.server.match;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Match;
import com.heroiclabs.nakama.rtapi.MatchData;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authoritative matches over real sockets: server code creates them, a Java handler decides
 * joins and runs the game, clients see what the handler sends.
 */
@SocketScenario
class AuthoritativeMatchTest {

    static final long LABEL_INTERVAL_MS = 200;
    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config
                        .with(ConfigKeys.MATCH_LABEL_UPDATE_INTERVAL_MS, LABEL_INTERVAL_MS)
                        .with(ConfigKeys.MATCH_INPUT_QUEUE_SIZE, 8),
                runtime -> runtime.match("arena", ArenaMatch::new));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String create(Map<String, Object> params) {
        return server.server().matches().create("arena", params);
    }

    static JsonArray listMatches(TestServer server, TestUser user, String query) {
        HttpResponse<String> response = server.getWithToken("/v2/match?" + query, user.token());
        assertEquals(200, response.statusCode(), response::body);
        JsonElement matches = JsonParser.parseString(response.body()).getAsJsonObject().get("matches");
        return matches == null ? new JsonArray() : matches.getAsJsonArray();
    }

    static JsonObject listed(TestServer server, TestUser user, String matchId) {
        for (JsonElement element : listMatches(server, user, "limit=100&authoritative=true")) {
            if (element.getAsJsonObject().get("match_id").getAsString().equals(matchId)) {
                return element.getAsJsonObject();
            }
        }
        return null;
    }

    @Test
    void serverCodeCreatesAMatchThatClientsJoin() {
        String id = create(Map.of("label", "{\"mode\":\"duel\"}", "tick_rate", 20));
        assertTrue(id.matches("[0-9a-f-]{36}\\.gantry"), "authoritative ids end with the node name: " + id);
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            Envelope reply = alice.join(id);
            Match match = reply.getMatch();
            assertEquals(id, match.getMatchId());
            assertTrue(match.getAuthoritative());
            assertEquals("{\"mode\":\"duel\"}", match.getLabel().getValue());
            assertEquals(0, match.getSize());
            assertEquals(alice.userId(), match.getSelf().getUserId());
            alice.awaitJoinOf(id, alice.userId()); // after the reply

            Envelope bobs = bob.join(id);
            assertEquals(1, bobs.getMatch().getSize());
            assertEquals(alice.userId(), bobs.getMatch().getPresences(0).getUserId());
            bob.awaitJoinOf(id, bob.userId());
            alice.awaitJoinOf(id, bob.userId());

            eventually("the match counts both players", () -> server.server().matches().get(id).orElseThrow().size() == 2);
            var info = server.server().matches().get(id).orElseThrow();
            assertEquals(20, info.tickRate());
            assertEquals("arena", info.handlerName());
        }
    }

    @Test
    void aRejectedJoinAttemptIsMatchJoinRejectedWithTheHandlersReason() {
        String id = create(Map.of());
        try (Player alice = Player.connect(server)) {
            Envelope reply = alice.join(id, Map.of("reject", "bring a friend"));
            assertEquals(Error.Code.MATCH_JOIN_REJECTED_VALUE, reply.getError().getCode(), reply::toString);
            assertEquals("bring a friend", reply.getError().getMessage());
            alice.expectSilence();
            assertTrue(alice.join(id).hasMatch(), "nothing changed: a later join works");
        }
    }

    @Test
    void theLoopReceivesMessagesAndBroadcastsNowDeferredAndToSomePlayers() {
        String id = create(Map.of());
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            alice.joinOk(id);
            bob.joinOk(id);
            alice.awaitJoinOf(id, bob.userId());

            alice.sendData(id, ArenaMatch.OP_ECHO, "hello");
            for (Player player : new Player[]{alice, bob}) {
                MatchData echo = player.awaitData(id, ArenaMatch.OP_ECHO).getMatchData();
                assertEquals("hello", echo.getData().toStringUtf8());
                assertEquals(alice.userId(), echo.getPresence().getUserId(), "the handler named alice as the sender");
            }

            bob.sendData(id, ArenaMatch.OP_DEFERRED_THEN_NOW, "x");
            for (Player player : new Player[]{alice, bob}) {
                Envelope first = player.await(Envelope::hasMatchData, "match data");
                Envelope second = player.await(Envelope::hasMatchData, "match data");
                assertEquals(ArenaMatch.OP_NOW, first.getMatchData().getOpCode(), "sent now, so first");
                assertEquals(ArenaMatch.OP_DEFERRED, second.getMatchData().getOpCode(), "deferred to the end of the tick");
                assertFalse(second.getMatchData().hasPresence(), "sent by the server");
            }

            bob.sendData(id, ArenaMatch.OP_TO_SENDER, "psst");
            MatchData only = bob.awaitData(id, ArenaMatch.OP_PRIVATE).getMatchData();
            assertEquals("psst", only.getData().toStringUtf8());
            assertFalse(only.getReliable());
            // The handler runs on its worker, not the router: alice's own message to the match,
            // handled after bob's, is answered after anything the handler sent her for bob's.
            alice.sendData(id, ArenaMatch.OP_TO_SENDER, "fence");
            assertEquals("fence", alice.socket().nextEnvelope().getMatchData().getData().toStringUtf8(),
                    "alice got nothing from bob's private message before her own answer");
            alice.expectSilence();
        }
    }

    @Test
    void theHandlerKicksAPlayer() {
        String id = create(Map.of());
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            String aliceSession = alice.joinOk(id).getMatch().getSelf().getSessionId();
            bob.joinOk(id);
            alice.awaitJoinOf(id, bob.userId());

            bob.sendData(id, ArenaMatch.OP_KICK_ME, "");
            alice.awaitLeaveOf(id, bob.userId());
            eventually("the handler saw the leave", () -> server.server().matches().signal(id, "players").equals(aliceSession));
            bob.sendData(id, ArenaMatch.OP_ECHO, "still here?");
            assertEquals(Error.Code.BAD_INPUT_VALUE, bob.awaitError().getError().getCode(), "not a member any more");
            alice.expectSilence();
        }
    }

    @Test
    void labelChangesReachTheListing() {
        String id = create(Map.of("label", "{\"mode\":\"casual\"}"));
        try (Player alice = Player.connect(server)) {
            eventually("listed", () -> listed(server, alice.user, id) != null);
            assertEquals("{\"mode\":\"casual\"}", listed(server, alice.user, id).get("label").getAsString());
            alice.joinOk(id);
            alice.sendData(id, ArenaMatch.OP_LABEL, "{\"mode\":\"ranked\"}");
            eventually("relabelled", () -> {
                JsonObject match = listed(server, alice.user, id);
                return match.get("label").getAsString().equals("{\"mode\":\"ranked\"}") && match.get("size").getAsInt() == 1;
            });
            JsonObject match = listed(server, alice.user, id);
            assertTrue(match.get("authoritative").getAsBoolean());
            assertEquals(10, match.get("tick_rate").getAsInt());
            assertEquals("arena", match.get("handler_name").getAsString());
            // and through a signal, from server code
            assertEquals("ok", server.server().matches().signal(id, "label:{\"mode\":\"final\"}"));
            eventually("relabelled by signal", () -> listed(server, alice.user, id).get("label").getAsString().contains("final"));
        }
    }

    @Test
    void signalsReachTheHandlerAndItsReplyComesBack() {
        String id = create(Map.of());
        String reply = server.server().matches().signal(id, "hello");
        assertTrue(reply.startsWith("signalled:hello at tick "), reply);
        assertThrows(IllegalArgumentException.class,
                () -> server.server().matches().signal("00000000-0000-0000-0000-000000000000.gantry", "x"));
        assertThrows(IllegalArgumentException.class, () -> server.server().matches().create("no-such-handler", Map.of()));
    }

    @Test
    void aHandlerThatThrowsEndsItsMatchOnlyAndItsPlayersAreTold() {
        String faulty = create(Map.of());
        String healthy = create(Map.of("ticks", true));
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            alice.joinOk(faulty);
            bob.joinOk(healthy);
            bob.awaitData(healthy, ArenaMatch.OP_TICK);

            alice.sendData(faulty, ArenaMatch.OP_THROW, "the dragon escaped");
            Envelope leave = alice.awaitLeaveOf(faulty, alice.userId());
            assertEquals(faulty, leave.getMatchPresenceEvent().getMatchId());
            Envelope error = alice.awaitError();
            assertEquals(Error.Code.RUNTIME_EXCEPTION_VALUE, error.getError().getCode());
            assertEquals("Match " + faulty + " ended: handler error: the dragon escaped", error.getError().getMessage());
            assertFalse(error.getError().getMessage().contains("at io.gantry"), "no stack trace reaches clients");

            long before = tickOf(bob.awaitData(healthy, ArenaMatch.OP_TICK));
            long after = tickOf(bob.awaitData(healthy, ArenaMatch.OP_TICK));
            assertTrue(after > before, "the other match keeps ticking");
            assertTrue(server.server().matches().get(faulty).isEmpty());
            assertEquals(Error.Code.MATCH_NOT_FOUND_VALUE, alice.join(faulty).getError().getCode());
        }
    }

    @Test
    void aFullInputQueueRefusesTheSenderAndTheMatchGoesOn() {
        String id = create(Map.of("tick_rate", 1)); // one tick a second: the queue of 8 fills in between
        try (Player alice = Player.connect(server)) {
            alice.joinOk(id);
            for (int i = 0; i < 20; i++) {
                alice.send(Player.data(id, ArenaMatch.OP_COUNT, "n" + i).toBuilder().setCid("q" + i).build());
            }
            Envelope error = alice.awaitError();
            assertTrue(error.getCid().startsWith("q"), error::toString);
            assertTrue(Integer.parseInt(error.getCid().substring(1)) >= 8, "at least 8 fit: " + error.getCid());
            assertEquals(Error.Code.RUNTIME_EXCEPTION_VALUE, error.getError().getCode());
            assertEquals("Match input queue is full; data dropped.", error.getError().getMessage());
            Envelope batch = alice.await(e -> e.hasMatchData() && e.getMatchData().getOpCode() == ArenaMatch.OP_BATCH
                    && e.getMatchData().getData().toStringUtf8().equals("8"), "a tick with the 8 queued messages");
            assertEquals(id, batch.getMatchData().getMatchId());
            alice.sendData(id, ArenaMatch.OP_ECHO, "later");
            assertEquals("later", alice.awaitData(id, ArenaMatch.OP_ECHO).getMatchData().getData().toStringUtf8(),
                    "the match goes on");
        }
    }

    @Test
    void aStuckHandlerDoesNotStallTheOtherMatches() {
        ArenaMatch.RELEASE.set(false);
        String stuck = create(Map.of());
        String[] others = {create(Map.of("ticks", true)), create(Map.of("ticks", true))};
        try (Player alice = Player.connect(server); Player bob = Player.connect(server); Player carol = Player.connect(server)) {
            alice.joinOk(stuck);
            bob.joinOk(others[0]);
            carol.joinOk(others[1]);

            alice.sendData(stuck, ArenaMatch.OP_SPIN, "");
            Envelope error = alice.await(Envelope::hasError, "the end of the stuck match", java.time.Duration.ofSeconds(10));
            // the watchdog's words: a handler stuck in one call, not one that threw or overran a tick
            assertTrue(error.getError().getMessage().startsWith("Match " + stuck + " ended: handler stuck"), error::toString);
            // every other match ticks on: throughout when on another lane, after the hand-over otherwise
            for (Player player : new Player[]{bob, carol}) {
                String match = player == bob ? others[0] : others[1];
                long tick = tickOf(player.awaitData(match, ArenaMatch.OP_TICK));
                assertTrue(tickOf(player.awaitData(match, ArenaMatch.OP_TICK)) > tick);
            }
            assertTrue(server.server().matches().get(stuck).isEmpty(), "the stuck match is gone");
        } finally {
            ArenaMatch.RELEASE.set(true);
        }
    }

    static long tickOf(Envelope envelope) {
        return Long.parseLong(envelope.getMatchData().getData().toStringUtf8());
    }

    static void eventually(String what, java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await(what).atMost(java.time.Duration.ofSeconds(5)).until(condition);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
