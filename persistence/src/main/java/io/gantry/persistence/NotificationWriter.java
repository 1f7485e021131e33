package io.gantry.persistence;

/**
 * The way into the store's single writer for the server's notifications: offer it a
 * {@link NotificationWrite} and hear back through its callback once the notifications are durable
 * or the write failed. {@link GroupCommitWriter} (RocksDB) and {@link PostgresCommitWriter}
 * (PostgreSQL) implement it, each the same commit loop as its {@link HistoryWriter}.
 *
 * <p>Threads: {@link #offer} is for any thread and never blocks. Callbacks run on the writer's
 * own thread, after the write; they must not block.
 */
public interface NotificationWriter {

    /**
     * Queues a write without blocking.
     *
     * @return {@code false} if the queue is full or the writer is stopping: nothing will be
     *         written and the callback will not run; {@code true} if it will run exactly once
     */
    boolean offer(NotificationWrite write);

    /** Notification writes queued now. */
    int notificationsQueued();

    /** The most notification writes that may be queued. */
    int notificationCapacity();
}
