package io.gantry.server;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A valid client message this server has no handler for yet is answered with an Error carrying
 * its cid, and the socket stays open. (matchmaker_add is not registered by GantryServer today; if
 * the matchmaker lands, pick another request type nobody handles.)
 */
class UnhandledMessageTest {

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
    void validButUnhandledRequestIsAnErrorAndTheSocketStaysOpen() {
        try (WsClient socket = server.connect(server.newUser())) {
            socket.sendText("{\"cid\":\"9\",\"matchmaker_add\":{\"min_count\":2,\"max_count\":2,\"query\":\"*\"}}");
            Envelope error = socket.nextEnvelope();
            assertEquals(Envelope.MessageCase.ERROR, error.getMessageCase(), error.toString());
            assertEquals(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, error.getError().getCode());
            assertEquals("9", error.getCid());
            socket.expectSilence(Duration.ofMillis(200));
            assertFalse(socket.isClosed());

            socket.sendText("{\"cid\":\"10\",\"ping\":{}}");
            assertEquals("{\"cid\":\"10\",\"pong\":{}}", socket.next().text());
        }
    }

    @Test
    void everyRequestGetsExactlyOneReplyInOrder() {
        try (WsClient socket = server.connect(server.newUser())) {
            socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
            socket.sendText("{\"cid\":\"2\",\"matchmaker_add\":{\"min_count\":2,\"max_count\":2,\"query\":\"*\"}}");
            socket.sendText("{\"cid\":\"3\",\"ping\":{}}");
            socket.sendText("{\"cid\":\"4\",\"pong\":{}}");
            assertEquals("1", socket.nextEnvelope().getCid());
            Envelope second = socket.nextEnvelope();
            assertEquals("2", second.getCid());
            assertEquals(Envelope.MessageCase.ERROR, second.getMessageCase());
            Envelope third = socket.nextEnvelope();
            assertEquals("3", third.getCid());
            assertEquals(Envelope.MessageCase.PONG, third.getMessageCase());
            // a client pong needs no answer
            socket.expectSilence(Duration.ofMillis(200));
        }
    }
}
