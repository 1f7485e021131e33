package io.gantry.persistence;

import io.gantry.proto.storage.StoredLeaderboardRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@link LeaderboardStoreContract} against RocksDB, plus what is left on disk after deletions. */
class RocksLeaderboardStoreContractTest extends LeaderboardStoreContract {

    private static final List<StoreColumnFamily> FAMILIES = List.of(StoreColumnFamily.LEADERBOARDS,
            StoreColumnFamily.LEADERBOARD_RECORDS, StoreColumnFamily.LEADERBOARD_OWNER_RECORDS);

    @TempDir
    Path dataDir;
    private RocksStore store;

    /** Whether the store syncs its writes (the production default); a subclass runs the suite with it on. */
    protected boolean syncWrites() {
        return false;
    }

    @Override
    protected LeaderboardStore open() {
        store = RocksStore.open(dataDir, new StoreOptions(syncWrites(), 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)), clock);
        return store.leaderboards();
    }

    @Override
    protected LeaderboardStore reopen() {
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
    void deletingAnAccountThroughTheStoreDeletesItsRecordsInTheSameWrite() {
        String owner = store.accounts().createWithDevice("device-lb-owner-01", null).account().getId();
        String other = store.accounts().createWithDevice("device-lb-other-01", null).account().getId();
        boards.create(board("lb"));
        boards.create(board("lb2"));
        put("lb", 0, rec(owner, 1, 0));
        put("lb", 100, rec(owner, 2, 0));
        put("lb2", 0, rec(owner, 3, 0));
        put("lb", 0, rec(other, 4, 0));

        assertTrue(store.deleteUser(owner));

        assertEquals(List.of(2, 1, 1), FAMILIES.stream().map(this::entries).toList(),
                "the boards stay; only the other owner's record and its index entry are left");
        assertTrue(boards.record("lb", 0, owner).isEmpty());
        assertEquals(4, boards.record("lb", 0, other).orElseThrow().getScore());
        assertEquals(List.of(), boards.deleteAllOf(owner), "nothing left of the owner");
    }

    @Test
    void aDeletedBoardLeavesNoKeyBehind() {
        boards.create(board("lb"));
        put("lb", 0, rec(A, 1, 0));
        put("lb", 100, rec(A, 2, 0));
        put("lb", 100, rec(B, 3, 0));
        assertEquals(List.of(1, 3, 3), FAMILIES.stream().map(this::entries).toList());

        boards.delete("lb");

        assertEquals(List.of(0, 0, 0), FAMILIES.stream().map(this::entries).toList());
    }

    @Test
    void aBoardLargerThanOneDeletionBatchIsDeletedWhole() {
        assumeFalse(syncWrites(), "25,000 synced writes are the unsynced suite's job");
        boards.create(board("big"));
        boards.create(board("small"));
        int n = 25_000;
        for (int i = 0; i < n; i++) {
            String owner = String.format("50000000-0000-4000-8000-%012d", i);
            boards.change("big", i % 3, owner, v -> {
                v.put(rec(owner, 1, 0));
                return null;
            });
        }
        put("small", 0, rec(A, 1, 0));
        assertEquals(n + 1, entries(StoreColumnFamily.LEADERBOARD_OWNER_RECORDS));

        boards.delete("big");

        assertEquals(1, entries(StoreColumnFamily.LEADERBOARD_RECORDS));
        assertEquals(1, entries(StoreColumnFamily.LEADERBOARD_OWNER_RECORDS));
        assertTrue(boards.periods("big").isEmpty());
        assertEquals(List.of(A + ":1/0"), visited("small", 0));
    }

    @Test
    void anOwnerEntryWhoseRecordIsGoneIsSkippedAndRemoved() throws Exception {
        boards.create(board("lb"));
        put("lb", 100, rec(A, 1, 0));
        // what a crash between a board's deletion and its owner entries' deletion leaves
        byte[] id = "gone".getBytes(StandardCharsets.UTF_8);
        byte[] orphan = ByteBuffer.allocate(16 + 2 + id.length + 8).put(RocksKeys.uuidBytes(A))
                .putShort((short) id.length).put(id).putLong(5).array();
        store.db().put(store.handle(StoreColumnFamily.LEADERBOARD_OWNER_RECORDS), orphan, new byte[0]);
        assertEquals(2, entries(StoreColumnFamily.LEADERBOARD_OWNER_RECORDS));

        List<StoredLeaderboardRecord> deleted = boards.deleteAllOf(A);

        assertEquals("0a@100=1", owners(deleted));
        assertEquals(0, entries(StoreColumnFamily.LEADERBOARD_OWNER_RECORDS));
        assertEquals(0, entries(StoreColumnFamily.LEADERBOARD_RECORDS));
    }
}
