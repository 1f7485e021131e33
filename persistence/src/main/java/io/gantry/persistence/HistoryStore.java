package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

import java.util.List;
import java.util.Optional;

/**
 * Reads of the durable channel message history. Writes go through the
 * store's {@link StoreWriter} (one thread owns them); reads go straight to the database (RocksDB
 * or PostgreSQL).
 *
 * <pre>{@code
 * HistoryStore history = store.history();
 * HistoryPage newest = history.list("2...lobby", 20, false, null);   // newest first
 * if (newest.nextCursor() != null) {
 *     HistoryPage older = history.list("2...lobby", 20, false, newest.nextCursor());
 * }
 * // later: only what arrived since
 * HistoryPage since = history.list("2...lobby", 100, true, newest.cacheableCursor());
 * }</pre>
 *
 * <p>Threads: every method is thread-safe, lock-free and may block on disk I/O: call it from a
 * blocking executor (the REST threads), never from a Netty event loop or the router thread. A
 * message is visible here once its {@link WriteOp} callback has run (the batch is written
 * before callbacks), never half-written.
 */
public interface HistoryStore {

    /** Largest page {@link #list} returns (Nakama's limit for channel history). */
    int MAX_LIMIT = 100;

    /**
     * The stored message with this id, in whatever channel. An id that is not a UUID simply
     * finds nothing.
     */
    Optional<StoredChannelMessage> get(String messageId);

    /**
     * One page of a channel's history, Nakama's way: {@code forward} lists oldest → newest from
     * the beginning of the channel, {@code !forward} lists newest → oldest from the most recent
     * message. A cursor from an earlier page continues strictly after (next) or before (prev) the
     * message it was made at, so messages stored meanwhile cause neither duplicates nor gaps; it
     * must be used with the same {@code forward} it was made with (the cacheable cursor is a
     * forward one).
     *
     * @param channelId    the channel, non-empty, at most 65535 UTF-8 bytes
     * @param limit        1..{@value #MAX_LIMIT}
     * @param cursorOrNull a cursor from a {@link HistoryPage} of this channel; null or empty
     *                     starts at the beginning (forward) or the end (backward)
     * @throws InvalidCursorException   for any cursor string this store did not make for this
     *                                  channel and direction; never another exception for a cursor
     * @throws IllegalArgumentException if the limit or the channel id is out of range
     */
    HistoryPage list(String channelId, int limit, boolean forward, String cursorOrNull)
            throws InvalidCursorException;

    /**
     * The unexpired dedup entry for this sender and client message id, if any (empty for an
     * empty client message id).
     */
    Optional<DedupEntry> dedup(String senderId, String clientMessageId);

    /**
     * Every dedup entry still live at {@code nowMs}, for warming an in-memory cache when the
     * server starts. Reads the whole {@code channel_dedup} family: call it once, at start-up.
     */
    List<DedupEntry> loadRecentDedup(long nowMs);
}
