package io.gantry.persistence;

import java.time.Clock;

/** {@link HistoryStoreContract} against PostgreSQL and its {@link PostgresCommitWriter}. */
class PostgresHistoryStoreContractTest extends HistoryStoreContract {

    private PostgresStore store;

    @Override
    protected HistoryStore openHistory() {
        store = PostgresStores.fresh(Clock.systemUTC());
        return store.history();
    }

    @Override
    protected HistoryWriter writer() {
        return store.writer();
    }

    @Override
    protected void close() {
        store.close();
    }
}
