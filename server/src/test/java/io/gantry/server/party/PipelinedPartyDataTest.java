package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.PartyData;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A member pipelining party data (no cid, as nakama-js sends it: nothing comes back to it) is
 * paused by flow control while its requests are in flight, never cut off; the other members,
 * whose queues the burst lands in, receive every message in order and stay connected.
 */
class PipelinedPartyDataTest {

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

    @ParameterizedTest(name = "{0}, queue of {1}")
    @CsvSource({"json, 4096", "protobuf, 4096", "json, 256"})
    void aThousandPipelinedSendsReachEveryOtherMemberInOrder(String format, int queue) {
        int count = 1_000;
        TestServer server = queue == 256 ? smallQueue : PipelinedPartyDataTest.server;
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
