package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
 * <p>The queues, the thread, offers, callbacks and close are {@link StoreCommitLoop}'s, shared with
 * {@link PostgresCommitWriter}; this class is what a round means on RocksDB.
 *
 * <p>Reads inside a batch see the batch's earlier ops (an update right after its append, a
 * remove after an update): the writer keeps the messages and dedup entries the current batch
 * touched in a small overlay, since RocksDB reads do not see an unwritten {@link WriteBatch}.
 */
public final class GroupCommitWriter extends StoreCommitLoop {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

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
    private final RocksNotificationStore notifications;
    private final ColumnFamilyHandle messagesCf;
    private final ColumnFamilyHandle idsCf;
    private final ColumnFamilyHandle dedupCf;
    private final Clock clock;
    private final long defaultDedupWindowMs;
    private volatile BatchCommitter committer;

    // ---- writer-thread state ----
    /** Messages the current batch wrote (null: removed), by id. */
    private final Map<UUID, StoredChannelMessage> touched = new HashMap<>();
    /** Dedup entries the current batch wrote, by sender + NUL + client message id. */
    private final Map<String, DedupEntry> touchedDedup = new HashMap<>();
    private final WriteBatch writeBatch = new WriteBatch();

    GroupCommitWriter(RocksStore store, RocksHistoryStore history, RocksNotificationStore notifications,
                      StoreOptions options) {
        super(store.clock(), options);
        this.store = store;
        this.db = store.db();
        this.history = history;
        this.notifications = notifications;
        this.messagesCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGES);
        this.idsCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGE_IDS);
        this.dedupCf = store.handle(StoreColumnFamily.CHANNEL_DEDUP);
        this.clock = store.clock();
        this.defaultDedupWindowMs = options.dedupWindowMs();
        // The store's one group sync of the log: a round's batch shares its fsync with the storage,
        // friend, group and account writes made meanwhile.
        this.committer = b -> store.awaitDurable(store.commitUnsynced(b));
    }

    /** Test hook: how batches are written. */
    void committer(BatchCommitter committer) {
        this.committer = committer;
    }

    // ---- the writer thread ----

    /** One RocksDB batch for the whole round, committed with the store's group sync of the log. */
    @Override
    void writeRound(List<WriteOp> ops, List<NotificationWrite> writes, List<WriteResult> results,
                    List<StoreException> notificationFailures) throws RocksDBException {
        try {
            for (int i = 0, n = ops.size(); i < n; i++) {
                results.add(apply(ops.get(i)));
            }
            for (int i = 0, m = writes.size(); i < m; i++) {
                notifications.addTo(writeBatch, writes.get(i).notifications());
            }
            if (writeBatch.count() > 0) {
                committer.commit(writeBatch);
            }
        } finally {
            writeBatch.clear();
            touched.clear();
            touchedDedup.clear();
        }
    }

    @Override
    void releaseResources() {
        writeBatch.close();
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
    @Override
    void purgeExpiredDedup(long now) {
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
