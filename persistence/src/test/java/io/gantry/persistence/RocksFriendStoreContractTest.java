package io.gantry.persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link FriendStoreContract} against RocksDB, plus what an account deletion deletes. */
class RocksFriendStoreContractTest extends FriendStoreContract {

    @TempDir
    Path dataDir;
    private RocksStore store;

    /** Whether the store syncs its writes (the production default); a subclass runs the suite with it on. */
    protected boolean syncWrites() {
        return false;
    }

    @Override
    protected FriendStore open() {
        store = RocksStore.open(dataDir, new StoreOptions(syncWrites(), 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)), clock);
        return store.friends();
    }

    @Override
    protected FriendStore reopen() {
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
    void deleteAllOfRemovesEveryEdgeToAndFromTheUserAndNoOtherEdge() throws Exception {
        friends.add(A, B);
        friends.add(B, A);      // a, b friends
        friends.block(C, A);    // c blocks a: only c → a
        friends.add(A, D);      // a invited d
        friends.add(B, C);      // b invited c: not a's
        assertEquals(7, entries(StoreColumnFamily.FRIEND_EDGES));
        RocksUserOwned owned = store.userOwned().stream().filter(RocksFriendStore.class::isInstance).findFirst().orElseThrow();
        owned.writeLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            owned.deleteAllOf(A, batch);
            store.db().write(store.writeOptions(), batch);
        } finally {
            owned.writeLock().unlock();
        }
        for (StoreColumnFamily cf : List.of(StoreColumnFamily.FRIEND_EDGES, StoreColumnFamily.FRIEND_ORDER,
                StoreColumnFamily.FRIEND_INCOMING)) {
            assertEquals(2, entries(cf), cf.name());
        }
        assertEquals(List.of("0c:1"), states(B));
        assertEquals(List.of(), states(D));
        assertEquals(List.of("0b:2"), states(C));
    }
}
