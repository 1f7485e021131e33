package io.gantry.persistence;

/**
 * {@link LeaderboardStoreContract} with {@link StoreOptions#syncWrites()} on: every create, change and
 * deletion (and every call that writes nothing) goes through the store's {@link WalSync} before it returns.
 */
class RocksLeaderboardStoreSyncedContractTest extends RocksLeaderboardStoreContractTest {

    @Override
    protected boolean syncWrites() {
        return true;
    }
}
