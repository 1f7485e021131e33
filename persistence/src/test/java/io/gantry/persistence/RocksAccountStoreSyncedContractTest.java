package io.gantry.persistence;

/**
 * {@link AccountStoreContract} with {@link StoreOptions#syncWrites()} on: every account change (and every call that
 * writes nothing) goes through the store's {@link WalSync} before it returns.
 */
class RocksAccountStoreSyncedContractTest extends RocksAccountStoreContractTest {

    @Override
    protected boolean syncWrites() {
        return true;
    }
}
