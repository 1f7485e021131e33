package io.gantry.server;

import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            long start = System.nanoTime();
            ws.setReadTimeout(3000);
            int pings = 0;
            Integer closeCode = null;
            try {
                while (true) {
                    RawWebSocket.Frame frame = ws.readFrame();
                    if (frame == null) {
                        break; // TCP connection closed
                    }
                    if (frame.opcode() == RawWebSocket.Frame.PING) {
                        pings++;
                    } else if (frame.opcode() == RawWebSocket.Frame.CLOSE) {
                        closeCode = frame.closeCode();
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                fail("the server kept a silent client for more than 3 s (pings seen: " + pings + ")");
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            System.out.println("silent client: " + pings + " pings, close code " + closeCode + " after " + elapsedMs + " ms");
            assertTrue(pings >= 1, "the server pinged before giving up; pings: " + pings);
            assertTrue(elapsedMs >= 400, "closed only after the pong wait, not at once: " + elapsedMs + " ms");
            if (closeCode != null) {
                assertEquals(1001, closeCode);
            }
        }
    }

    @Test
    void clientThatAnswersPingsStaysConnected() throws InterruptedException {
        try (WsClient socket = server.connect(server.newUser())) {
            Thread.sleep(1500);
            assertFalse(socket.isClosed(), "the JDK client answers pings, so it must stay connected");
            socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
            assertEquals("{\"cid\":\"1\",\"pong\":{}}", socket.next().text());
        }
    }
}
