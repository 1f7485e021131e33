package io.gantry.core.session;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Pong;
import io.gantry.core.TestSessions;
import io.gantry.proto.WireFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlowConsumerIsDisconnectedTest {

    private static final Envelope PONG = Envelope.newBuilder().setPong(Pong.getDefaultInstance()).build();

    @Test
    void aSessionWhoseQueueFillsIsClosedAsASlowConsumer() {
        TestSessions.Recording connection = new TestSessions.Recording();
        connection.drainOnRequest = false; // the socket never drains: the client does not read
        Session session = TestSessions.session(connection, 16);
        for (int i = 0; i < 16; i++) {
            assertTrue(session.send(PONG), "message " + i + " fits");
        }
        assertFalse(session.send(PONG), "the 17th does not");
        assertEquals(CloseCodes.POLICY_VIOLATION, connection.closeCode);
        assertTrue(connection.closeReason.contains("slow consumer"), connection.closeReason);
        assertTrue(session.isClosed());
        assertFalse(session.send(PONG), "nothing is queued for a closed session");
    }

    @Test
    void aFlushIsRequestedOncePerIdleToBusyTransition() {
        int[] requests = {0};
        Connection counting = new Connection() {
            @Override
            public void requestFlush(Session session) {
                requests[0]++;
            }

            @Override
            public void close(int closeCode, String reason) {
            }
        };
        Session session = TestSessions.session(counting, 64);
        session.send(PONG);
        session.send(PONG);
        session.send(PONG);
        assertEquals(1, requests[0], "one request while the queue is not drained");
        while (session.poll() != null) {
            // drained by "the event loop"
        }
        assertFalse(session.flushDone());
        session.send(PONG);
        assertEquals(2, requests[0]);
    }

    @Test
    void oneMessageIsEncodedOncePerFormatAndSharedByRecipients() {
        Outbound message = Outbound.of(PONG);
        byte[] first = message.bytes(WireFormat.JSON);
        assertSame(first, message.bytes(WireFormat.JSON), "the same bytes for every JSON recipient");
        assertArrayEquals("{\"pong\":{}}".getBytes(StandardCharsets.UTF_8), first);
        assertSame(message.bytes(WireFormat.PROTOBUF), message.bytes(WireFormat.PROTOBUF));
    }
}
