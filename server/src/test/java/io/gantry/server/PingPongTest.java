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

class PingPongTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jsonPingIsAnsweredWithPongAndTheSameCid() {
        TestUser user = server.newUser();
        try (SocketClient socket = server.connect(user)) {
            socket.sendText("{\"cid\":\"17\",\"ping\":{}}");
            SocketClient.Frame frame = socket.next();
            assertEquals("{\"cid\":\"17\",\"pong\":{}}", frame.text());
        }
    }

    @Test
    void protobufPingIsAnsweredWithABinaryPong() {
        TestUser user = server.newUser();
        try (SocketClient socket = server.connect(user, "protobuf")) {
            socket.sendProtobuf(Envelope.newBuilder().setCid("3").setPing(Ping.getDefaultInstance()).build());
            SocketClient.Frame frame = socket.next();
            Envelope pong = frame.envelope();
            assertEquals("3", pong.getCid());
            assertEquals(Envelope.MessageCase.PONG, pong.getMessageCase());
            assertEquals(null, frame.text());
        }
    }
}
