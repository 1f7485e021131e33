package io.gantry.persistence;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machinery both store writers share ({@link GroupCommitWriter} on RocksDB,
 * {@link PostgresCommitWriter} on PostgreSQL): two bounded many-to-one queues (history ops and
 * notification writes) that never block an offer, one writer thread (an Agrona {@link Agent} on an
 * {@link AgentRunner} with a {@link WakeableIdleStrategy}) that drains up to {@value #MAX_BATCH} of
 * each per round, hands the round to the subclass's {@link #writeRound} (one durable write: a
 * RocksDB batch or a PostgreSQL transaction), and only then runs every callback: the history ops'
 * in offer order, then the notification writes'. A round whose write throws answers every op of it
 * {@link WriteResult.Failed} and every notification write with the failure, and the loop goes on.
 * {@link #close} refuses later offers and writes everything accepted before the thread ends.
 *
 * <p>Threads: {@link #offer} and the counters are for any thread; everything else runs on the
 * writer thread ({@value #THREAD_NAME}), which owns the subclass's state. A callback that blocks
 * stalls every later write; one that throws is logged and forgotten.
 */
abstract class StoreCommitLoop implements Agent, StoreWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StoreCommitLoop.class);

    /** The most history ops one round holds (and, separately, the most notification writes). */
    public static final int MAX_BATCH = 1024;
    /** The writer thread's name. */
    public static final String THREAD_NAME = "gantry-store-writer";
    /** How often expired dedup entries are deleted (and once at start). */
    static final long DEDUP_PURGE_INTERVAL_MS = TimeUnit.MINUTES.toMillis(10);
    /** How long {@link #close} waits for the writer before it warns (and waits again). */
    private static final int CLOSE_WARN_MS = 5_000;
    /**
     * The longest the idle writer parks: offers wake it at once ({@link WakeableIdleStrategy}),
     * so this only bounds how late its own timer (the dedup purge) runs.
     */
    static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Clock clock;
    /** Many producers, one consumer (the writer thread). */
    private final ManyToOneConcurrentArrayQueue<WriteOp> historyQueue;
    private final ManyToOneConcurrentArrayQueue<NotificationWrite> notificationQueue;
    /**
     * Offers between their check of {@link #closed} and the end of their queue offer. The writer
     * waits for none to be left before its last drain, so an offer that returned {@code true} is
     * always written (see {@link #enqueue}).
     */
    private final AtomicInteger offering = new AtomicInteger();
    private final WakeableIdleStrategy idle;
    private final AgentRunner runner;
    private volatile boolean closed;

    // ---- writer-thread state ----
    private final ArrayList<WriteOp> batch = new ArrayList<>(MAX_BATCH);
    private final ArrayList<WriteResult> results = new ArrayList<>(MAX_BATCH);
    private final ArrayList<NotificationWrite> notificationBatch = new ArrayList<>(MAX_BATCH);
    private final ArrayList<StoreException> notificationFailures = new ArrayList<>(MAX_BATCH);
    private long nextDedupPurgeMs;

    // ---- counters: written by the writer thread only, read by anyone ----
    private volatile long batchesWritten;
    private volatile long opsWritten;
    private volatile long notificationsWritten;
    private volatile long batchesFailed;
    private volatile int lastBatchSize;

    StoreCommitLoop(Clock clock, StoreOptions options) {
        this.clock = clock;
        this.historyQueue = new ManyToOneConcurrentArrayQueue<>(options.historyQueueCapacity());
        this.notificationQueue = new ManyToOneConcurrentArrayQueue<>(options.notificationQueueCapacity());
        this.idle = new WakeableIdleStrategy(IDLE_PARK_NANOS, () -> !historyQueue.isEmpty() || !notificationQueue.isEmpty());
        this.runner = new AgentRunner(idle,
                t -> LOG.error("The store writer failed; it carries on", t), null, this);
    }

    // ---- what a store's writer does ----

    /**
     * Makes one round durable in one write, or nothing of it. Adds one result per op to
     * {@code results}, in order (clear it first if the write may be attempted again). A
     * notification write that cannot be stored on its own (and is left out of the round) gets its
     * failure in {@code notificationFailures} at its index; the others stay {@code null}.
     *
     * @throws Exception when the write failed: nothing of the round is stored, every op is
     *                   answered {@link WriteResult.Failed} and every notification write with it
     */
    abstract void writeRound(List<WriteOp> ops, List<NotificationWrite> writes, List<WriteResult> results,
                             List<StoreException> notificationFailures) throws Exception;

    /** Deletes expired dedup entries; on the writer thread, between rounds. Must not throw. */
    abstract void purgeExpiredDedup(long nowMs);

    /** Releases what the writer thread holds, once its last round is written. */
    void releaseResources() {
    }

    // ---- any thread ----

    /**
     * Queues a history op for the next round, without blocking.
     *
     * @return {@code false} if the queue is full or the store is closing: the op will not be
     *         written and its callback will not run (answer the client "server busy");
     *         {@code true} if its callback will run exactly once
     */
    @Override
    public boolean offer(WriteOp op) {
        Objects.requireNonNull(op, "op");
        return enqueue(historyQueue, op);
    }

    /**
     * Queues notifications to store in the next round, without blocking; the same contract as
     * {@link #offer(WriteOp)}: {@code false} (full or closing) means nothing is written and the
     * callback never runs, {@code true} that it runs exactly once, after the round is durable.
     */
    @Override
    public boolean offer(NotificationWrite write) {
        Objects.requireNonNull(write, "write");
        return enqueue(notificationQueue, write);
    }

    private <T> boolean enqueue(ManyToOneConcurrentArrayQueue<T> queue, T item) {
        if (closed) {
            return false;
        }
        // Counted in before closed is read again: the writer, which reads closed set, waits for
        // this count to reach zero before its last drain, so what is accepted here is drained.
        offering.getAndIncrement();
        try {
            if (!closed && queue.offer(item)) {
                idle.wake();
                return true;
            }
            return false;
        } finally {
            offering.getAndDecrement();
        }
    }

    /** Rounds written (and their callbacks run) since the store opened. */
    @Override
    public long batchesWritten() {
        return batchesWritten;
    }

    /** History ops in those rounds, whatever their result (a NotFound is an op too). */
    @Override
    public long opsWritten() {
        return opsWritten;
    }

    /** Notification writes in those rounds (each may hold several notifications). */
    @Override
    public long notificationWritesWritten() {
        return notificationsWritten;
    }

    /** Rounds whose write failed; each of their ops got {@link WriteResult.Failed}. */
    @Override
    public long batchesFailed() {
        return batchesFailed;
    }

    /** History ops and notification writes in the most recent round, written or failed. */
    @Override
    public int lastBatchSize() {
        return lastBatchSize;
    }

    /** History ops waiting for a round right now. */
    @Override
    public int queued() {
        return historyQueue.size();
    }

    /** Notification writes waiting for a round right now. */
    @Override
    public int notificationsQueued() {
        return notificationQueue.size();
    }

    /** The history queue's capacity ({@link StoreOptions#historyQueueCapacity()}, rounded up to a power of two). */
    @Override
    public int capacity() {
        return historyQueue.capacity();
    }

    /** The notification queue's capacity ({@link StoreOptions#notificationQueueCapacity()}, rounded up to a power of two). */
    @Override
    public int notificationCapacity() {
        return notificationQueue.capacity();
    }

    // ---- life cycle, driven by the store ----

    void start() {
        AgentRunner.startOnThread(runner, runnable -> {
            Thread thread = new Thread(runnable, THREAD_NAME);
            // A store that is never closed must not keep the JVM alive; nothing queued was acked.
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Refuses further offers and waits until the writer has written everything it accepted
     * ({@link #onClose} does, on the writer thread, or here if the writer never started). Returns
     * once the writer thread has ended, so the database can close under it.
     */
    void close() {
        closed = true;
        idle.wake(); // AgentRunner.close interrupts only after its own timeout
        runner.close(CLOSE_WARN_MS, thread -> LOG.warn(
                "Still waiting for the store writer to finish ({} history ops, {} notification writes queued); "
                        + "is a callback blocked?", historyQueue.size(), notificationQueue.size()));
    }

    // ---- the writer thread (an Agent) ----

    @Override
    public String roleName() {
        return THREAD_NAME;
    }

    @Override
    public void onStart() {
        purge();
    }

    /** One round: drains both queues, writes them at once; returns how many ops it held (0: idle). */
    @Override
    public int doWork() {
        int work = commitRound();
        if (clock.millis() >= nextDedupPurgeMs) {
            purge();
        }
        return work;
    }

    /**
     * The last rounds: once no offer is in flight, everything accepted is in the queues, and it
     * is written before the thread ends.
     */
    @Override
    public void onClose() {
        closed = true;
        while (offering.get() != 0) {
            Thread.onSpinWait(); // an offer in flight never blocks: this is a few instructions away
        }
        while (commitRound() > 0) {
            // keep writing until both queues are empty
        }
        releaseResources();
    }

    private void purge() {
        long now = clock.millis();
        nextDedupPurgeMs = now + DEDUP_PURGE_INTERVAL_MS;
        purgeExpiredDedup(now);
    }

    private int commitRound() {
        historyQueue.drainTo(batch, MAX_BATCH);
        notificationQueue.drainTo(notificationBatch, MAX_BATCH);
        return commitBatch();
    }

    private int commitBatch() {
        int n = batch.size();
        int m = notificationBatch.size();
        if (n + m == 0) {
            return 0;
        }
        for (int i = 0; i < m; i++) {
            notificationFailures.add(null);
        }
        StoreException failure = null;
        try {
            writeRound(batch, notificationBatch, results, notificationFailures);
            if (results.size() != n) {
                throw new IllegalStateException(results.size() + " results for " + n + " history ops");
            }
            opsWritten += n;
            notificationsWritten += m;
            batchesWritten++;
        } catch (Exception e) {
            LOG.error("A store round of {} history ops and {} notification writes failed; none of it was written",
                    n, m, e);
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            WriteResult failed = new WriteResult.Failed(reason);
            results.clear();
            for (int i = 0; i < n; i++) {
                results.add(failed);
            }
            failure = e instanceof StoreException se ? se : new StoreException(reason, e);
            batchesFailed++;
        }
        lastBatchSize = n + m;
        // Only now: every callback of the round sees its op durable and readable.
        for (int i = 0; i < n; i++) {
            complete(batch.get(i), results.get(i));
        }
        for (int i = 0; i < m; i++) {
            complete(notificationBatch.get(i), failure != null ? failure : notificationFailures.get(i));
        }
        batch.clear();
        results.clear();
        notificationBatch.clear();
        notificationFailures.clear();
        return n + m;
    }

    private static void complete(WriteOp op, WriteResult result) {
        try {
            op.done().accept(result);
        } catch (Throwable t) {
            LOG.error("A history write callback threw; the writer carries on", t);
        }
    }

    private static void complete(NotificationWrite write, StoreException failure) {
        try {
            write.done().accept(failure);
        } catch (Throwable t) {
            LOG.error("A notification write callback threw; the writer carries on", t);
        }
    }
}
