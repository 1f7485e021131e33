package io.gantry.persistence;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link AccountStoreContract} against RocksDB. */
class RocksAccountStoreContractTest extends AccountStoreContract {

    @TempDir
    Path dataDir;
    private RocksStore store;

    /** Whether the store syncs its writes (the production default); a subclass runs the suite with it on. */
    protected boolean syncWrites() {
        return false;
    }

    @Override
    protected AccountStore open(MutableClock clock) {
        store = RocksStore.open(dataDir, new StoreOptions(syncWrites(), 4), clock);
        return store.accounts();
    }

    @Override
    protected boolean deleteUser(String userId) {
        return store.deleteUser(userId);
    }

    @Override
    protected void close() {
        store.close();
    }
}
