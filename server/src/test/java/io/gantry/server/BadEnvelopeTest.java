package io.gantry.server;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An envelope that decodes but is no request a client may send (no message at all, or a type only
 * the server sends) gets one Error with its cid, then the socket is closed with 1008 (a WebSocket
 * close frame, a {@code disconnect} on TCP). Nobody else notices: a bystander's socket keeps
 * working. Frames that do not decode at all are transport matters: {@link BadSocketInputTest} for
 * WebSockets, {@code TcpBadInputTest} for TCP.
 */
@SocketScenario
class BadEnvelopeTest {

    private static final int UNRECOGNIZED_PAYLOAD = Error.Code.UNRECOGNIZED_PAYLOAD_VALUE; // 1
    private static final int MISSING_PAYLOAD = Error.Code.MISSING_PAYLOAD_VALUE; // 2
    private static final int POLICY_VIOLATION = 1008;

    static TestServer server;
    static SocketClient bystander;

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
        assertTrue(bystander.request(Envelope.newBuilder().setPing(Ping.getDefaultInstance())).hasPong());
        bystander.assertNothingElse();
        assertFalse(bystander.isClosed());
        // the rejected session is gone from the registry; only the bystander is left
        Rest.awaitSessions(server, 1);
    }

    /** Sends the envelope in the socket's format and asserts the error reply, then the close. */
    private static void assertRejected(String format, Envelope envelope, int code) {
        try (SocketClient socket = server.connect(server.newUser(), format)) {
            socket.sendEnvelope(envelope);
            Envelope reply = socket.nextEnvelope();
            assertEquals(Envelope.MessageCase.ERROR, reply.getMessageCase(), reply.toString());
            assertEquals(code, reply.getError().getCode(), reply.toString());
            assertEquals(envelope.getCid(), reply.getCid(), reply.toString());
            assertFalse(reply.getError().getMessage().isEmpty(), reply.toString());
            assertEquals(POLICY_VIOLATION, socket.awaitClose());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "protobuf"})
    void emptyEnvelope(String format) {
        assertRejected(format, Envelope.newBuilder().setCid("7").build(), MISSING_PAYLOAD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "protobuf"})
    void serverOnlyMessageType(String format) {
        assertRejected(format, Envelope.newBuilder().setCid("8").setMatchData(MatchData.getDefaultInstance()).build(),
                UNRECOGNIZED_PAYLOAD);
    }

    @Test
    void nothingIsSentAfterTheError() {
        try (SocketClient socket = server.connect(server.newUser())) {
            socket.sendEnvelope(Envelope.newBuilder().setCid("9").build());
            assertEquals(Envelope.MessageCase.ERROR, socket.nextEnvelope().getMessageCase());
            socket.awaitClose();
            socket.assertNothingUnread();
        }
    }
}
