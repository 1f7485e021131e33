package io.gantry.persistence;

/**
 * How a {@link Store} writes.
 *
 * <pre>{@code
 * Store store = RocksStore.open(Path.of("data"), StoreOptions.defaults());
 * Store fastTests = RocksStore.open(tmp, new StoreOptions(false, 4));
 * }</pre>
 *
 * @param syncWrites whether every write waits for the write-ahead log to be fsynced before it
 *                   returns. {@code true} is what "acknowledged means durable" needs; {@code false}
 *                   survives a process crash but may lose the last writes on a power loss.
 * @param bcryptCost bcrypt cost (log2 of the rounds) for new password hashes, 4..31. Nakama
 *                   uses 10; tests use 4 because every +1 doubles the time of a hash.
 */
public record StoreOptions(boolean syncWrites, int bcryptCost) {

    /** Sync on every write. */
    public static final boolean DEFAULT_SYNC_WRITES = true;
    /** Nakama's bcrypt cost ({@code bcrypt.DefaultCost}). */
    public static final int DEFAULT_BCRYPT_COST = 10;

    public StoreOptions {
        // The limits of the bcrypt algorithm itself; the library would reject anything else at
        // the first hash, long after startup, so fail while the configuration is being read.
        if (bcryptCost < 4 || bcryptCost > 31) {
            throw new IllegalArgumentException("bcryptCost must be in 4..31, was " + bcryptCost);
        }
    }

    /** {@code new StoreOptions(true, 10)}. */
    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SYNC_WRITES, DEFAULT_BCRYPT_COST);
    }
}
