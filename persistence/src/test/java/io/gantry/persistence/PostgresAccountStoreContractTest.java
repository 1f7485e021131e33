package io.gantry.persistence;

/** {@link AccountStoreContract} against PostgreSQL, each test on an empty database of its own. */
class PostgresAccountStoreContractTest extends AccountStoreContract {

    private PostgresStore store;

    @Override
    protected AccountStore open(MutableClock clock) {
        store = PostgresStores.fresh(clock);
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
