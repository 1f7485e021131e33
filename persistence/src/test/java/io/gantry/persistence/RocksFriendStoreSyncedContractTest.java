package io.gantry.persistence;

/**
 * {@link FriendStoreContract} with {@link StoreOptions#syncWrites()} on: every add, delete and block (and every call that
 * writes nothing) goes through the store's {@link WalSync} before it returns.
 */
class RocksFriendStoreSyncedContractTest extends RocksFriendStoreContractTest {

    @Override
    protected boolean syncWrites() {
        return true;
    }
}
