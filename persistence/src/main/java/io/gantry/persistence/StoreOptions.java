package io.gantry.persistence;

import java.util.Arrays;
import java.util.Objects;

/**
 * How a {@link Store} writes.
 *
 * <pre>{@code
 * Store store = RocksStore.open(Path.of("data"), StoreOptions.defaults().withCursorKey(key));
 * Store fastTests = RocksStore.open(tmp, new StoreOptions(false, 4));
 * }</pre>
 *
 * @param syncWrites           whether every write waits for the write-ahead log to be fsynced
 *                             before it returns (or, for the {@link GroupCommitWriter}, before any
 *                             callback of the batch runs). {@code true} is what "acknowledged
 *                             means durable" needs; {@code false} survives a process crash but may
 *                             lose the last writes on a power loss.
 * @param bcryptCost           bcrypt cost (log2 of the rounds) for new password hashes, 4..31.
 *                             Nakama uses 10; tests use 4 because every +1 doubles the time of a hash.
 * @param cursorKey            the HMAC-SHA256 key that makes channel history cursors tamper-safe,
 *                             at least 16 bytes; {@code null} draws a random key at open, so cursors
 *                             handed out before a restart are refused after it. The server derives
 *                             it from its session encryption key. A secret: never logged.
 * @param historyQueueCapacity how many history writes may wait for the {@link GroupCommitWriter};
 *                             beyond that {@link GroupCommitWriter#offer} refuses ("server busy").
 * @param dedupWindowMs        how long a client message id is remembered for retry-safe sends,
 *                             unless the {@link WriteOp.Append} names its own window.
 * @param notificationQueueCapacity how many notification writes may wait for the
 *                             {@link GroupCommitWriter}; beyond that its offer refuses.
 */
public record StoreOptions(boolean syncWrites, int bcryptCost, byte[] cursorKey,
                           int historyQueueCapacity, long dedupWindowMs, int notificationQueueCapacity) {

    /** Sync on every write. */
    public static final boolean DEFAULT_SYNC_WRITES = true;
    /** Nakama's bcrypt cost ({@code bcrypt.DefaultCost}). */
    public static final int DEFAULT_BCRYPT_COST = 10;
    /** Pending history writes: 64 Ki ops, a few hundred milliseconds of a busy server's chat. */
    public static final int DEFAULT_HISTORY_QUEUE_CAPACITY = 65_536;
    /** Pending notification writes (each one or more notifications). */
    public static final int DEFAULT_NOTIFICATION_QUEUE_CAPACITY = 16_384;
    /**
     * One hour: long enough for a client that lost its socket to reconnect and resend, short
     * enough that the entries a server warms its cache with at start-up stay few.
     */
    public static final long DEFAULT_DEDUP_WINDOW_MS = 3_600_000L;
    /** A shorter HMAC key would be the weak link of the cursor MAC. */
    public static final int MIN_CURSOR_KEY_BYTES = 16;

    public StoreOptions {
        // The limits of the bcrypt algorithm itself; the library would reject anything else at
        // the first hash, long after startup, so fail while the configuration is being read.
        if (bcryptCost < 4 || bcryptCost > 31) {
            throw new IllegalArgumentException("bcryptCost must be in 4..31, was " + bcryptCost);
        }
        if (cursorKey != null && cursorKey.length < MIN_CURSOR_KEY_BYTES) {
            throw new IllegalArgumentException("cursorKey must have at least " + MIN_CURSOR_KEY_BYTES
                    + " bytes, had " + cursorKey.length);
        }
        if (historyQueueCapacity < 1) {
            throw new IllegalArgumentException("historyQueueCapacity must be positive, was " + historyQueueCapacity);
        }
        if (notificationQueueCapacity < 1) {
            throw new IllegalArgumentException("notificationQueueCapacity must be positive, was "
                    + notificationQueueCapacity);
        }
        if (dedupWindowMs < 0) {
            throw new IllegalArgumentException("dedupWindowMs must not be negative, was " + dedupWindowMs);
        }
        cursorKey = cursorKey == null ? null : cursorKey.clone();
    }

    /** Sync and bcrypt cost as given, every history setting at its default (random cursor key). */
    public StoreOptions(boolean syncWrites, int bcryptCost) {
        this(syncWrites, bcryptCost, null, DEFAULT_HISTORY_QUEUE_CAPACITY, DEFAULT_DEDUP_WINDOW_MS,
                DEFAULT_NOTIFICATION_QUEUE_CAPACITY);
    }

    /** {@code new StoreOptions(true, 10)}. */
    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SYNC_WRITES, DEFAULT_BCRYPT_COST);
    }

    /** A copy of the key (the record keeps its own copy too), or {@code null}. */
    @Override
    public byte[] cursorKey() {
        return cursorKey == null ? null : cursorKey.clone();
    }

    /** These options with the given cursor key (copied). */
    public StoreOptions withCursorKey(byte[] key) {
        return new StoreOptions(syncWrites, bcryptCost, Objects.requireNonNull(key, "key"),
                historyQueueCapacity, dedupWindowMs, notificationQueueCapacity);
    }

    /** These options with the given history queue capacity. */
    public StoreOptions withHistoryQueueCapacity(int capacity) {
        return new StoreOptions(syncWrites, bcryptCost, cursorKey, capacity, dedupWindowMs, notificationQueueCapacity);
    }

    /** These options with the given default dedup window. */
    public StoreOptions withDedupWindowMs(long windowMs) {
        return new StoreOptions(syncWrites, bcryptCost, cursorKey, historyQueueCapacity, windowMs, notificationQueueCapacity);
    }

    /** These options with the given notification queue capacity. */
    public StoreOptions withNotificationQueueCapacity(int capacity) {
        return new StoreOptions(syncWrites, bcryptCost, cursorKey, historyQueueCapacity, dedupWindowMs, capacity);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreOptions other
                && syncWrites == other.syncWrites
                && bcryptCost == other.bcryptCost
                && Arrays.equals(cursorKey, other.cursorKey)
                && historyQueueCapacity == other.historyQueueCapacity
                && dedupWindowMs == other.dedupWindowMs
                && notificationQueueCapacity == other.notificationQueueCapacity;
    }

    @Override
    public int hashCode() {
        return Objects.hash(syncWrites, bcryptCost, Arrays.hashCode(cursorKey), historyQueueCapacity, dedupWindowMs, notificationQueueCapacity);
    }

    /** Never shows the cursor key: options end up in logs. */
    @Override
    public String toString() {
        return "StoreOptions[syncWrites=" + syncWrites + ", bcryptCost=" + bcryptCost
                + ", cursorKey=" + (cursorKey == null ? "random" : "(set)")
                + ", historyQueueCapacity=" + historyQueueCapacity + ", dedupWindowMs=" + dedupWindowMs
                + ", notificationQueueCapacity=" + notificationQueueCapacity + "]";
    }
}
