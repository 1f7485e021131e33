package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plans of {@link PostgresLeaderboardStore}'s statements on a database with thousands of
 * records (analyzed): each reaches its rows through the index its comment names, and none reads
 * the whole records table. A dropped or reordered index, or a query that stops using it, fails here.
 */
class PostgresLeaderboardPlanTest {

    private static final int BOARDS = 40;
    private static final int PERIODS = 3;
    private static final int OWNERS = 200;
    private static final UUID OWNER = owner(7);

    private static PostgresStore store;

    private static UUID owner(int i) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", i));
    }

    @BeforeAll
    static void fill() {
        store = PostgresStores.fresh(Clock.systemUTC());
        List<DumpRecord> dump = new ArrayList<>();
        for (int b = 0; b < BOARDS; b++) {
            dump.add(DumpRecord.newBuilder().setLeaderboard(StoredLeaderboard.newBuilder().setId("board-" + b)
                    .setMetadata("{}").setSize(OWNERS)).build());
        }
        for (int b = 0; b < BOARDS; b++) {
            for (int p = 0; p < PERIODS; p++) {
                for (int o = 0; o < OWNERS; o++) {
                    dump.add(DumpRecord.newBuilder().setLeaderboardRecord(StoredLeaderboardRecord.newBuilder()
                            .setLeaderboardId("board-" + b).setExpiryTime(1000L * p).setOwnerId(owner(o).toString())
                            .setScore(o).setMetadata("{}")).build());
                }
            }
        }
        ((StoreTransfer) store.leaderboards()).importRecords(dump);
        store.db().read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE leaderboards");
                s.execute("ANALYZE leaderboard_records");
            }
            return null;
        });
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static Stream<Arguments> statements() {
        String board = "board-13";
        long expiry = 1000;
        UUID[] owners = {owner(1), owner(2), owner(3)};
        String pkey = "leaderboard_records_pkey";
        return Stream.of(
                Arguments.of("change's read", PostgresLeaderboardStore.SELECT_FOR_CHANGE,
                        new Object[]{expiry, OWNER, board}, List.of("LockRows", pkey)),
                Arguments.of("optimistic change's read", PostgresLeaderboardStore.SELECT_FOR_OPTIMISTIC_CHANGE,
                        new Object[]{expiry, OWNER, board}, List.of("Index Scan using " + pkey)),
                Arguments.of("optimistic update", PostgresLeaderboardStore.UPDATE_RECORD
                        + PostgresLeaderboardStore.IF_VERSION,
                        new Object[]{"u", 1L, 1L, 1, 1, "{}", 1L, 1L, board, expiry, OWNER, "1234"},
                        List.of("Index Scan using " + pkey)),
                Arguments.of("optimistic delete", PostgresLeaderboardStore.DELETE_RECORD
                        + PostgresLeaderboardStore.IF_VERSION,
                        new Object[]{board, expiry, OWNER, "1234"}, List.of("Index Scan using " + pkey)),
                Arguments.of("record", PostgresLeaderboardStore.SELECT_RECORD,
                        new Object[]{board, expiry, OWNER}, List.of("Index Scan using " + pkey)),
                Arguments.of("records", PostgresLeaderboardStore.SELECT_RECORDS,
                        new Object[]{board, expiry, owners}, List.of("Index Scan on " + pkey)),
                Arguments.of("update", PostgresLeaderboardStore.UPDATE_RECORD,
                        new Object[]{"u", 1L, 1L, 1, 1, "{}", 1L, 1L, board, expiry, OWNER},
                        List.of("Index Scan using " + pkey)),
                Arguments.of("delete", PostgresLeaderboardStore.DELETE_RECORD,
                        new Object[]{board, expiry, OWNER}, List.of("Index Scan using " + pkey)),
                Arguments.of("start-up scan", PostgresLeaderboardStore.SCAN_PERIOD,
                        new Object[]{board, expiry}, List.of(pkey)),
                Arguments.of("periods", PostgresLeaderboardStore.SELECT_PERIODS,
                        new Object[]{board, board}, List.of("Recursive Union", "Index Only Scan using " + pkey)),
                Arguments.of("owner's records", PostgresLeaderboardStore.DELETE_OWNER_RETURNING,
                        new Object[]{OWNER}, List.of("Bitmap Index Scan on leaderboard_records_owner")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statements")
    void theStatementReadsThroughItsIndex(String name, String sql, Object[] parameters, List<String> expected) {
        String plan = store.db().read(c -> explain(c, sql, parameters));
        for (String part : expected) {
            assertTrue(plan.contains(part), name + ": no " + part + " in\n" + plan);
        }
        assertFalse(plan.contains("Seq Scan on leaderboard_records"), name + ": reads every record\n" + plan);
        assertFalse(plan.contains("Sort"), name + ": sorts\n" + plan);
    }

    private static String explain(Connection c, String sql, Object[] parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN (COSTS OFF) " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof UUID[] uuids) {
                    s.setArray(i + 1, c.createArrayOf("uuid", uuids));
                } else {
                    s.setObject(i + 1, parameters[i]);
                }
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    plan.append(r.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
