package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A change to the channel history, offered to the {@link GroupCommitWriter}. Its callback
 * ({@link #done()}) runs exactly once, on the writer thread, after the batch holding it is
 * durable: keep it short and non-blocking (hand the result to the router's queue), since the
 * next batch waits for it.
 *
 * <pre>{@code
 * boolean queued = store.writer().offer(new WriteOp.Append(message, result -> routerProxy.onStored(cid, result)));
 * if (!queued) { replyServerBusy(); }   // nothing was written
 * }</pre>
 *
 * <p>Arguments are checked when the op is built ({@link IllegalArgumentException}), so a bad op
 * never reaches the writer.
 */
public sealed interface WriteOp permits WriteOp.Append, WriteOp.Update, WriteOp.Remove {

    /** Called once with the outcome, on the writer thread. */
    Consumer<WriteResult> done();

    /**
     * Stores a new message. With a non-empty {@code client_message_id}, also remembers
     * (sender, client message id) for {@code dedupWindowMs}; a second Append with the same pair
     * inside the window writes nothing and gets {@link WriteResult.Duplicate}.
     *
     * @param message       non-empty {@code channel_id} (at most 65535 UTF-8 bytes),
     *                      {@code message_id} a UUID in canonical lower-case form,
     *                      {@code create_time_us} &ge; 0; a sender id without NUL characters
     *                      when a client message id is given
     * @param dedupWindowMs the dedup window, or {@link #STORE_DEFAULT_WINDOW} for
     *                      {@link StoreOptions#dedupWindowMs()}
     */
    record Append(StoredChannelMessage message, long dedupWindowMs, Consumer<WriteResult> done) implements WriteOp {

        /** Use the store's dedup window. */
        public static final long STORE_DEFAULT_WINDOW = -1;

        public Append {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(done, "done");
            if (message.getChannelId().isEmpty()) {
                throw new IllegalArgumentException("channel_id must not be empty");
            }
            HistoryKeys.channelPrefix(message.getChannelId()); // length check
            UUID id = HistoryKeys.parseUuid(message.getMessageId());
            if (id == null || !id.toString().equals(message.getMessageId())) {
                throw new IllegalArgumentException("message_id must be a lower-case UUID, was '"
                        + message.getMessageId() + "'");
            }
            if (message.getCreateTimeUs() < 0) {
                throw new IllegalArgumentException("create_time_us must not be negative");
            }
            if (!message.getClientMessageId().isEmpty() && message.getSenderId().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("sender_id must not contain NUL");
            }
            if (dedupWindowMs < 0 && dedupWindowMs != STORE_DEFAULT_WINDOW) {
                throw new IllegalArgumentException("dedupWindowMs must not be negative");
            }
        }

        /** With the store's dedup window. */
        public Append(StoredChannelMessage message, Consumer<WriteResult> done) {
            this(message, STORE_DEFAULT_WINDOW, done);
        }
    }

    /**
     * Replaces the content and update time of a stored message; its create time, and so its
     * place in the history, stays. {@link WriteResult.NotFound} unless the message is in
     * {@code channelId}; {@link WriteResult.NotOwner} unless {@code senderId} sent it.
     */
    record Update(String channelId, String messageId, String senderId, String newContent, long updateTimeUs,
                  Consumer<WriteResult> done) implements WriteOp {

        public Update {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(senderId, "senderId");
            Objects.requireNonNull(newContent, "newContent");
            Objects.requireNonNull(done, "done");
        }
    }

    /**
     * Deletes a stored message. {@link WriteResult.Ok} carries the message as it was; the checks
     * are those of {@link Update}.
     */
    record Remove(String channelId, String messageId, String senderId, Consumer<WriteResult> done)
            implements WriteOp {

        public Remove {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(senderId, "senderId");
            Objects.requireNonNull(done, "done");
        }
    }
}
