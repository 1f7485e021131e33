package io.gantry.server.match;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.api.Rpc;
import io.gantry.examples.tictactoe.TicTacToeMatch;
import io.gantry.examples.tictactoe.TicTacToeModule;
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
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example module: whole games of tic-tac-toe over real sockets, as two nakama clients would play them. */
@SocketScenario
class TicTacToeGameTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config.with(ConfigKeys.MATCH_LABEL_UPDATE_INTERVAL_MS, 50L),
                runtime -> runtime.module(new TicTacToeModule()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonObject state(Envelope envelope) {
        return JsonParser.parseString(envelope.getMatchData().getData().toStringUtf8()).getAsJsonObject();
    }

    static JsonObject awaitState(Player player, String matchId) {
        return state(player.awaitData(matchId, TicTacToeMatch.OP_STATE));
    }

    static void move(Player player, String matchId, int cell) {
        player.sendData(matchId, TicTacToeMatch.OP_MOVE, "{\"cell\":" + cell + "}");
    }

    /** Creates a game through the module's RPC, over REST, as nakama-js {@code client.rpc} does. */
    static String createByRestRpc(TestUser user) {
        HttpResponse<String> response = server.postWithToken("/v2/rpc/" + TicTacToeModule.RPC_CREATE, user.token(), "\"{}\"");
        assertEquals(200, response.statusCode(), response::body);
        String payload = JsonParser.parseString(response.body()).getAsJsonObject().get("payload").getAsString();
        return JsonParser.parseString(payload).getAsJsonObject().get("match_id").getAsString();
    }

    static boolean listedOpen(TestUser user, String matchId) {
        String query = URLEncoder.encode("+label.open:T +label.game:tictactoe", StandardCharsets.UTF_8);
        HttpResponse<String> response = server.getWithToken("/v2/match?limit=100&authoritative=true&query=" + query, user.token());
        return response.body().contains(matchId);
    }

    @Test
    void theModuleIsFoundByServiceLoader() {
        assertTrue(ServiceLoader.load(io.gantry.runtime.GantryModule.class).stream()
                .anyMatch(p -> p.type() == TicTacToeModule.class));
    }

    @Test
    void twoPlayersPlayAWholeGameAndAThirdIsTurnedAway() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server); Player carol = Player.connect(server)) {
            String id = createByRestRpc(alice.user);
            AuthoritativeMatchTest.eventually("an open game is listed", () -> listedOpen(alice.user, id));

            Envelope reply = alice.join(id);
            assertEquals("{\"open\":true,\"game\":\"tictactoe\"}", reply.getMatch().getLabel().getValue());
            bob.joinOk(id);
            JsonObject start = awaitState(alice, id);
            assertEquals(start, awaitState(bob, id));
            assertEquals(alice.userId(), start.get("next").getAsString(), "the first seated plays X and starts");
            assertEquals("X", start.getAsJsonObject("marks").get(alice.userId()).getAsString());
            assertEquals("O", start.getAsJsonObject("marks").get(bob.userId()).getAsString());

            Envelope full = carol.join(id);
            assertEquals(Error.Code.MATCH_JOIN_REJECTED_VALUE, full.getError().getCode(), full::toString);
            assertEquals("match full", full.getError().getMessage());
            AuthoritativeMatchTest.eventually("a full game is no longer listed as open", () -> !listedOpen(alice.user, id));

            move(bob, id, 4);
            JsonObject refused = state(bob.awaitData(id, TicTacToeMatch.OP_REJECTED));
            assertEquals("not your turn", refused.get("reason").getAsString());

            int[][] moves = {{0}, {3}, {1}, {4}, {2}}; // X: 0 1 2 — the top row
            Player[] turn = {alice, bob};
            JsonObject last = null;
            for (int i = 0; i < moves.length; i++) {
                move(turn[i % 2], id, moves[i][0]);
                last = awaitState(alice, id);
                assertEquals(last, awaitState(bob, id), "both see the same board");
            }
            assertEquals(alice.userId(), last.get("winner").getAsString());
            assertTrue(last.get("next").isJsonNull());
            assertEquals("[\"X\",\"X\",\"X\",\"O\",\"O\",\"\",\"\",\"\",\"\"]", last.get("board").toString());

            move(bob, id, 8);
            assertEquals("game over", state(bob.awaitData(id, TicTacToeMatch.OP_REJECTED)).get("reason").getAsString());

            alice.leave(id);
            bob.awaitLeaveOf(id, alice.userId());
            bob.leave(id);
            AuthoritativeMatchTest.eventually("the finished, empty game ends", () -> server.server().matches().get(id).isEmpty());
            assertEquals(Error.Code.MATCH_NOT_FOUND_VALUE, carol.join(id).getError().getCode());
        }
    }

    @Test
    void leavingAGameInProgressForfeitsIt() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            // created over the socket rpc, as nakama-js socket.rpc does
            Envelope rpc = alice.request(Envelope.newBuilder().setRpc(Rpc.newBuilder().setId(TicTacToeModule.RPC_CREATE).setPayload("{}")));
            String id = JsonParser.parseString(rpc.getRpc().getPayload()).getAsJsonObject().get("match_id").getAsString();
            alice.joinOk(id);
            bob.joinOk(id);
            awaitState(alice, id);
            awaitState(bob, id);
            move(alice, id, 4);
            awaitState(alice, id);
            awaitState(bob, id);

            bob.close();
            JsonObject end = awaitState(alice, id);
            assertEquals(alice.userId(), end.get("winner").getAsString());
            assertFalse(end.get("draw").getAsBoolean());
        }
    }

    @Test
    void anUnusedGameEndsAfterItsEmptyTicks() {
        String id = server.server().matches().create(TicTacToeModule.MATCH, Map.of("empty_ticks", 3));
        AuthoritativeMatchTest.eventually("ended after 3 empty ticks", () -> server.server().matches().get(id).isEmpty());
    }
}
