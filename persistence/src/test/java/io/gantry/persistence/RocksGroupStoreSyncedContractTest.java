package io.gantry.persistence;

/**
 * {@link GroupStoreContract} with {@link StoreOptions#syncWrites()} on: every create and change (and every call that
 * writes nothing) goes through the store's {@link WalSync} before it returns.
 */
class RocksGroupStoreSyncedContractTest extends RocksGroupStoreContractTest {

    @Override
    protected boolean syncWrites() {
        return true;
    }
}
