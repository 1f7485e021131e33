package io.gantry.server.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A player pipelining relayed match data (nothing comes back to it) is paused by flow control,
 * never cut off; the other player receives every message, in order, and stays connected (it is
 * protected by the queue's headroom, see {@code PipelinedPartyDataTest}).
 */
@SocketScenario
class PipelinedMatchDataTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aThousandPipelinedSendsReachTheOtherPlayerInOrder() {
        int count = 1_000;
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
