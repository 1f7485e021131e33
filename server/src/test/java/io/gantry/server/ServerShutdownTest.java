package io.gantry.server;

import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stopping the server closes every socket with 1001 (going away). */
@SocketScenario
class ServerShutdownTest {

    @Test
    void connectedClientsGetGoingAway() throws InterruptedException {
        TestServer server = TestServer.start();
        List<SocketClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SocketClient socket = server.connect(server.newUser(), i == 2 ? "protobuf" : "json");
                sockets.add(socket);
            }
            SocketClient first = sockets.get(0);
            first.sendText("{\"cid\":\"1\",\"ping\":{}}");
            assertEquals("{\"cid\":\"1\",\"pong\":{}}", first.next().json().toString());
        } finally {
            server.close();
        }
        for (SocketClient socket : sockets) {
            assertEquals(1001, socket.awaitClose());
            socket.close();
        }
    }
}
