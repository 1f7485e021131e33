package io.gantry.server;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A WebSocket frame that does not decode into a client envelope (not JSON, JSON that is no
 * envelope, the wrong frame type for the socket's format, bytes that are not protobuf) gets one
 * Error (with its cid when readable), then the socket is closed. Nobody else notices: a
 * bystander's socket keeps working. Envelopes that decode but are no request (empty, server-only
 * types) are {@link BadEnvelopeTest}, over either transport; TCP's own framing errors are
 * {@code TcpBadInputTest}.
 */
class BadSocketInputTest {

    private static final int UNRECOGNIZED_PAYLOAD = Error.Code.UNRECOGNIZED_PAYLOAD_VALUE; // 1
    private static final int POLICY_VIOLATION = 1008;
    private static final int UNSUPPORTED_DATA = 1003;

    static TestServer server;
    static SocketClient bystander;
    static int bystanderCid;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
        bystander = server.connect(server.newUser());
    }

    @AfterAll
    static void stop() {
        bystander.close();
        server.close();
    }

    @AfterEach
    void bystanderIsUntouched() {
        String cid = "b" + (++bystanderCid);
        bystander.sendText("{\"cid\":\"" + cid + "\",\"ping\":{}}");
        assertEquals("{\"cid\":\"" + cid + "\",\"pong\":{}}", bystander.next().text());
        assertFalse(bystander.isClosed());
        // the rejected session is gone from the registry; only the bystander is left
        Rest.awaitSessions(server, 1);
    }

    /** Sends a text frame and asserts the error reply, then the close. */
    private static void assertRejected(String text, int code, String cid, int closeCode) {
        try (SocketClient socket = server.connect(server.newUser())) {
            socket.sendText(text);
            SocketClient.Frame frame = socket.next();
            assertNotNull(frame.text(), "the error comes as a text frame on a JSON socket");
            assertError(frame.envelope(), code, cid);
            assertEquals(closeCode, socket.awaitClose());
        }
    }

    private static void assertError(Envelope envelope, int code, String cid) {
        assertEquals(Envelope.MessageCase.ERROR, envelope.getMessageCase(), envelope.toString());
        assertEquals(code, envelope.getError().getCode(), envelope.toString());
        assertEquals(cid, envelope.getCid(), envelope.toString());
        assertFalse(envelope.getError().getMessage().isEmpty(), envelope.toString());
    }

    @Test
    void notJson() {
        assertRejected("hello", UNRECOGNIZED_PAYLOAD, "", POLICY_VIOLATION);
    }

    @Test
    void unknownField() {
        assertRejected("{\"cid\":\"5\",\"ping\":{},\"bogus\":1}", UNRECOGNIZED_PAYLOAD, "5", POLICY_VIOLATION);
    }

    @Test
    void wronglyTypedField() {
        assertRejected("{\"cid\":\"6\",\"channel_join\":{\"type\":\"lots\"}}", UNRECOGNIZED_PAYLOAD, "6", POLICY_VIOLATION);
    }

    @Test
    void jsonThatIsNotAnObject() {
        assertRejected("[1,2,3]", UNRECOGNIZED_PAYLOAD, "", POLICY_VIOLATION);
        assertRejected("42", UNRECOGNIZED_PAYLOAD, "", POLICY_VIOLATION);
        assertRejected("", UNRECOGNIZED_PAYLOAD, "", POLICY_VIOLATION);
    }

    /**
     * protobuf-java-util's JsonFormat parser reads the first JSON value and ignores what follows;
     * the codec checks that a frame is exactly one envelope, as Nakama's protojson does.
     */
    @Test
    void trailingDataAfterTheEnvelope() {
        assertRejected("{\"cid\":\"10\",\"ping\":{}} trailing", UNRECOGNIZED_PAYLOAD, "10", POLICY_VIOLATION);
    }

    @Test
    void binaryFrameOnAJsonSocket() {
        try (SocketClient socket = server.connect(server.newUser())) {
            socket.sendBinary(Envelope.newBuilder().setCid("11").setPing(Ping.getDefaultInstance()).build().toByteArray());
            SocketClient.Frame frame = socket.next();
            assertNotNull(frame.text());
            assertError(frame.envelope(), UNRECOGNIZED_PAYLOAD, "");
            assertEquals(UNSUPPORTED_DATA, socket.awaitClose());
        }
    }

    @Test
    void textFrameOnAProtobufSocket() {
        try (SocketClient socket = server.connect(server.newUser(), "protobuf")) {
            socket.sendText("{\"cid\":\"12\",\"ping\":{}}");
            SocketClient.Frame frame = socket.next();
            assertNull(frame.text(), "the error comes as a binary frame on a protobuf socket");
            assertError(frame.envelope(), UNRECOGNIZED_PAYLOAD, "");
            assertEquals(UNSUPPORTED_DATA, socket.awaitClose());
        }
    }

    @Test
    void undecodableProtobuf() {
        try (SocketClient socket = server.connect(server.newUser(), "protobuf")) {
            socket.sendBinary("this is not protobuf".getBytes(StandardCharsets.UTF_8));
            SocketClient.Frame frame = socket.next();
            assertNull(frame.text());
            assertEquals(Envelope.MessageCase.ERROR, frame.envelope().getMessageCase());
            assertEquals(UNRECOGNIZED_PAYLOAD, frame.envelope().getError().getCode());
            assertEquals(POLICY_VIOLATION, socket.awaitClose());
        }
    }

    @Test
    void nothingIsSentAfterTheError() {
        try (SocketClient socket = server.connect(server.newUser())) {
            socket.sendText("hello");
            assertEquals(Envelope.MessageCase.ERROR, socket.nextEnvelope().getMessageCase());
            socket.awaitClose();
            socket.assertNothingUnread();
        }
    }
}
