package io.gantry.persistence;

import io.gantry.persistence.StorageStore.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link StorageStoreContract} against RocksDB, plus what an account deletion deletes. */
class RocksStorageStoreContractTest extends StorageStoreContract {

    @TempDir
    Path dataDir;
    private RocksStore store;

    @Override
    protected StorageStore open() {
        store = RocksStore.open(dataDir, new StoreOptions(syncWrites(), 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)), clock);
        return store.storage();
    }

    /** Off here; {@link RocksStorageStoreSyncedContractTest} runs the contract with group-synced writes. */
    protected boolean syncWrites() {
        return false;
    }

    @Override
    protected StorageStore reopen() {
        store.close();
        return open();
    }

    @Override
    protected void close() {
        store.close();
    }

    private int entries(StoreColumnFamily cf) {
        int n = 0;
        try (RocksIterator it = store.db().newIterator(store.handle(cf))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void deleteAllOfRemovesEveryObjectAndIndexEntryOfOneUserAndNothingOfAnothers() throws Exception {
        storage.write(List.of(new Write("a", "k1", ALICE, "{}", "", 0, 1), new Write("a", "k2", ALICE, "{}", "", 2, 0),
                new Write("b", "k1", ALICE, "{}", "", 1, 1), new Write("a", "k1", BOB, "{}", "", 2, 1),
                new Write("b", "k9", CAROL, "{}", "", 1, 1)), false);
        assertEquals(5, entries(StoreColumnFamily.STORAGE_OBJECTS));
        RocksUserOwned owned = store.userOwned().get(0);
        owned.writeLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            owned.deleteAllOf(ALICE, batch);
            store.db().write(store.writeOptions(), batch);
        } finally {
            owned.writeLock().unlock();
        }
        for (StoreColumnFamily cf : List.of(StoreColumnFamily.STORAGE_OBJECTS, StoreColumnFamily.STORAGE_BY_USER,
                StoreColumnFamily.STORAGE_BY_COLLECTION)) {
            assertEquals(2, entries(cf), cf.name());
        }
        assertEquals(List.of(), storage.list("a", ALICE, 0, 100, "").objects());
        assertEquals(1, storage.list("a", null, 0, 100, "").objects().size());
        assertEquals(1, storage.list("b", CAROL, 0, 100, "").objects().size());
    }
}
