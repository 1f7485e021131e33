package io.gantry.persistence;

/**
 * The way into channel history's single writer: offer it {@link WriteOp}s (append, update,
 * remove) and hear back through each op's callback once the op is durable or refused.
 * {@link GroupCommitWriter} is the RocksDB implementation, {@link PostgresCommitWriter} the PostgreSQL one.
 *
 * <pre>{@code
 * HistoryWriter writer = store.writer();
 * if (!writer.offer(new WriteOp.Append(message, result -> router.execute(() -> acknowledge(result))))) {
 *     replyServerBusy(cid);   // the queue is full; nothing will be written
 * }
 * }</pre>
 *
 * <p>Threads: {@link #offer} is for any thread and never blocks. Callbacks run on the writer's
 * own thread, after the write (and its WAL sync); they must not block.
 */
public interface HistoryWriter {

    /**
     * Queues an op for writing, without blocking.
     *
     * @return {@code false} if the queue is full or the writer is stopping: the op will not be
     *         written and its callback will not run; {@code true} if its callback will run
     *         exactly once
     */
    boolean offer(WriteOp op);
}
