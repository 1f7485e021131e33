package io.gantry.persistence;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link HistoryStoreContract} against RocksDB and its {@link GroupCommitWriter}. */
class RocksHistoryStoreContractTest extends HistoryStoreContract {

    @TempDir
    Path dataDir;
    private RocksStore store;

    @Override
    protected HistoryStore openHistory() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
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
