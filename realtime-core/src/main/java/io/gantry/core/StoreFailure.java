package io.gantry.core;

import io.gantry.persistence.StoreUnavailableException;

/**
 * What the edge tells a client when a call failed in the store: whether the failure is the
 * database being away ({@link StoreUnavailableException} anywhere in the causes), which clients are
 * told as UNAVAILABLE (gRPC 14, HTTP 503) with {@link #UNAVAILABLE_MESSAGE}, rather than as an
 * internal error.
 *
 * <pre>{@code
 * } catch (RuntimeException e) {
 *     if (StoreFailure.unavailable(e)) { answer(503, 14, StoreFailure.UNAVAILABLE_MESSAGE); }
 * }
 * }</pre>
 */
public final class StoreFailure {

    /** What a client is told while the database is away. */
    public static final String UNAVAILABLE_MESSAGE = "Database unavailable; retry later.";

    private StoreFailure() {
    }

    /** Whether {@code e} or one of its causes says the database cannot be reached now. */
    public static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
            if (t.getCause() == t) {
                return false;
            }
        }
        return false;
    }
}
