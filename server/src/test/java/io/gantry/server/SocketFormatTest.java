package io.gantry.server;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.testing.RawWebSocket;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code format=json|protobuf} picks the frame type; anything else is refused. */
class SocketFormatTest {

    static TestServer server;
    static TestUser user;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
        user = server.newUser();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void protobufPingGetsABinaryPong() {
        try (SocketClient socket = server.connect(user, "protobuf")) {
            socket.sendProtobuf(Envelope.newBuilder().setCid("42").setPing(Ping.getDefaultInstance()).build());
            SocketClient.Frame frame = socket.next();
            assertNull(frame.text());
            assertNotNull(frame.binary());
            Envelope pong = frame.envelope();
            assertEquals("42", pong.getCid());
            assertEquals(Envelope.MessageCase.PONG, pong.getMessageCase());
        }
    }

    @Test
    void jsonIsTheDefault() {
        try (SocketClient socket = SocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws?token=" + user.token()))) {
            socket.sendText("{\"cid\":\"2\",\"ping\":{}}");
            assertEquals("{\"cid\":\"2\",\"pong\":{}}", socket.next().text());
        }
    }

    @Test
    void bogusFormatIsBadRequest() throws IOException {
        RawWebSocket.Head head = RawWebSocket.upgrade(server.port(), "/ws?format=bogus&token=" + user.token());
        assertEquals(400, head.status(), head.toString());
        assertEquals("Invalid format parameter\n", head.body());
        assertEquals(400, RawWebSocket.upgrade(server.port(), "/ws?format=JSON&token=" + user.token()).status(),
                "formats are case-sensitive, as in Nakama");
    }
}
