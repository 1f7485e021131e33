package io.gantry.server.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A player pipelining relayed match data (nothing comes back to it) is paused by flow control,
 * never cut off; the other player receives every message, in order, and stays connected.
 */
class PipelinedMatchDataTest {

    static TestServer server;
    /** Queue 256, water marks 64/16: the pipeline is four times the queue's bound. */
    static TestServer smallQueue;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
        smallQueue = TestServer.start(config -> config
                .with(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE, 256)
                .with(ConfigKeys.SOCKET_OUTGOING_HIGH_WATER, 64)
                .with(ConfigKeys.SOCKET_OUTGOING_LOW_WATER, 16));
    }

    @AfterAll
    static void stop() {
        server.close();
        smallQueue.close();
    }

    @ParameterizedTest(name = "queue of {0}")
    @ValueSource(ints = {4096, 256})
    void aThousandPipelinedSendsReachTheOtherPlayerInOrder(int queue) {
        int count = 1_000;
        TestServer server = queue == 256 ? smallQueue : PipelinedMatchDataTest.server;
        String payload = "x".repeat(100);
        try (Player a = Player.connect(server); Player b = Player.connect(server)) {
            String matchId = a.createMatch(null).getMatch().getMatchId();
            a.awaitJoinOf(matchId, a.userId());
            b.joinOk(matchId);
            a.awaitJoinOf(matchId, b.userId());
            for (int i = 0; i < count; i++) {
                a.sendData(matchId, i, payload);
            }
            for (int i = 0; i < count; i++) {
                MatchData data = b.await(Envelope::hasMatchData, "match data " + i).getMatchData();
                assertEquals(i, data.getOpCode(), "messages arrive in order, none missing");
                assertEquals(a.userId(), data.getPresence().getUserId());
            }
            // each pong comes after everything sent before it: both sockets open, nothing else owed
            for (Player player : new Player[]{a, b}) {
                player.send(Envelope.newBuilder().setCid("barrier").setPing(Ping.getDefaultInstance()).build());
                Envelope next = player.await(e -> true, "the pong");
                assertTrue(next.hasPong() && next.getCid().equals("barrier"), () -> "expected the pong, got " + next);
            }
        }
    }
}
