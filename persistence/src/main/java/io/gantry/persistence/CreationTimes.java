package io.gantry.persistence;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Creation times of new accounts, strictly increasing on one node: accounts created in the same
 * millisecond still list in creation order (`GET /v2/user` orders by creation time, as Nakama's
 * table returns them in insertion order), instead of by their random ids. Thread-safe.
 */
final class CreationTimes {

    private final java.util.function.LongSupplier millis;
    private final AtomicLong last = new AtomicLong();

    /** @param millis the store's clock, read at each creation */
    CreationTimes(java.util.function.LongSupplier millis) {
        this.millis = millis;
    }

    /** The clock's time, or one millisecond after the last one given when that is not before it. */
    long next() {
        long now = millis.getAsLong();
        return last.updateAndGet(previous -> Math.max(previous + 1, now));
    }
}
