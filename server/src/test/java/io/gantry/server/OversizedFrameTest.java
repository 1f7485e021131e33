package io.gantry.server;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A message over socket.max_message_size_bytes (4096 by default) closes the socket with 1009. */
class OversizedFrameTest {

    private static final int MESSAGE_TOO_BIG = 1009;

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A valid ping envelope padded with a long cid to exactly {@code size} bytes of JSON. */
    private static String pingOfSize(int size) {
        String frame = "{\"cid\":\"\",\"ping\":{}}";
        return "{\"cid\":\"" + "x".repeat(size - frame.length()) + "\",\"ping\":{}}";
    }

    @Test
    void oversizedTextFrameClosesWith1009AndTheUserCanReconnect() {
        TestUser user = server.newUser();
        try (SocketClient socket = server.connect(user)) {
            socket.sendText(pingOfSize(4097));
            assertEquals(MESSAGE_TOO_BIG, socket.awaitClose());
        }
        Rest.awaitSessions(server, 0);
        try (SocketClient socket = server.connect(user)) {
            socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
            assertEquals("{\"cid\":\"1\",\"pong\":{}}", socket.next().text());
        }
    }

    @Test
    void messageOfExactlyTheLimitIsAccepted() {
        try (SocketClient socket = server.connect(server.newUser())) {
            String ping = pingOfSize(4096);
            assertEquals(4096, ping.length());
            socket.sendText(ping);
            Envelope pong = socket.nextEnvelope();
            assertEquals(Envelope.MessageCase.PONG, pong.getMessageCase());
            assertEquals(4096 - 20, pong.getCid().length());
            assertFalse(socket.isClosed());
        }
    }

    @Test
    void oversizedBinaryFrameClosesWith1009() {
        try (SocketClient socket = server.connect(server.newUser(), "protobuf")) {
            socket.sendBinary(Envelope.newBuilder().setCid("y".repeat(5000)).setPing(Ping.getDefaultInstance()).build().toByteArray());
            assertEquals(MESSAGE_TOO_BIG, socket.awaitClose());
        }
    }

    @Test
    void oversizedMessageInFragmentsClosesWith1009() throws Exception {
        // the JDK client sends a message with last=false as several frames; each is small
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(server.wsUri(server.newUser().token(), "json"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(java.net.http.WebSocket webSocket, Throwable error) {
                        closed.complete(-1);
                    }
                }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        try {
            String chunk = "a".repeat(1000);
            ws.sendText("{\"cid\":\"" + chunk, false).get(5, java.util.concurrent.TimeUnit.SECONDS);
            for (int i = 0; i < 5 && !closed.isDone(); i++) {
                ws.sendText(chunk, false).get(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertEquals(MESSAGE_TOO_BIG, closed.get(5, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            // the server may close before the last fragment is written
            assertEquals(MESSAGE_TOO_BIG, closed.get(5, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            ws.abort();
        }
    }
}
