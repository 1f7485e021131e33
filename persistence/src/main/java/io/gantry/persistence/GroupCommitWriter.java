package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that writes channel history. Producers (the router, a channel service) offer
 * {@link WriteOp}s without blocking; the writer drains up to {@value #MAX_BATCH} of them at a
 * time, applies them all to one RocksDB {@link WriteBatch}, writes it (fsyncing the WAL when
 * {@link StoreOptions#syncWrites()}), and only then runs every op's callback, in offer order.
 * One fsync is shared by every message of a batch: the busier the server, the bigger the batches.
 *
 * <pre>{@code
 * GroupCommitWriter writer = store.writer();
 * if (!writer.offer(new WriteOp.Append(message, result -> router.offer(new Stored(cid, result))))) {
 *     replyServerBusy(cid);   // the queue is full; nothing was written
 * }
 * }</pre>
 *
 * <p>Threads: {@link #offer} and the counters are for any thread. The callbacks run on the writer
 * thread ({@value #THREAD_NAME}), which owns everything else here; a callback that blocks stalls
 * every later write, and one that throws is logged and forgotten. The {@link RocksStore} starts
 * the writer when it opens and stops it when it closes: ops already queued are written first,
 * later offers are refused.
 *
 * <p>Reads inside a batch see the batch's earlier ops (an update right after its append, a
 * remove after an update): the writer keeps the messages and dedup entries the current batch
 * touched in a small overlay, since RocksDB reads do not see an unwritten {@link WriteBatch}.
 */
public final class GroupCommitWriter implements HistoryWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** The most ops one batch holds. */
    public static final int MAX_BATCH = 1024;
    /** The writer thread's name. */
    public static final String THREAD_NAME = "gantry-history-writer";
    /** How long the idle writer parks before it looks for housekeeping to do. */
    private static final long IDLE_POLL_MS = 50;
    /** How often expired dedup entries are deleted (and once at start). */
    private static final long DEDUP_PURGE_INTERVAL_MS = TimeUnit.MINUTES.toMillis(10);
    /** Deletes per purge batch, so a long-neglected purge does not build one huge batch. */
    private static final int DEDUP_PURGE_CHUNK = 10_000;

    /** Writes a batch; tests swap it to make a write fail. */
    @FunctionalInterface
    interface BatchCommitter {
        void commit(WriteBatch batch) throws RocksDBException;
    }

    private final RocksStore store;
    private final RocksDB db;
    private final RocksHistoryStore history;
    private final ColumnFamilyHandle messagesCf;
    private final ColumnFamilyHandle idsCf;
    private final ColumnFamilyHandle dedupCf;
    private final Clock clock;
    private final long defaultDedupWindowMs;
    private final int capacity;
    /** Many producers, one consumer (the writer thread). */
    private final ArrayBlockingQueue<WriteOp> queue;
    private final Thread thread;
    private volatile boolean closed;
    private volatile BatchCommitter committer;

    // ---- writer-thread state ----
    private final ArrayList<WriteOp> batch = new ArrayList<>(MAX_BATCH);
    private final ArrayList<WriteResult> results = new ArrayList<>(MAX_BATCH);
    /** Messages the current batch wrote (null: removed), by id. */
    private final Map<UUID, StoredChannelMessage> touched = new HashMap<>();
    /** Dedup entries the current batch wrote, by sender + NUL + client message id. */
    private final Map<String, DedupEntry> touchedDedup = new HashMap<>();
    private WriteBatch writeBatch;
    private long nextDedupPurgeMs;

    // ---- counters: written by the writer thread only, read by anyone ----
    private volatile long batchesWritten;
    private volatile long opsWritten;
    private volatile long batchesFailed;
    private volatile int lastBatchSize;

    GroupCommitWriter(RocksStore store, RocksHistoryStore history, StoreOptions options) {
        this.store = store;
        this.db = store.db();
        this.history = history;
        this.messagesCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGES);
        this.idsCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGE_IDS);
        this.dedupCf = store.handle(StoreColumnFamily.CHANNEL_DEDUP);
        this.clock = store.clock();
        this.defaultDedupWindowMs = options.dedupWindowMs();
        this.capacity = options.historyQueueCapacity();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.committer = b -> db.write(store.writeOptions(), b);
        this.thread = new Thread(this::run, THREAD_NAME);
        // A store that is never closed must not keep the JVM alive; nothing queued was acked.
        this.thread.setDaemon(true);
    }

    /**
     * Queues an op for the next batch, without blocking.
     *
     * @return {@code false} if the queue is full or the store is closing: the op will not be
     *         written and its callback will not run (answer the client "server busy");
     *         {@code true} if its callback will run exactly once
     */
    public boolean offer(WriteOp op) {
        Objects.requireNonNull(op, "op");
        if (closed || !queue.offer(op)) {
            return false;
        }
        // Closed meanwhile: the writer may have drained its last batch before our op arrived.
        // Whoever takes the op out of the queue owns it, so it is refused or completed, never both.
        return !(closed && queue.remove(op));
    }

    /** Batches written (and their callbacks run) since the store opened. */
    public long batchesWritten() {
        return batchesWritten;
    }

    /** Ops in those batches, whatever their result (a NotFound is an op too). */
    public long opsWritten() {
        return opsWritten;
    }

    /** Batches whose RocksDB write failed; each of their ops got {@link WriteResult.Failed}. */
    public long batchesFailed() {
        return batchesFailed;
    }

    /** Ops in the most recent batch, written or failed. */
    public int lastBatchSize() {
        return lastBatchSize;
    }

    /** Ops waiting for a batch right now. */
    public int queued() {
        return queue.size();
    }

    /** The queue capacity ({@link StoreOptions#historyQueueCapacity()}). */
    public int capacity() {
        return capacity;
    }

    // ---- life cycle, driven by RocksStore ----

    void start() {
        thread.start();
    }

    /**
     * Refuses further offers, waits for the writer to write everything already queued, and
     * fails whatever raced in after its last look. Returns once the writer thread has ended, so
     * the database can close under it.
     */
    void close() {
        closed = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
                if (thread.isAlive()) {
                    LOG.warn("Still waiting for the history writer to finish ({} ops queued); is a callback blocked?",
                            queue.size());
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        List<WriteOp> left = new ArrayList<>();
        queue.drainTo(left);
        for (WriteOp op : left) {
            complete(op, new WriteResult.Failed("store closed"));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Test hook: how batches are written. */
    void committer(BatchCommitter committer) {
        this.committer = committer;
    }

    // ---- the writer thread ----

    private void run() {
        try (WriteBatch wb = new WriteBatch()) {
            writeBatch = wb;
            purgeExpiredDedup();
            while (!closed || !queue.isEmpty()) {
                if (doWork() == 0) {
                    idle();
                }
                if (clock.millis() >= nextDedupPurgeMs) {
                    purgeExpiredDedup();
                }
            }
        } catch (Throwable t) {
            // Nothing above lets an exception out; if something does, say so loudly.
            LOG.error("History writer stopped unexpectedly", t);
        }
    }

    /** Drains and writes one batch; returns how many ops it held (0: the queue was empty). */
    int doWork() {
        queue.drainTo(batch, MAX_BATCH);
        return commitBatch();
    }

    /** Parks until an op arrives (then writes its batch) or a short while has passed. */
    private void idle() {
        WriteOp first;
        try {
            first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return; // nobody interrupts this thread on purpose; the loop re-checks closed
        }
        if (first != null) {
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            commitBatch();
        }
    }

    private int commitBatch() {
        int n = batch.size();
        if (n == 0) {
            return 0;
        }
        try {
            for (int i = 0; i < n; i++) {
                results.add(apply(batch.get(i)));
            }
            if (writeBatch.count() > 0) {
                committer.commit(writeBatch);
            }
            opsWritten += n;
            batchesWritten++;
        } catch (RocksDBException | RuntimeException e) {
            LOG.error("History batch of {} ops failed; none of it was written", n, e);
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            WriteResult failed = new WriteResult.Failed(reason);
            results.clear();
            for (int i = 0; i < n; i++) {
                results.add(failed);
            }
            batchesFailed++;
        } finally {
            writeBatch.clear();
            touched.clear();
            touchedDedup.clear();
        }
        lastBatchSize = n;
        // Only now: every callback of the batch sees its op durable and readable.
        for (int i = 0; i < n; i++) {
            complete(batch.get(i), results.get(i));
        }
        batch.clear();
        results.clear();
        return n;
    }

    private static void complete(WriteOp op, WriteResult result) {
        try {
            op.done().accept(result);
        } catch (Throwable t) {
            LOG.error("A history write callback threw; the writer carries on", t);
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
