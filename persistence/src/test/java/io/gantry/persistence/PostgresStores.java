package io.gantry.persistence;

import java.time.Clock;

/**
 * Opens {@link PostgresStore}s for the contract suites: each on an empty database of its own on the
 * JVM's shared {@link PostgresTestServer}, bcrypt at a cheap cost.
 *
 * <pre>{@code
 * PostgresStore store = PostgresStores.fresh(clock);
 * }</pre>
 */
public final class PostgresStores {

    private PostgresStores() {
    }

    /** A migrated, empty store on its own database, with the given clock. */
    public static PostgresStore fresh(Clock clock) {
        return fresh(clock, new StoreOptions(false, 4));
    }

    /** A migrated, empty store on its own database, with the given clock and options. */
    public static PostgresStore fresh(Clock clock, StoreOptions options) {
        String url = PostgresTestServer.shared().freshDatabase();
        return PostgresStore.open(new PostgresSettings(url, "postgres", "", 8, 5_000), options, clock);
    }
}
