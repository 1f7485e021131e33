package io.gantry.persistence;

import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@link NotificationStoreContract} against RocksDB. */
class RocksNotificationStoreContractTest extends NotificationStoreContract {

    @TempDir
    Path dataDir;
    private RocksStore store;

    @Override
    protected NotificationStore open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)));
        return store.notifications();
    }

    @Override
    protected void close() {
        store.close();
    }
}
