package io.gantry.persistence;

import org.rocksdb.RocksDBException;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group sync of the RocksDB write-ahead log for writers that write without sync and must not
 * return before their write is durable: one {@code fsync} covers every write made before it.
 *
 * <pre>{@code
 * long ticket;
 * lock.lock();                       // the writer's own lock: check, then write
 * try {
 *     db.write(unsynced, batch);     // WriteOptions.setSync(false)
 *     ticket = walSync.written();    // after the write returned, still in write order
 * } finally {
 *     lock.unlock();
 * }
 * walSync.awaitSynced(ticket);       // outside the lock: returns once the write is durable
 * }</pre>
 *
 * <p>Leader/follower: a waiter whose ticket is not yet synced and finds no sync running becomes
 * the leader. It reads the last ticket handed out, calls {@link Syncer#sync()} once (RocksDB's
 * {@code SyncWAL}: "ensure all WAL writes have been synced", every write that returned before
 * the call, without blocking writes made meanwhile on other threads), publishes that ticket as
 * synced and wakes the others. A follower waits; it returns when its ticket is covered. So while
 * one fsync runs, every write made meanwhile waits for the next one, and that next one covers
 * them all.
 *
 * <p>A failed sync fails the leader and every waiter whose ticket it was meant to cover (their
 * writes may or may not be durable: the caller reports an error, as for a failed synced write);
 * a later ticket starts a new sync. Tickets are counted in the order {@link #written()} is called,
 * so a caller must call it after its write returned: then every ticket up to the one a leader read
 * names a write already in the log when the leader's sync starts.
 *
 * <p>Threads: any. {@link #written()} never blocks; {@link #awaitSynced} blocks for at most one
 * sync in progress plus its own, uninterruptibly (the caller must learn whether its write is
 * durable), and must not be called while holding a lock a writer needs.
 */
final class WalSync {

    /** The durable step: {@code RocksDB::syncWal} in production, a test double in tests. */
    @FunctionalInterface
    interface Syncer {
        void sync() throws RocksDBException;
    }

    private final Syncer syncer;
    /** The last ticket handed out: the number of writes made so far. */
    private final AtomicLong written = new AtomicLong();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roundEnded = lock.newCondition();
    // Guarded by lock:
    /** Every ticket up to this one is durable. */
    private long synced;
    /** A leader is syncing. */
    private boolean syncing;
    /** Syncs finished so far, failed or not; a waiter compares it to see whether one ended. */
    private long rounds;
    /** The ticket the last failed sync was meant to cover, and why it failed. */
    private long failedThrough;
    private Throwable failure;

    WalSync(Syncer syncer) {
        this.syncer = syncer;
    }

    /**
     * The ticket of the last write made so far: a caller that wrote nothing but read what others
     * wrote awaits it, so that it does not confirm a state that could still be lost.
     */
    long last() {
        return written.get();
    }

    /** Hands out the ticket of a write that has just returned (call it in write order). */
    long written() {
        return written.incrementAndGet();
    }

    /**
     * Returns once every write up to {@code ticket} is durable, syncing the log if no sync that
     * covers it is running.
     *
     * @throws StoreException if the sync meant to cover {@code ticket} failed
     */
    void awaitSynced(long ticket) {
        lock.lock();
        try {
            long seenRounds = rounds;
            while (synced < ticket) {
                if (rounds != seenRounds && failure != null && failedThrough >= ticket) {
                    // Targets only grow, so the last round failing to cover us is the one that mattered.
                    throw new StoreException("cannot sync the RocksDB write-ahead log", failure);
                }
                seenRounds = rounds;
                if (syncing) {
                    roundEnded.awaitUninterruptibly();
                } else {
                    lead();
                    seenRounds = rounds - 1;   // our own round: check its outcome above
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs one sync, the lock released while it runs. Caller holds lock and found no sync running. */
    private void lead() {
        syncing = true;
        long target = written.get();
        Throwable failed = null;
        lock.unlock();
        try {
            syncer.sync();
        } catch (RocksDBException | RuntimeException | Error e) {
            failed = e;
        } finally {
            lock.lock();
            syncing = false;
            rounds++;
            if (failed == null) {
                synced = Math.max(synced, target);
                failure = null;
            } else {
                failedThrough = target;
                failure = failed;
            }
            roundEnded.signalAll();
        }
    }

    /** The last ticket known durable (for tests). */
    long synced() {
        lock.lock();
        try {
            return synced;
        } finally {
            lock.unlock();
        }
    }
}
