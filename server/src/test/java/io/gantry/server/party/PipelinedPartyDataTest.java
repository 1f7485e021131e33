package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.PartyData;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A member pipelining party data (no cid, as nakama-js sends it: nothing comes back to it) is
 * paused by flow control while its requests are in flight, never cut off; the other members,
 * whose queues the burst lands in, receive every message in order and stay connected.
 *
 * <p>The sender is bounded by flow control; the receivers are protected by the queue's headroom
 * (default 4,096), not by flow control: their event loop may fall behind the router while the
 * sender's does not. With a queue of 256 this test closed a receiver on this machine, which is
 * why the bound is 4,096 and why it is not tested smaller here.
 */
@SocketScenario
class PipelinedPartyDataTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "protobuf"})
    void aThousandPipelinedSendsReachEveryOtherMemberInOrder(String format) {
        int count = 1_000;
        byte[] payload = new byte[100];
        try (PartyPlayer a = PartyPlayer.connect(server, format);
             PartyPlayer b = PartyPlayer.connect(server, format);
             PartyPlayer c = PartyPlayer.connect(server, format)) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            for (int i = 0; i < count; i++) {
                a.sendRaw(PartyPlayer.data(id, i, payload).build());
            }
            for (PartyPlayer member : List.of(b, c)) {
                for (int i = 0; i < count; i++) {
                    PartyData data = member.expect(Envelope.MessageCase.PARTY_DATA).getPartyData();
                    assertEquals(i, data.getOpCode(), "messages arrive in order, none missing");
                    assertEquals(a.self, data.getPresence());
                }
            }
            // each pong comes after everything sent before it: open sockets, nothing else owed
            a.assertOpen();
            b.assertOpen();
            c.assertOpen();
        }
    }
}
