package io.gantry.persistence;

/** {@link LeaderboardStoreContract} against PostgreSQL: each test on an empty database of its own, reopened on the same one. */
class PostgresLeaderboardStoreContractTest extends LeaderboardStoreContract {

    private String url;
    private PostgresStore store;

    @Override
    protected LeaderboardStore open() {
        url = PostgresTestServer.shared().freshDatabase();
        return connect();
    }

    private LeaderboardStore connect() {
        store = PostgresStore.open(new PostgresSettings(url, "postgres", "", 8, 5_000), new StoreOptions(false, 4), clock);
        return store.leaderboards();
    }

    @Override
    protected LeaderboardStore reopen() {
        store.close();
        return connect();
    }

    @Override
    protected void close() {
        store.close();
    }
}
