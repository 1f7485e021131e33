package io.gantry.persistence;

/**
 * The store could not read or write: a RocksDB error (disk full, I/O error, corruption), a
 * PostgreSQL error other than a lost connection (that is {@link StoreUnavailableException}), or a
 * record that no longer parses. Not the caller's fault; the API layer answers INTERNAL (13).
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
