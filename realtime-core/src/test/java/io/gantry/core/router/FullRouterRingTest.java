package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.core.TestSessions;
import io.gantry.core.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each producer gets when the router's ring is full: the router is held in a task the test
 * releases, and the ring is filled with pings until a publish is refused, so "full" is exact.
 */
class FullRouterRingTest {

    private static final Envelope PING = Envelope.newBuilder().setCid("p").setPing(Ping.getDefaultInstance()).build();

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final TestSessions.Recording connection = new TestSessions.Recording();
    private final Session pinger = TestSessions.session(connection, 4096);
    private Router router;

    @AfterEach
    void stop() {
        release.countDown();
        router.close();
    }

    /** A started router with a ring of 8, held in a task, its ring then filled with pings. */
    private void holdAndFill(int overflowSize) throws InterruptedException {
        router = new Router(8, overflowSize);
        HeartbeatHandlers.register(router);
        router.addSessionListener(new SessionListener() {
            @Override
            public void onConnect(Session session) {
                events.add("connect " + session.username());
            }

            @Override
            public void onDisconnect(Session session) {
                events.add("disconnect " + session.username());
            }
        });
        router.start();
        CountDownLatch held = new CountDownLatch(1);
        router.execute(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(5, TimeUnit.SECONDS));
        while (router.publishRequest(pinger, PING)) {
            accepted++;
        }
        assertTrue(accepted > 0 && accepted < 8, "the held task keeps its slot");
    }

    private void drained() throws InterruptedException {
        release.countDown();
        CountDownLatch done = new CountDownLatch(1);
        router.execute(done::countDown);
        assertTrue(done.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aConnectFindingTheRingFullIsRefusedAndNeverReachesTheRouter() throws InterruptedException {
        holdAndFill(16);
        Session late = TestSessions.session(new TestSessions.Recording(), 16);
        assertFalse(router.publishConnect(late), "no room: the caller refuses the socket");
        assertEquals(1, router.refusedConnects());
        drained();
        assertEquals(List.of(), events, "the refused connect was never handled");
    }

    @Test
    void aDisconnectFindingTheRingFullIsHandledAfterWhatWasAheadOfIt() throws InterruptedException {
        Session leaving = TestSessions.session(new TestSessions.Recording(), 16);
        holdAndFillWithConnect(leaving);
        router.publishDisconnect(leaving); // must not block, must not be lost
        assertEquals(1, router.overflowedDisconnects());
        drained();
        assertEquals(List.of("connect " + leaving.username(), "disconnect " + leaving.username()), events);
        assertTrue(accepted > 0);
        assertEquals(accepted, pongs(), "every ping ahead of the disconnect was answered");
    }

    private void holdAndFillWithConnect(Session connected) throws InterruptedException {
        // as holdAndFill, with one session connected before the router is held
        router = new Router(8, 16);
        HeartbeatHandlers.register(router);
        router.addSessionListener(new SessionListener() {
            @Override
            public void onConnect(Session session) {
                events.add("connect " + session.username());
            }

            @Override
            public void onDisconnect(Session session) {
                events.add("disconnect " + session.username());
            }
        });
        router.start();
        assertTrue(router.publishConnect(connected));
        CountDownLatch held = new CountDownLatch(1);
        router.execute(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(5, TimeUnit.SECONDS));
        while (router.publishRequest(pinger, PING)) {
            accepted++;
        }
    }

    private int accepted;

    private long pongs() {
        return connection.received.stream().filter(m -> m.envelope().hasPong()).count();
    }

    @Test
    void tasksFindingTheRingFullWaitInTheOverflowAndKeepTheirOrder() throws InterruptedException {
        holdAndFill(16);
        for (int i = 0; i < 3; i++) {
            int n = i;
            assertTrue(router.tryExecute(() -> events.add("task " + n + " after " + pongs() + " pongs")));
        }
        assertEquals(3, router.overflowBacklog());
        drained();
        String after = " after " + accepted + " pongs";
        assertEquals(List.of("task 0" + after, "task 1" + after, "task 2" + after), events,
                "overflowed tasks run in order, after the requests published before them");
    }

    @Test
    void aFullOverflowRefusesTryExecuteAndMakesExecuteWaitUntilTheRouterCatchesUp() throws InterruptedException {
        holdAndFill(2);
        assertTrue(router.tryExecute(() -> events.add("a")));
        assertTrue(router.tryExecute(() -> events.add("b")));
        assertFalse(router.tryExecute(() -> events.add("refused")), "ring and overflow of 2 are full");

        Thread writer = new Thread(() -> router.execute(() -> events.add("c")), "test-writer");
        writer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (writer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.TIMED_WAITING, writer.getState(), "execute waits for room, nothing is dropped");
        release.countDown();
        writer.join(5000);
        assertFalse(writer.isAlive());
        drained();
        assertEquals(List.of("a", "b", "c"), events);
    }
}
