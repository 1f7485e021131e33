package io.gantry.server.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stopping the server terminates every match: handlers get terminate, players are told, then the sockets close. */
@SocketScenario
class MatchShutdownTest {

    @Test
    void stoppingTheServerTerminatesTheMatchesAndTellsThePlayers() throws InterruptedException {
        TestServer server = TestServer.withRuntime(runtime -> runtime.match("arena", ArenaMatch::new));
        Player alice = Player.connect(server);
        try {
            String id = server.server().matches().create("arena", Map.of());
            alice.joinOk(id);
            server.close();
            Envelope terminating = alice.awaitData(id, ArenaMatch.OP_TERMINATING);
            assertEquals("grace=0", terminating.getMatchData().getData().toStringUtf8());
            alice.awaitLeaveOf(id, alice.userId());
        } finally {
            server.close();
            alice.close();
        }
    }
}
