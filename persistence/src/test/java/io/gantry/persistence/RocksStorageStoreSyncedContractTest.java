package io.gantry.persistence;

/**
 * {@link StorageStoreContract} with {@link StoreOptions#syncWrites()} on: every write and delete
 * (and every call that writes nothing) goes through the store's {@link WalSync} before it returns.
 */
class RocksStorageStoreSyncedContractTest extends RocksStorageStoreContractTest {

    @Override
    protected boolean syncWrites() {
        return true;
    }
}
