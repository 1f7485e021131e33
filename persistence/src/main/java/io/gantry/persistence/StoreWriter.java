package io.gantry.persistence;

/**
 * The store's single writer of channel history and of the server's notifications, whatever keeps
 * the data: {@link GroupCommitWriter} for RocksDB, {@link PostgresCommitWriter} for PostgreSQL.
 * Each round it takes what is queued (up to a bound), makes it durable in one write (one RocksDB
 * batch with one WAL sync, or one PostgreSQL transaction), and only then runs the callbacks.
 *
 * <pre>{@code
 * StoreWriter writer = store.writer();
 * if (!writer.offer(new WriteOp.Append(message, result -> router.offer(new Stored(cid, result))))) {
 *     replyServerBusy(cid);   // the queue is full; nothing was written
 * }
 * }</pre>
 *
 * <p>Threads: everything here is for any thread; {@link #offer} never blocks. The counters are
 * written by the writer thread only.
 */
public interface StoreWriter extends HistoryWriter, NotificationWriter {

    /** Rounds written since start. */
    long batchesWritten();

    /** History ops written (or answered) since start. */
    long opsWritten();

    /** Notification writes written since start. */
    long notificationWritesWritten();

    /** Rounds whose write failed (every op of them was answered with a failure). */
    long batchesFailed();

    /** The size of the last round written. */
    int lastBatchSize();

    /** History ops queued now. */
    int queued();

    /** The most history ops that may be queued. */
    int capacity();
}
