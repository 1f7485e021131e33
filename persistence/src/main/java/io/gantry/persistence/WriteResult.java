package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

/**
 * What became of one {@link WriteOp}, handed to its callback on the writer thread once its
 * batch is durable (or has failed).
 *
 * <pre>{@code
 * op -> {
 *     if (result instanceof WriteResult.Ok ok) { ack(ok.message()); }
 *     else if (result instanceof WriteResult.Duplicate d) { ackAgain(d.original()); }
 *     else if (result instanceof WriteResult.NotFound) { error(NOT_FOUND); }
 *     ...
 * }
 * }</pre>
 */
public sealed interface WriteResult
        permits WriteResult.Ok, WriteResult.Duplicate, WriteResult.NotFound, WriteResult.NotOwner,
        WriteResult.Failed {

    /**
     * Written and durable. {@code message} is the message as stored after the op; for a
     * {@link WriteOp.Remove}, the message as it was before it was removed.
     */
    record Ok(StoredChannelMessage message) implements WriteResult {
    }

    /**
     * An {@link WriteOp.Append} whose sender and client message id were already used inside the
     * dedup window: nothing was written; {@code original} names the message the first send
     * stored (which may have been removed since). The caller acks the retry with it and does
     * not broadcast again.
     */
    record Duplicate(DedupEntry original) implements WriteResult {
    }

    /** No message with that id in that channel; nothing was written. */
    record NotFound() implements WriteResult {
    }

    /** The message exists but was sent by someone else; nothing was written. */
    record NotOwner() implements WriteResult {
    }

    /**
     * Nothing of this op was written: the batch's RocksDB write failed (then every op of the
     * batch gets this; a batch is atomic), the store was closing, or the op could not be applied
     * (its message id is already taken, a stored record did not parse).
     */
    record Failed(String reason) implements WriteResult {
    }

    /** Shared instances of the results that carry nothing. */
    WriteResult NOT_FOUND = new NotFound();
    WriteResult NOT_OWNER = new NotOwner();
}
