package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store's commit loop: the one thread that writes channel history and persistent
 * notifications. Producers (the router, a channel service, the notification service) offer
 * {@link WriteOp}s and {@link NotificationWrite}s without blocking, each kind on its own bounded
 * queue; every round the writer drains up to {@value #MAX_BATCH} of each, applies them all to one
 * RocksDB {@link WriteBatch}, writes it (fsyncing the WAL when {@link StoreOptions#syncWrites()}),
 * and only then runs every callback: the history ops' in offer order, then the notification
 * writes' in offer order. One fsync is shared by everything of a round: the busier the server,
 * the bigger the rounds.
 *
 * <pre>{@code
 * GroupCommitWriter writer = store.writer();
 * if (!writer.offer(new WriteOp.Append(message, result -> router.offer(new Stored(cid, result))))) {
 *     replyServerBusy(cid);   // the queue is full; nothing was written
 * }
 * }</pre>
 *
 * <p>It is an Agrona {@link Agent} run by an {@link AgentRunner} on {@value #THREAD_NAME}, with
 * a {@link WakeableIdleStrategy}: when idle it parks, and an offer wakes it. It never spins or
 * yields, so on a machine with few cores it never competes with the socket event loops for a
 * core, and an idle server has no writer wake-ups; under load the loop does not idle, and the
 * batches grow while it writes.
 *
 * <p>Threads: {@link #offer} and the counters are for any thread. The callbacks run on the writer
 * thread, which owns everything else here; a callback that blocks stalls every later write, and
 * one that throws is logged and forgotten. The {@link RocksStore} starts the writer when it opens
 * and stops it when it closes: everything already accepted is written first, later offers are
 * refused.
 *
 * <p>Reads inside a batch see the batch's earlier ops (an update right after its append, a
 * remove after an update): the writer keeps the messages and dedup entries the current batch
 * touched in a small overlay, since RocksDB reads do not see an unwritten {@link WriteBatch}.
 */
public final class GroupCommitWriter implements Agent, StoreWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** The most history ops one round holds (and, separately, the most notification writes). */
    public static final int MAX_BATCH = 1024;
    /** The writer thread's name. */
    public static final String THREAD_NAME = "gantry-store-writer";
    /** How often expired dedup entries are deleted (and once at start). */
    private static final long DEDUP_PURGE_INTERVAL_MS = TimeUnit.MINUTES.toMillis(10);
    /** Deletes per purge batch, so a long-neglected purge does not build one huge batch. */
    private static final int DEDUP_PURGE_CHUNK = 10_000;
    /** How long {@link #close} waits for the writer before it warns (and waits again). */
    private static final int CLOSE_WARN_MS = 5_000;

    /** Writes a batch; tests swap it to make a write fail. */
    @FunctionalInterface
    interface BatchCommitter {
        void commit(WriteBatch batch) throws RocksDBException;
    }

    private final RocksStore store;
    private final RocksDB db;
    private final RocksHistoryStore history;
    private final RocksNotificationStore notifications;
    private final ColumnFamilyHandle messagesCf;
    private final ColumnFamilyHandle idsCf;
    private final ColumnFamilyHandle dedupCf;
    private final Clock clock;
    private final long defaultDedupWindowMs;
    /** Many producers, one consumer (the writer thread). */
    private final ManyToOneConcurrentArrayQueue<WriteOp> historyQueue;
    private final ManyToOneConcurrentArrayQueue<NotificationWrite> notificationQueue;
    /**
     * Offers between their check of {@link #closed} and the end of their queue offer. The writer
     * waits for none to be left before its last drain, so an offer that returned {@code true} is
     * always written (see {@link #offer(WriteOp)}).
     */
    private final AtomicInteger offering = new AtomicInteger();
    private final WakeableIdleStrategy idle;
    private final AgentRunner runner;
    private volatile boolean closed;
    private volatile BatchCommitter committer;

    // ---- writer-thread state ----
    private final ArrayList<WriteOp> batch = new ArrayList<>(MAX_BATCH);
    private final ArrayList<WriteResult> results = new ArrayList<>(MAX_BATCH);
    private final ArrayList<NotificationWrite> notificationBatch = new ArrayList<>(MAX_BATCH);
    /** Messages the current batch wrote (null: removed), by id. */
    private final Map<UUID, StoredChannelMessage> touched = new HashMap<>();
    /** Dedup entries the current batch wrote, by sender + NUL + client message id. */
    private final Map<String, DedupEntry> touchedDedup = new HashMap<>();
    private final WriteBatch writeBatch = new WriteBatch();
    private long nextDedupPurgeMs;

    // ---- counters: written by the writer thread only, read by anyone ----
    private volatile long batchesWritten;
    private volatile long opsWritten;
    private volatile long notificationsWritten;
    private volatile long batchesFailed;
    private volatile int lastBatchSize;

    GroupCommitWriter(RocksStore store, RocksHistoryStore history, RocksNotificationStore notifications,
                      StoreOptions options) {
        this.store = store;
        this.db = store.db();
        this.history = history;
        this.notifications = notifications;
        this.messagesCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGES);
        this.idsCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGE_IDS);
        this.dedupCf = store.handle(StoreColumnFamily.CHANNEL_DEDUP);
        this.clock = store.clock();
        this.defaultDedupWindowMs = options.dedupWindowMs();
        this.historyQueue = new ManyToOneConcurrentArrayQueue<>(options.historyQueueCapacity());
        this.notificationQueue = new ManyToOneConcurrentArrayQueue<>(options.notificationQueueCapacity());
        // The store's one group sync of the log: a round's batch shares its fsync with the storage,
        // friend, group and account writes made meanwhile.
        this.committer = b -> store.awaitDurable(store.commitUnsynced(b));
        this.idle = new WakeableIdleStrategy(IDLE_PARK_NANOS, () -> !historyQueue.isEmpty() || !notificationQueue.isEmpty());
        this.runner = new AgentRunner(idle,
                t -> LOG.error("The store writer failed; it carries on", t), null, this);
    }

    /**
     * The longest the idle writer parks: offers wake it at once ({@link WakeableIdleStrategy}),
     * so this only bounds how late its own timer (the dedup purge) runs.
     */
    static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

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

    /** Rounds whose RocksDB write failed; each of their ops got {@link WriteResult.Failed}. */
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

    // ---- life cycle, driven by RocksStore ----

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

    /** Test hook: how batches are written. */
    void committer(BatchCommitter committer) {
        this.committer = committer;
    }

    // ---- the writer thread (an Agent) ----

    @Override
    public String roleName() {
        return THREAD_NAME;
    }

    @Override
    public void onStart() {
        purgeExpiredDedup();
    }

    /** One round: drains both queues, writes one batch; returns how many ops it held (0: idle). */
    @Override
    public int doWork() {
        int work = commitRound();
        if (clock.millis() >= nextDedupPurgeMs) {
            purgeExpiredDedup();
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
        writeBatch.close();
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
        StoreException failure = null;
        try {
            for (int i = 0; i < n; i++) {
                results.add(apply(batch.get(i)));
            }
            for (int i = 0; i < m; i++) {
                notifications.addTo(writeBatch, notificationBatch.get(i).notifications());
            }
            if (writeBatch.count() > 0) {
                committer.commit(writeBatch);
            }
            opsWritten += n;
            notificationsWritten += m;
            batchesWritten++;
        } catch (RocksDBException | RuntimeException e) {
            LOG.error("A store batch of {} history ops and {} notification writes failed; none of it was written",
                    n, m, e);
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            WriteResult failed = new WriteResult.Failed(reason);
            results.clear();
            for (int i = 0; i < n; i++) {
                results.add(failed);
            }
            failure = e instanceof StoreException se ? se : new StoreException(reason, e);
            batchesFailed++;
        } finally {
            writeBatch.clear();
            touched.clear();
            touchedDedup.clear();
        }
        lastBatchSize = n + m;
        // Only now: every callback of the round sees its op durable and readable.
        for (int i = 0; i < n; i++) {
            complete(batch.get(i), results.get(i));
        }
        for (int i = 0; i < m; i++) {
            complete(notificationBatch.get(i), failure);
        }
        batch.clear();
        results.clear();
        notificationBatch.clear();
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

    /**
     * Adds the op's changes to {@link #writeBatch} and returns its result. Lookups that fail
     * fail this op only; a failing batch mutation throws and fails the whole batch.
     */
    private WriteResult apply(WriteOp op) throws RocksDBException {
        try {
            if (op instanceof WriteOp.Append append) {
                return append(append);
            } else if (op instanceof WriteOp.Update update) {
                return update(update);
            } else {
                return remove((WriteOp.Remove) op);
            }
        } catch (StoreException e) {
            LOG.error("History op failed", e);
            return new WriteResult.Failed(e.getMessage());
        }
    }

    private WriteResult append(WriteOp.Append op) throws RocksDBException {
        StoredChannelMessage message = op.message();
        UUID id = UUID.fromString(message.getMessageId());
        String sender = message.getSenderId();
        String clientId = message.getClientMessageId();
        long now = clock.millis();

        String dedupKey = null;
        if (!clientId.isEmpty()) {
            dedupKey = sender + '\0' + clientId;
            DedupEntry earlier = touchedDedup.containsKey(dedupKey)
                    ? touchedDedup.get(dedupKey)
                    : history.dedupEntry(sender, clientId);
            if (earlier != null && earlier.isLiveAt(now)) {
                return new WriteResult.Duplicate(earlier);
            }
        }
        if (lookup(id) != null) {
            // A second message under one id would orphan the first one's key.
            return new WriteResult.Failed("message id " + id + " already exists");
        }

        byte[] key = HistoryKeys.messageKey(message);
        writeBatch.put(messagesCf, key, message.toByteArray());
        writeBatch.put(idsCf, HistoryKeys.uuidBytes(id), key);
        touched.put(id, message);
        long window = op.dedupWindowMs() == WriteOp.Append.STORE_DEFAULT_WINDOW
                ? defaultDedupWindowMs : op.dedupWindowMs();
        if (dedupKey != null && window > 0) {
            long expiresAt = window > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + window;
            DedupEntry entry = new DedupEntry(sender, clientId, message.getMessageId(),
                    message.getCreateTimeUs(), expiresAt);
            writeBatch.put(dedupCf, HistoryKeys.dedupKey(sender, clientId), HistoryKeys.dedupValue(entry));
            touchedDedup.put(dedupKey, entry);
        }
        return new WriteResult.Ok(message);
    }

    private WriteResult update(WriteOp.Update op) throws RocksDBException {
        UUID id = HistoryKeys.parseUuid(op.messageId());
        StoredChannelMessage stored = id == null ? null : lookup(id);
        if (stored == null || !stored.getChannelId().equals(op.channelId())) {
            return WriteResult.NOT_FOUND;
        }
        if (!stored.getSenderId().equals(op.senderId())) {
            return WriteResult.NOT_OWNER;
        }
        StoredChannelMessage updated = stored.toBuilder()
                .setContent(op.newContent())
                .setUpdateTimeUs(op.updateTimeUs())
                .build();
        // Same create time, same id: the same key, the same place in the history.
        writeBatch.put(messagesCf, HistoryKeys.messageKey(updated), updated.toByteArray());
        touched.put(id, updated);
        return new WriteResult.Ok(updated);
    }

    private WriteResult remove(WriteOp.Remove op) throws RocksDBException {
        UUID id = HistoryKeys.parseUuid(op.messageId());
        StoredChannelMessage stored = id == null ? null : lookup(id);
        if (stored == null || !stored.getChannelId().equals(op.channelId())) {
            return WriteResult.NOT_FOUND;
        }
        if (!stored.getSenderId().equals(op.senderId())) {
            return WriteResult.NOT_OWNER;
        }
        writeBatch.delete(messagesCf, HistoryKeys.messageKey(stored));
        writeBatch.delete(idsCf, HistoryKeys.uuidBytes(id));
        touched.put(id, null);
        return new WriteResult.Ok(stored);
    }

    /** The message as this batch left it, else as stored; {@code null} if there is none. */
    private StoredChannelMessage lookup(UUID id) {
        if (touched.containsKey(id)) {
            return touched.get(id);
        }
        return history.byId(id);
    }

    /**
     * Deletes dedup entries that have expired, so the family stays the size of one window.
     * Runs on the writer thread between batches, so it never races a batch's own entries.
     */
    private void purgeExpiredDedup() {
        long now = clock.millis();
        nextDedupPurgeMs = now + DEDUP_PURGE_INTERVAL_MS;
        int purged = 0;
        try (RocksIterator it = db.newIterator(dedupCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                DedupEntry entry = HistoryKeys.dedupEntry(it.key(), it.value());
                if (entry == null || !entry.isLiveAt(now)) {
                    writeBatch.delete(dedupCf, it.key());
                    if (writeBatch.count() >= DEDUP_PURGE_CHUNK) {
                        purged += writeBatch.count();
                        db.write(store.writeOptions(), writeBatch);
                        writeBatch.clear();
                    }
                }
            }
            it.status();
            purged += writeBatch.count();
            if (writeBatch.count() > 0) {
                db.write(store.writeOptions(), writeBatch);
            }
            if (purged > 0) {
                LOG.debug("Purged {} expired dedup entries", purged);
            }
        } catch (RocksDBException e) {
            LOG.warn("Purging expired dedup entries failed; will retry", e);
        } finally {
            writeBatch.clear();
        }
    }
}
