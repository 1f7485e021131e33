package io.gantry.server;

import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.RawWebSocket;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket's keep-alive is one task per socket that both pings and keeps the pong wait (no
 * idle handler in the pipeline): with many sockets on the same event loops, every one is pinged,
 * every silent one is closed, and every one that answers, or that sends anything at all, stays.
 */
class KeepAliveTest {

    private static final int SOCKETS = 6;
    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config
                .with(ConfigKeys.SOCKET_PING_PERIOD_MS, 250L)
                .with(ConfigKeys.SOCKET_PONG_WAIT_MS, 2000L));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everySilentSocketIsPingedThenClosedWhileAnsweringOnesStay() throws IOException {
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 2 * SOCKETS; i++) {
            users.add(server.newUser());
        }
        List<SocketClient> answering = new ArrayList<>();
        List<RawWebSocket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < SOCKETS; i++) {
                answering.add(server.connect(users.get(2 * i)));
                RawWebSocket ws = RawWebSocket.open(server.port(), "/ws?format=json&token=" + users.get(2 * i + 1).token());
                assertEquals(101, ws.readHead().status());
                ws.setReadTimeout(30_000); // a guard against a server that never closes, not a wait
                silent.add(ws);
            }
            for (RawWebSocket ws : silent) {
                int pings = 0;
                RawWebSocket.Frame close = null;
                for (RawWebSocket.Frame f = ws.readFrame(); f != null && close == null; f = ws.readFrame()) {
                    if (f.opcode() == RawWebSocket.Frame.PING) {
                        pings++;
                    } else if (f.opcode() == RawWebSocket.Frame.CLOSE) {
                        close = f;
                    }
                }
                assertTrue(pings >= 1, "a silent socket is pinged before it is closed; pings: " + pings);
                assertNotNull(close, "a silent socket is closed with a close frame");
                assertEquals(1001, close.closeCode());
                assertEquals("no pong or message within the pong wait", close.closeReason());
            }
            // Every answering socket has answered more pings than fit in the pong wait (2 s / 250 ms).
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    answering.stream().allMatch(s -> s.pingsReceived() >= 10 || s.isClosed()));
            for (SocketClient s : answering) {
                assertFalse(s.isClosed(), () -> "closed: " + s.closeReason());
                s.sendText("{\"cid\":\"1\",\"ping\":{}}");
                assertEquals("{\"cid\":\"1\",\"pong\":{}}", s.next().text());
            }
        } finally {
            answering.forEach(SocketClient::close);
            for (RawWebSocket ws : silent) {
                ws.close();
            }
        }
    }

    @Test
    void anyMessageRestartsThePongWait() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/ws?format=json&token=" + server.newUser().token())) {
            assertEquals(101, ws.readHead().status());
            ws.setReadTimeout(30_000);
            // Never a pong frame: each server ping is answered with an application message instead.
            // Sixteen pings (4 s at 250 ms) outlast the 2 s pong wait twice over.
            int pings = 0;
            int cid = 0;
            while (pings < 16) {
                RawWebSocket.Frame f = ws.readFrame();
                assertNotNull(f, "the server closed a socket that kept sending");
                assertFalse(f.opcode() == RawWebSocket.Frame.CLOSE,
                        () -> "closed: " + f.closeCode() + " " + f.closeReason());
                if (f.opcode() == RawWebSocket.Frame.PING) {
                    pings++;
                    ws.sendText("{\"cid\":\"" + (++cid) + "\",\"ping\":{}}");
                }
            }
            ws.sendText("{\"cid\":\"last\",\"ping\":{}}");
            String pong = null;
            while (pong == null) {
                RawWebSocket.Frame f = ws.readFrame();
                assertNotNull(f, "the server closed a socket that kept sending");
                String text = new String(f.payload(), StandardCharsets.UTF_8);
                if (text.contains("\"last\"")) {
                    pong = text;
                }
            }
            assertEquals("{\"cid\":\"last\",\"pong\":{}}", pong);
        }
    }
}
