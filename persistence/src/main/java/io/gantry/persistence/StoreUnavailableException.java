package io.gantry.persistence;

/**
 * The store's database cannot be reached now (PostgreSQL is down, restarting, or the network to it
 * is gone): nothing was written. Not the caller's fault and not permanent: the API layer answers
 * UNAVAILABLE (14, HTTP 503), and the same call succeeds once the database is back.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
