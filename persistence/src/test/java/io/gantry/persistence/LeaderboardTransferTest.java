package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leaderboards move between the stores: filled through the public API on one, exported, imported
 * into an empty other, exported again, the same boards and records (sizes, times, usernames set
 * or not); and each store answers the imported records through every index it keeps.
 */
class LeaderboardTransferTest {

    static final String A = "00000000-0000-4000-8000-00000000000a";
    static final String B = "00000000-0000-4000-8000-00000000000b";
    static final String C = "00000000-0000-4000-8000-00000000000c";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07.891011Z"));

    @TempDir
    Path dataDir;

    private RocksStore rocks() {
        return RocksStore.open(dataDir, new StoreOptions(false, 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)), clock);
    }

    /** Boards of every shape and records in several periods, written as a server writes them. */
    private static void fill(LeaderboardStore boards) {
        boards.create(StoredLeaderboard.newBuilder().setId("weekly").setSortOrder(1).setOperator(2)
                .setResetSchedule("0 0 * * 1").setMetadata("{\"a\": [1, 2.50]}").build());
        boards.create(StoredLeaderboard.newBuilder().setId("cup-é").setAuthoritative(true).setSortOrder(0)
                .setOperator(1).setMetadata("{}").setCategory(7).setTitle("Cup").setDescription("the cup")
                .setDuration(3600).setStartTime(1_700_000_000L).setEndTime(1_800_000_000L).setMaxSize(10)
                .setMaxNumScore(3).setJoinRequired(true).setCreateTime(1234).build());
        boards.create(StoredLeaderboard.newBuilder().setId("a-longer-board-id").setMetadata("{}").build());
        write(boards, "weekly", 0, StoredLeaderboardRecord.newBuilder().setOwnerId(A).setUsername("alice")
                .setScore(10).setSubscore(2).setNumScore(3).setMaxNumScore(1_000_000).setMetadata("{\"x\":1}")
                .setCreateTimeUs(1_000_001).setUpdateTimeUs(2_000_002).build());
        write(boards, "weekly", 0, StoredLeaderboardRecord.newBuilder().setOwnerId(B).setScore(-5)
                .setSubscore(Long.MIN_VALUE).setNumScore(1).setMetadata("{}").build());
        write(boards, "weekly", 1_700_000_000L, StoredLeaderboardRecord.newBuilder().setOwnerId(A).setUsername("")
                .setScore(Long.MAX_VALUE).setMetadata("{}").build());
        write(boards, "cup-é", Long.MAX_VALUE, StoredLeaderboardRecord.newBuilder().setOwnerId(C).setUsername("carol")
                .setScore(1).setNumScore(1).setMaxNumScore(3).setMetadata("{\"m\":\"" + "z".repeat(5000) + "\"}")
                .build());
        write(boards, "a-longer-board-id", 5, StoredLeaderboardRecord.newBuilder().setOwnerId(B).setMetadata("{}").build());
    }

    private static void write(LeaderboardStore boards, String board, long expiry, StoredLeaderboardRecord record) {
        boards.change(board, expiry, record.getOwnerId(), v -> {
            if (v.record() == null) {
                v.growSize(0);
            }
            v.put(record);
            return null;
        });
    }

    private static List<DumpRecord> export(StoreTransfer transfer) {
        List<DumpRecord> out = new ArrayList<>();
        transfer.exportTo(out::add);
        return out;
    }

    /**
     * The boards in the order exported (both stores: id byte order) and the records sorted by key
     * (each store exports them in its own key order), after checking that boards come first.
     */
    private static List<DumpRecord> canonical(List<DumpRecord> dump) {
        int boards = (int) dump.stream().filter(DumpRecord::hasLeaderboard).count();
        assertTrue(dump.subList(0, boards).stream().allMatch(DumpRecord::hasLeaderboard), "boards first");
        List<DumpRecord> out = new ArrayList<>(dump.subList(0, boards));
        List<DumpRecord> records = new ArrayList<>(dump.subList(boards, dump.size()));
        assertTrue(records.stream().allMatch(DumpRecord::hasLeaderboardRecord));
        records.sort(Comparator.<DumpRecord, String>comparing(d -> d.getLeaderboardRecord().getLeaderboardId())
                .thenComparingLong(d -> d.getLeaderboardRecord().getExpiryTime())
                .thenComparing(d -> d.getLeaderboardRecord().getOwnerId()));
        out.addAll(records);
        return out;
    }

    /** What each store must answer about the filled data, through its every index. */
    private static void assertReadable(LeaderboardStore boards) {
        assertEquals(List.of("a-longer-board-id", "cup-é", "weekly"),
                boards.boards().stream().map(StoredLeaderboard::getId).toList());
        assertEquals(3, boards.board("weekly").orElseThrow().getSize(), "one place per first record, in any period");
        assertEquals(List.of(0L, 1_700_000_000L), boards.periods("weekly"));
        assertEquals("alice", boards.record("weekly", 0, A).orElseThrow().getUsername());
        assertFalse(boards.record("weekly", 0, B).orElseThrow().hasUsername());
        assertTrue(boards.record("weekly", 1_700_000_000L, A).orElseThrow().hasUsername());
        List<String> visited = new ArrayList<>();
        boards.forEachRecord("weekly", 0, (owner, score, subscore) -> visited.add(owner + ":" + score + "/" + subscore));
        visited.sort(null);
        assertEquals(List.of(A + ":10/2", B + ":-5/" + Long.MIN_VALUE), visited);
        // the owner index: B's two records, in two boards
        assertEquals(2, boards.deleteAllOf(B).size());
        assertTrue(boards.record("a-longer-board-id", 5, B).isEmpty());
        assertEquals(List.of(A + ":10/2"), visitedSorted(boards, "weekly", 0));
    }

    private static List<String> visitedSorted(LeaderboardStore boards, String board, long expiry) {
        List<String> out = new ArrayList<>();
        boards.forEachRecord(board, expiry, (owner, score, subscore) -> out.add(owner + ":" + score + "/" + subscore));
        out.sort(null);
        return out;
    }

    @Test
    void rocksToPostgresAndBackGivesTheSameRecords() {
        List<DumpRecord> fromRocks;
        try (RocksStore rocks = rocks()) {
            fill(rocks.leaderboards());
            fromRocks = export((StoreTransfer) rocks.leaderboards());
        }
        assertEquals(8, fromRocks.size());

        try (PostgresStore pg = PostgresStores.fresh(clock)) {
            StoreTransfer transfer = (StoreTransfer) pg.leaderboards();
            transfer.importRecords(fromRocks);
            assertEquals(canonical(fromRocks), canonical(export(transfer)));
            assertReadable(pg.leaderboards());
        }
    }

    @Test
    void postgresToRocksGivesTheSameRecords() {
        List<DumpRecord> fromPostgres;
        try (PostgresStore pg = PostgresStores.fresh(clock)) {
            fill(pg.leaderboards());
            fromPostgres = export((StoreTransfer) pg.leaderboards());
        }
        assertEquals(8, fromPostgres.size());

        try (RocksStore rocks = rocks()) {
            StoreTransfer transfer = (StoreTransfer) rocks.leaderboards();
            transfer.importRecords(fromPostgres);
            assertEquals(canonical(fromPostgres), canonical(export(transfer)));
            assertReadable(rocks.leaderboards());
        }
    }

    @Test
    void anImportWithARecordOfAnotherKindOrABadKeyImportsNothing() {
        DumpRecord board = DumpRecord.newBuilder().setLeaderboard(StoredLeaderboard.newBuilder().setId("lb")
                .setMetadata("{}")).build();
        List<List<DumpRecord>> bad = List.of(
                List.of(board, DumpRecord.newBuilder().setRevocation(
                        io.gantry.proto.storage.StoredRevocation.newBuilder().setTokenId("t")).build()),
                List.of(board, DumpRecord.newBuilder().setLeaderboardRecord(StoredLeaderboardRecord.newBuilder()
                        .setLeaderboardId("lb").setOwnerId("not-a-uuid").setMetadata("{}")).build()));
        try (RocksStore rocks = rocks(); PostgresStore pg = PostgresStores.fresh(clock)) {
            for (StoreTransfer transfer : List.of((StoreTransfer) rocks.leaderboards(), (StoreTransfer) pg.leaderboards())) {
                assertTrue(transfer.accepts(board));
                assertFalse(transfer.accepts(bad.get(0).get(1)));
                for (List<DumpRecord> dump : bad) {
                    assertThrows(IllegalArgumentException.class, () -> transfer.importRecords(dump));
                    assertEquals(List.of(), export(transfer));
                }
            }
        }
    }
}
