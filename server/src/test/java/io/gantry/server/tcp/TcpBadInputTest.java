package io.gantry.server.tcp;

import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Connected;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.RawTcp;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.gantry.server.tcp.TcpHandshakeTest.assertErrorThenDisconnect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad bytes on the TCP transport, before and after the handshake: garbage, a malformed or
 * oversized length prefix, a prefix promising more than ever comes, undecodable envelopes, unknown
 * and server-only types. Each gets its documented answer (an Error, then a disconnect with the
 * close code, then the end of the connection), and a bystander in a room with nobody else sees
 * nothing and keeps being served.
 */
class TcpBadInputTest {

    static final int MAX = 4096;
    static TestServer server;
    /** Alone in a room: a connection of someone else that failed would show as a presence event. */
    SocketClient bystander;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config
                .with(ConfigKeys.SOCKET_MAX_MESSAGE_SIZE_BYTES, MAX)
                .with(ConfigKeys.SOCKET_PING_PERIOD_MS, 200L)
                .with(ConfigKeys.SOCKET_PONG_WAIT_MS, 600L));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connectBystander() {
        bystander = SocketClient.connectTcp(server.tcpPort(), server.newUser().token(), false, "en");
        bystander.request(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder().setTarget("bystanders").setType(1)));
        bystander.awaitEnvelope(Envelope.MessageCase.CHANNEL_PRESENCE_EVENT); // its own join
    }

    @AfterEach
    void bystanderIsUntouched() {
        bystander.assertNothingElse();
        assertFalse(bystander.isClosed());
        bystander.close();
    }

    /** A connection with its handshake done. */
    private static RawTcp connected() {
        TestUser user = server.newUser();
        RawTcp tcp = RawTcp.open(server.tcpPort());
        tcp.send(Envelope.newBuilder().setCid("c").setConnect(Connect.newBuilder().setToken(user.token())).build());
        assertTrue(tcp.next().hasConnected());
        return tcp;
    }

    @Test
    void garbageBeforeTheHandshake() {
        try (RawTcp tcp = RawTcp.open(server.tcpPort())) {
            tcp.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // 'G' (71) reads as a length of 71 bytes; the 27 that follow are not enough, so the
            // server waits for the rest: send it, and the frame does not decode
            tcp.write(new byte[71 - 26]);
            Envelope error = tcp.next();
            assertEquals("", error.getCid());
            assertEquals(1, error.getError().getCode());
            assertTrue(error.getError().getMessage().startsWith("Could not decode message: "), error.toString());
            Envelope disconnect = tcp.next();
            assertEquals(1008, disconnect.getDisconnect().getCode());
            tcp.awaitEnd();
        }
    }

    @Test
    void malformedLengthPrefix() {
        try (RawTcp tcp = connected()) {
            byte[] sixContinuationBytes = new byte[6];
            Arrays.fill(sixContinuationBytes, (byte) 0xff);
            tcp.write(sixContinuationBytes);
            assertErrorThenDisconnect(tcp, "", 1, "Could not decode message: malformed length prefix: not a varint32.",
                    1008);
        }
    }

    @Test
    void lengthOverTheLimitClosesBeforeTheFrameArrives() {
        try (RawTcp tcp = connected()) {
            tcp.write(Arrays.copyOf(RawTcp.frame(new byte[MAX + 1]), 2)); // the prefix alone
            assertErrorThenDisconnect(tcp, "", 1, "Could not decode message: frame of " + (MAX + 1)
                    + " bytes is over the limit of " + MAX + " bytes.", 1009);
        }
    }

    @Test
    void lengthOverTheLimitBeforeTheHandshake() {
        try (RawTcp tcp = RawTcp.open(server.tcpPort())) {
            tcp.write(new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f}); // 268 MB
            assertErrorThenDisconnect(tcp, "", 1, "Could not decode message: frame of 268435455 bytes is over the "
                    + "limit of " + MAX + " bytes.", 1009);
        }
    }

    @Test
    void aFrameAtTheLimitIsAccepted() {
        try (RawTcp tcp = connected()) {
            Envelope ping = Envelope.newBuilder().setCid("x".repeat(MAX - 6)).setPing(Ping.getDefaultInstance()).build();
            assertEquals(MAX, ping.getSerializedSize());
            tcp.send(ping);
            assertTrue(tcp.next().hasPong());
        }
    }

    @Test
    void lengthBeyondTheDataThenTheClientHangsUp() {
        try (RawTcp tcp = connected()) {
            tcp.write(new byte[]{100, 1, 2, 3});
            tcp.shutdownOutput();
            tcp.awaitEnd();
        }
    }

    @Test
    void lengthBeyondTheDataThenSilenceEndsAtThePongWait() {
        try (RawTcp tcp = connected()) {
            tcp.write(new byte[]{100, 1, 2, 3});
            Envelope frame = tcp.next();
            while (frame.hasPing()) { // the server keeps pinging; nothing answers
                frame = tcp.next();
            }
            assertEquals(1001, frame.getDisconnect().getCode(), frame.toString());
            assertEquals("no pong or message within the pong wait", frame.getDisconnect().getReason());
            tcp.awaitEnd();
        }
    }

    @Test
    void noConnectWithinThePongWait() {
        try (RawTcp tcp = RawTcp.open(server.tcpPort())) {
            assertErrorThenDisconnect(tcp, "", 1, "no 'connect' within the pong wait", 1001);
        }
    }

    @Test
    void undecodableEnvelopeAfterTheHandshake() {
        try (RawTcp tcp = connected()) {
            tcp.write(RawTcp.frame(new byte[]{(byte) 0x0a, 50, 1}));
            Envelope error = tcp.next();
            assertEquals(1, error.getError().getCode());
            assertTrue(error.getError().getMessage().startsWith("Could not decode message: "), error.toString());
            assertEquals(1008, tcp.next().getDisconnect().getCode());
            tcp.awaitEnd();
        }
    }

    @Test
    void unknownEnvelopeType() {
        try (RawTcp tcp = connected()) {
            // cid "u1", then field 99 (not in the oneof) as an empty message
            tcp.write(RawTcp.frame(new byte[]{0x0a, 2, 'u', '1', (byte) 0x9a, 0x06, 0}));
            assertErrorThenDisconnect(tcp, "u1", 1, "Could not decode message: unknown field [99]", 1008);
        }
    }

    @Test
    void serverOnlyType() {
        try (RawTcp tcp = connected()) {
            tcp.send(Envelope.newBuilder().setCid("s1").setConnected(Connected.getDefaultInstance()).build());
            assertErrorThenDisconnect(tcp, "s1", 1,
                    "Unrecognized message: 'connected' is sent by the server, not by clients.", 1008);
        }
    }

    @Test
    void emptyEnvelope() {
        try (RawTcp tcp = connected()) {
            tcp.send(Envelope.newBuilder().setCid("e1").build());
            assertErrorThenDisconnect(tcp, "e1", 2, "Missing message.", 1008);
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() {
        TestUser user = server.newUser();
        try (SocketClient socket = SocketClient.connectTcp(server.tcpPort(), user.token(), false, "en")) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> socket.pingsReceived() >= 5); // 5 pings: well past the pong wait
            socket.assertNothingElse();
        }
    }
}
