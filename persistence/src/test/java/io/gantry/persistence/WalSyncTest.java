package io.gantry.persistence;

import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leader/follower group sync of {@link WalSync}, on a syncer the test controls. */
class WalSyncTest {

    /**
     * A log that knows which tickets a sync made durable: a sync covers what was written when it
     * began (as RocksDB's SyncWAL covers the writes that returned before it).
     */
    private static final class FakeLog implements WalSync.Syncer {
        final AtomicInteger syncs = new AtomicInteger();
        final AtomicLong durableThrough = new AtomicLong();
        /** Each sync takes a permit first; a test that wants a sync held gives none. */
        final Semaphore permits = new Semaphore(Integer.MAX_VALUE);
        final CountDownLatch firstSyncStarted = new CountDownLatch(1);
        final AtomicBoolean failing = new AtomicBoolean();
        WalSync walSync;

        @Override
        public void sync() throws RocksDBException {
            long inLog = walSync.last();
            syncs.incrementAndGet();
            firstSyncStarted.countDown();
            permits.acquireUninterruptibly();
            if (failing.get()) {
                throw new RocksDBException("disk on fire");
            }
            durableThrough.accumulateAndGet(inLog, Math::max);
        }
    }

    private static FakeLog log() {
        FakeLog log = new FakeLog();
        log.walSync = new WalSync(log);
        return log;
    }

    @Test
    void oneSyncCoversEveryWriteMadeBeforeItAndACoveredTicketDoesNotSyncAgain() {
        FakeLog log = log();
        WalSync sync = log.walSync;
        long first = sync.written();
        long second = sync.written();
        long third = sync.written();

        sync.awaitSynced(second);
        assertEquals(1, log.syncs.get());
        assertEquals(third, log.durableThrough.get());
        assertEquals(third, sync.synced());

        sync.awaitSynced(first);
        sync.awaitSynced(third);
        assertEquals(1, log.syncs.get(), "covered tickets return without a sync");

        long fourth = sync.written();
        sync.awaitSynced(fourth);
        assertEquals(2, log.syncs.get());
        assertEquals(fourth, log.durableThrough.get());
    }

    @Test
    void writesMadeDuringASyncShareTheNextOneAndEveryWaiterReturnsCovered() throws Exception {
        FakeLog log = log();
        WalSync sync = log.walSync;
        log.permits.drainPermits();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            long leaderTicket = sync.written();
            Future<Long> leader = pool.submit(() -> awaitAndReadDurable(log, leaderTicket));
            assertTrue(log.firstSyncStarted.await(10, TimeUnit.SECONDS));

            // The first sync is running and covers ticket 1 only; these are written meanwhile.
            List<Long> tickets = new ArrayList<>();
            List<Future<Long>> followers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long ticket = sync.written();
                tickets.add(ticket);
                followers.add(pool.submit(() -> awaitAndReadDurable(log, ticket)));
            }
            log.permits.release(2);

            assertTrue(leader.get(10, TimeUnit.SECONDS) >= leaderTicket);
            for (int i = 0; i < followers.size(); i++) {
                assertTrue(followers.get(i).get(10, TimeUnit.SECONDS) >= tickets.get(i),
                        "ticket " + tickets.get(i) + " returned before a sync covered it");
            }
            assertEquals(2, log.syncs.get(), "the eight writes made during the first sync share the second");
            assertEquals(9, sync.synced());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedSyncFailsItsWaitersAndTheNextCallSyncsAgain() throws Exception {
        FakeLog log = log();
        WalSync sync = log.walSync;
        log.failing.set(true);
        log.permits.drainPermits();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long ticket = sync.written();
                waiters.add(pool.submit(() -> awaitAndReadDurable(log, ticket)));
            }
            assertTrue(log.firstSyncStarted.await(10, TimeUnit.SECONDS));
            log.permits.release(Integer.MAX_VALUE / 2);
            for (Future<Long> waiter : waiters) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
                StoreException failure = assertInstanceOf(StoreException.class, e.getCause());
                assertInstanceOf(RocksDBException.class, failure.getCause());
            }
            assertEquals(0, sync.synced(), "nothing is durable");
            assertEquals(0, log.durableThrough.get());
        } finally {
            pool.shutdownNow();
        }

        log.failing.set(false);
        int before = log.syncs.get();
        long next = sync.written();
        sync.awaitSynced(next);
        assertEquals(before + 1, log.syncs.get(), "the next call syncs again");
        assertEquals(next, log.durableThrough.get());
        sync.awaitSynced(1);   // the failed tickets are covered by the later sync
        assertEquals(before + 1, log.syncs.get());
    }

    @Test
    void anErrorInTheSyncIsAFailureNotASuccess() {
        WalSync sync = new WalSync(() -> {
            throw new IllegalStateException("native crash");
        });
        long ticket = sync.written();
        StoreException e = assertThrows(StoreException.class, () -> sync.awaitSynced(ticket));
        assertSame(IllegalStateException.class, e.getCause().getClass());
        assertEquals(0, sync.synced());
    }

    private static long awaitAndReadDurable(FakeLog log, long ticket) {
        log.walSync.awaitSynced(ticket);
        return log.durableThrough.get();
    }
}
