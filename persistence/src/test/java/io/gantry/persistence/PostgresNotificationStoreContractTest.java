package io.gantry.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** {@link NotificationStoreContract} against PostgreSQL. */
class PostgresNotificationStoreContractTest extends NotificationStoreContract {

    private PostgresStore store;

    @Override
    protected NotificationStore open() {
        store = PostgresStores.fresh(Clock.systemUTC(), new StoreOptions(false, 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)));
        return store.notifications();
    }

    @Override
    protected void close() {
        store.close();
    }
}
