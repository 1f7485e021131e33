package io.gantry.server;

import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.RawWebSocket;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The server pings every socket.ping_period_ms and closes a socket that sends nothing (not even a
 * pong) for socket.pong_wait_ms; a client that answers pings stays connected.
 */
class SilentClientTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config
                .with(ConfigKeys.SOCKET_PING_PERIOD_MS, 200L)
                .with(ConfigKeys.SOCKET_PONG_WAIT_MS, 600L));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void clientThatNeverAnswersIsDisconnected() throws IOException {
        TestUser user = server.newUser();
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/ws?format=json&token=" + user.token())) {
            RawWebSocket.Head head = ws.readHead();
            assertEquals(101, head.status(), head.toString());
            ws.setReadTimeout(5000); // only a guard against a server that never closes
            int pings = 0;
            RawWebSocket.Frame close = null;
            try {
                for (RawWebSocket.Frame frame = ws.readFrame(); frame != null && close == null; frame = ws.readFrame()) {
                    if (frame.opcode() == RawWebSocket.Frame.PING) {
                        pings++;
                    } else if (frame.opcode() == RawWebSocket.Frame.CLOSE) {
                        close = frame;
                    }
                }
            } catch (SocketTimeoutException e) {
                fail("the server kept a silent client open (pings seen: " + pings + ")");
            }
            assertTrue(pings >= 1, "the server pinged before giving up; pings: " + pings);
            assertNotNull(close, "the server said why in a close frame");
            assertEquals(1001, close.closeCode());
            assertEquals("no pong or message within the pong wait", close.closeReason());
        }
    }

    @Test
    void clientThatAnswersPingsStaysConnected() {
        try (SocketClient socket = server.connect(server.newUser())) {
            // The JDK client answers every ping; once it has answered more pings than fit in the
            // pong wait (600 ms / 200 ms), it has outlived the wait by answering.
            await().atMost(SocketClient.TIMEOUT).until(() -> socket.pingsReceived() >= 4 || socket.isClosed());
            assertFalse(socket.isClosed(), () -> "closed: " + socket.closeReason());
            socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
            assertEquals("{\"cid\":\"1\",\"pong\":{}}", socket.next().text());
        }
    }
}
