package io.gantry.core.session;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Pong;
import io.gantry.core.TestSessions;
import io.gantry.proto.WireFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session's half of flow control and of the slow-consumer rule (the socket's half, the
 * unwritable deadline, is tested with real sockets in the server module): the backlog (queued
 * messages plus requests in flight) pauses reading at the high-water mark and resumes it at the
 * low-water mark, without closing anyone; only a message that finds the bounded queue full
 * closes the session, since dropping it would leave a gap the client cannot see.
 */
class SlowConsumerIsDisconnectedTest {

    private static final Envelope PONG = Envelope.newBuilder().setPong(Pong.getDefaultInstance()).build();

    /** A session with a queue of 16, pausing at 8 and resuming at 2. */
    private static Session session(Connection connection) {
        return new Session(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "user", Map.of(),
                WireFormat.JSON, "en", false, Long.MAX_VALUE, 16, 8, 2, connection);
    }

    /** Counts flush requests; drains nothing unless told to. */
    private static final class Counting implements Connection {
        int flushRequests;
        int closeCode = -1;
        String closeReason;

        @Override
        public void requestFlush(Session session) {
            flushRequests++;
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
            closeReason = reason;
        }
    }

    private static void drainAll(Session session) {
        while (session.poll() != null) {
            // written by "the socket thread"
        }
        session.flushDone();
    }

    @Test
    void aMessageThatFindsTheQueueFullClosesTheSessionInsteadOfBeingDropped() {
        TestSessions.Recording connection = new TestSessions.Recording();
        connection.drainOnRequest = false; // the socket never drains: the client does not read
        Session session = session(connection);
        for (int i = 0; i < 16; i++) {
            assertTrue(session.send(PONG), "message " + i + " fits");
        }
        assertEquals(-1, connection.closeCode, "a full queue alone closes nobody");
        assertFalse(session.send(PONG), "the 17th does not fit");
        assertEquals(CloseCodes.POLICY_VIOLATION, connection.closeCode);
        assertTrue(connection.closeReason.contains("slow consumer") && connection.closeReason.contains("16"),
                connection.closeReason);
        assertTrue(session.isClosed());
        assertFalse(session.send(PONG), "nothing is queued for a closed session");
    }

    @Test
    void reachingTheHighWaterMarkPausesReadsAndClosesNobody() {
        Counting connection = new Counting();
        Session session = session(connection);
        for (int i = 0; i < 7; i++) {
            session.send(PONG);
        }
        assertFalse(session.pauseReadsIfBehind(), "7 queued is under the high-water mark of 8");
        session.send(PONG);
        assertTrue(session.pauseReadsIfBehind(), "8 queued: stop reading");
        assertTrue(session.readsPaused());
        assertFalse(session.pauseReadsIfBehind(), "already paused: nothing more to do");
        assertEquals(-1, connection.closeCode);
        assertFalse(session.isClosed());

        for (int i = 0; i < 5; i++) {
            session.poll();
        }
        assertFalse(session.resumeReadsIfCaughtUp(), "3 left: above the low-water mark of 2");
        session.poll();
        assertTrue(session.resumeReadsIfCaughtUp(), "2 left: at the low-water mark, read again");
        assertFalse(session.readsPaused());
        assertFalse(session.resumeReadsIfCaughtUp(), "not paused any more");
    }

    @Test
    void requestsInFlightCountTowardTheBacklog() {
        Counting connection = new Counting();
        Session session = session(connection);
        for (int i = 0; i < 8; i++) {
            session.requestStarted();
        }
        assertEquals(0, session.queued());
        assertEquals(8, session.requestsInFlight());
        assertEquals(8, session.backlog());
        assertTrue(session.pauseReadsIfBehind(), "eight requests the router has not answered: stop reading");
    }

    @Test
    void finishingARequestWakesAPausedSocketWhenTheBacklogReachesLowWater() {
        Counting connection = new Counting();
        Session session = session(connection);
        for (int i = 0; i < 8; i++) {
            session.requestStarted();
        }
        assertTrue(session.pauseReadsIfBehind());
        for (int i = 0; i < 5; i++) {
            session.requestFinished();
        }
        assertEquals(0, connection.flushRequests, "3 in flight: above the low-water mark, nobody woken");
        session.requestFinished();
        assertEquals(1, connection.flushRequests,
                "down to 2: the socket thread is asked to look even though nothing was queued for it");
        session.requestFinished();
        session.requestFinished();
        assertEquals(1, connection.flushRequests, "one wake-up until the socket thread has looked");
        drainAll(session);
        assertTrue(session.resumeReadsIfCaughtUp());
        assertEquals(0, session.backlog());
    }

    @Test
    void aRequestFinishedWhileReadingGoesOnWakesNobody() {
        Counting connection = new Counting();
        Session session = session(connection);
        session.requestStarted();
        session.requestFinished();
        assertEquals(0, connection.flushRequests);
        assertEquals(0, session.requestsInFlight());
    }

    @Test
    void aHandlerMayFinishItsRequestLater() {
        Session session = session(new Counting());
        assertFalse(session.takeFinishRequestLater());
        session.finishRequestLater();
        assertTrue(session.takeFinishRequestLater());
        assertFalse(session.takeFinishRequestLater(), "the mark is for one request only");
    }

    @Test
    void waterMarksMustLeaveRoomInTheQueue() {
        Counting connection = new Counting();
        assertThrows(IllegalArgumentException.class, () -> new Session("s", "u", "n", Map.of(), WireFormat.JSON, "en",
                false, Long.MAX_VALUE, 16, 8, 8, connection), "low must be under high");
        assertThrows(IllegalArgumentException.class, () -> new Session("s", "u", "n", Map.of(), WireFormat.JSON, "en",
                false, Long.MAX_VALUE, 16, 32, 2, connection), "high must fit in the queue");
    }

    @Test
    void aFlushIsRequestedOncePerIdleToBusyTransition() {
        Counting counting = new Counting();
        Session session = TestSessions.session(counting, 64);
        session.send(PONG);
        session.send(PONG);
        session.send(PONG);
        assertEquals(1, counting.flushRequests, "one request while the queue is not drained");
        while (session.poll() != null) {
            // drained by "the event loop"
        }
        assertFalse(session.flushDone());
        session.send(PONG);
        assertEquals(2, counting.flushRequests);
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
