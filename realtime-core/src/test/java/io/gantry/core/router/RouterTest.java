package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Ping;
import com.heroiclabs.nakama.rtapi.StatusUpdate;
import io.gantry.core.TestSessions;
import io.gantry.core.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {

    private final Router router = new Router(1024);
    private final TestSessions.Recording connection = new TestSessions.Recording();
    private final Session session = TestSessions.session(connection, 64);

    @AfterEach
    void stop() {
        router.close();
    }

    private Envelope nextReply() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (connection.received.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(!connection.received.isEmpty(), "no reply");
        return connection.received.remove(0).envelope();
    }

    @Test
    void aRequestWithoutHandlerIsUnrecognizedWithItsCid() throws InterruptedException {
        router.start();
        router.publishRequest(session, Envelope.newBuilder().setCid("4").setStatusUpdate(StatusUpdate.getDefaultInstance()).build());
        Envelope reply = nextReply();
        assertEquals("4", reply.getCid());
        assertEquals(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, reply.getError().getCode());
    }

    @Test
    void aFailingHandlerAnswersRuntimeExceptionAndTheRouterGoesOn() throws InterruptedException {
        router.register(Envelope.MessageCase.STATUS_UPDATE, (s, e) -> {
            throw new IllegalStateException("boom");
        });
        HeartbeatHandlers.register(router);
        router.start();
        router.publishRequest(session, Envelope.newBuilder().setCid("1").setStatusUpdate(StatusUpdate.getDefaultInstance()).build());
        assertEquals(Error.Code.RUNTIME_EXCEPTION_VALUE, nextReply().getError().getCode());
        router.publishRequest(session, Envelope.newBuilder().setCid("2").setPing(Ping.getDefaultInstance()).build());
        Envelope pong = nextReply();
        assertEquals("2", pong.getCid());
        assertTrue(pong.hasPong());
    }

    @Test
    void tasksRunOnTheRouterThreadInOrder() throws InterruptedException {
        router.start();
        StringBuilder order = new StringBuilder();
        CountDownLatch done = new CountDownLatch(1);
        boolean[] onRouter = {false};
        router.execute(() -> order.append('a'));
        router.execute(() -> order.append('b'));
        router.execute(() -> {
            onRouter[0] = router.isRouterThread();
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals("ab", order.toString());
        assertTrue(onRouter[0]);
    }

    @Test
    void aClosedSessionsRequestsAreDropped() throws InterruptedException {
        HeartbeatHandlers.register(router);
        router.start();
        session.close(1000, "gone");
        router.publishRequest(session, Envelope.newBuilder().setCid("3").setPing(Ping.getDefaultInstance()).build());
        CountDownLatch done = new CountDownLatch(1);
        router.execute(done::countDown);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(connection.received.isEmpty());
    }

    /** Waits until everything published so far has been handled. */
    private void barrier() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        router.execute(done::countDown);
        assertTrue(done.await(5, TimeUnit.SECONDS));
    }

    @Test
    void everyRequestIsInTheSessionsBacklogUntilItsHandlerReturns() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inHandler = new CountDownLatch(1);
        int[] inFlightDuringHandler = {-1};
        router.register(Envelope.MessageCase.STATUS_UPDATE, (s, e) -> {
            inFlightDuringHandler[0] = s.requestsInFlight();
            inHandler.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        // both published before the router starts: otherwise it may handle the first before the second is in
        router.publishRequest(session, Envelope.newBuilder().setCid("1").setStatusUpdate(StatusUpdate.getDefaultInstance()).build());
        router.publishRequest(session, Envelope.newBuilder().setCid("2").setStatusUpdate(StatusUpdate.getDefaultInstance()).build());
        router.start();
        assertTrue(inHandler.await(5, TimeUnit.SECONDS));
        assertEquals(2, inFlightDuringHandler[0], "both requests are in flight while the first is handled");
        release.countDown();
        barrier();
        assertEquals(0, session.requestsInFlight());
    }

    @Test
    void aRequestWhoseHandlerDefersFinishesWhenItsCallbackSaysSo() throws InterruptedException {
        router.register(Envelope.MessageCase.STATUS_UPDATE, (s, e) -> s.finishRequestLater());
        router.register(Envelope.MessageCase.PING, (s, e) -> {
            throw new IllegalStateException("a failing handler still finishes its request");
        });
        router.start();
        router.publishRequest(session, Envelope.newBuilder().setCid("1").setStatusUpdate(StatusUpdate.getDefaultInstance()).build());
        router.publishRequest(session, Envelope.newBuilder().setCid("2").setPing(Ping.getDefaultInstance()).build());
        barrier();
        assertEquals(1, session.requestsInFlight(), "the deferred request is still in flight");
        router.execute(session::requestFinished); // the durable write's callback
        barrier();
        assertEquals(0, session.requestsInFlight());
    }

    @Test
    void aRequestRefusedByAFullRingLeavesNothingInFlight() {
        Router small = new Router(2); // never started: nothing drains the ring
        try {
            Envelope ping = Envelope.newBuilder().setCid("1").setPing(Ping.getDefaultInstance()).build();
            assertTrue(small.publishRequest(session, ping));
            assertTrue(small.publishRequest(session, ping));
            assertEquals(false, small.publishRequest(session, ping), "the ring of 2 is full");
            assertEquals(2, session.requestsInFlight());
            assertEquals(Error.Code.RUNTIME_EXCEPTION_VALUE, connection.received.get(0).envelope().getError().getCode());
        } finally {
            small.close();
        }
    }
}
