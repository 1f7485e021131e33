package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredChannelMessage;
import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plans of the history and notification queries on a database with thousands of rows (20,000
 * messages in 20 channels, 2,000 dedup entries, 20,000 notifications of 200 users): each query uses
 * the index the comment above it names, never a sequential scan of the table. Run with
 * {@code -Dgantry.printPlans=true} to print them.
 */
class HistoryQueryPlansTest {

    private static final String CHANNEL = "2...room-7";
    private static final String USER = new UUID(0x1234, 77).toString();
    private static PostgresStore store;

    @BeforeAll
    static void fill() throws SQLException {
        store = PostgresStores.fresh(Clock.systemUTC());
        List<DumpRecord> messages = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            messages.add(DumpRecord.newBuilder().setChannelMessage(StoredChannelMessage.newBuilder()
                    .setChannelId("2...room-" + (i % 20)).setMessageId(UUID.randomUUID().toString())
                    .setSenderId(new UUID(0x1234, i % 200).toString()).setContent("{\"i\":" + i + "}")
                    .setCreateTimeUs(1_767_323_045_000_000L + i).build()).build());
        }
        ((StoreTransfer) store.history()).importRecords(messages);
        List<DumpRecord> notifications = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            notifications.add(DumpRecord.newBuilder().setNotification(StoredNotification.newBuilder()
                    .setId(UUID.randomUUID().toString()).setUserId(new UUID(0x1234, i % 200).toString())
                    .setSubject("s").setContent("{}").setCode(1).setCreateTimeUs(1_767_323_045_000_000L + i).build()).build());
        }
        ((StoreTransfer) store.notifications()).importRecords(notifications);
        store.db().read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO channel_dedup SELECT 'sender-' || g, 'c-' || g, gen_random_uuid(), g, 1767323045000 + g"
                        + " FROM generate_series(1, 2000) g");
                s.execute("ANALYZE");
            }
            return null;
        });
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void historyPagesAreKeysetScansOfThePositionIndexEitherWay() throws SQLException {
        Object[] first = {CHANNEL, 101};
        Object[] after = {CHANNEL, 1_767_323_045_005_000L, UUID.randomUUID(), CHANNEL, 1_767_323_045_005_000L,
                UUID.randomUUID(), 101};
        assertPlan(PostgresHistoryStore.FIRST_UP, first, "Index Scan using channel_messages_position");
        assertPlan(PostgresHistoryStore.FIRST_DOWN, first, "Index Scan Backward using channel_messages_position");
        assertPlan(PostgresHistoryStore.AFTER_UP, after, "Index Scan using channel_messages_position",
                "Index Only Scan Backward using channel_messages_position", "create_time_us, message_id) > ROW(");
        assertPlan(PostgresHistoryStore.AFTER_DOWN, after, "Index Scan Backward using channel_messages_position",
                "Index Only Scan using channel_messages_position", "create_time_us, message_id) < ROW(");
        assertPlan(PostgresHistoryStore.BY_ID, new Object[]{UUID.randomUUID()}, "Index Scan using channel_messages_pkey");
    }

    @Test
    void dedupLookupsUseTheirKeys() throws SQLException {
        assertPlan(PostgresHistoryStore.DEDUP, new Object[]{"sender-5", "c-5"}, "Index Scan using channel_dedup_pkey");
        assertPlan(PostgresHistoryStore.LIVE_DEDUP, new Object[]{1_767_323_045_000L + 1_990}, "channel_dedup_expiry");
        assertPlan(PostgresCommitWriter.FIND_DEDUP, new Object[]{new String[]{"sender-5", "sender-6"},
                new String[]{"c-5", "c-6"}}, "Index Scan using channel_dedup_pkey");
        assertPlan(PostgresCommitWriter.PURGE_DEDUP, new Object[]{1_767_323_045_000L + 10}, "channel_dedup_expiry", "Tid");
    }

    @Test
    void theWritersRowLookupsUseThePrimaryKey() throws SQLException {
        String[] ids = {UUID.randomUUID().toString(), UUID.randomUUID().toString()};
        assertPlan(PostgresCommitWriter.LOCK_MESSAGES, new Object[]{ids}, "LockRows", "Index Scan on channel_messages_pkey");
        assertPlan(PostgresCommitWriter.DELETE_MESSAGES, new Object[]{ids}, "channel_messages_pkey");
    }

    @Test
    void notificationPagesAndDeletesUseTheUsersKeys() throws SQLException {
        // 100 rows a user: an ordered scan of the key or a bitmap scan of (user, id) and a sort are both fine
        assertPlan(PostgresNotificationStore.FIRST, new Object[]{UUID.fromString(USER), 101}, "Index Cond: (user_id = ");
        assertPlan(PostgresNotificationStore.AFTER, new Object[]{UUID.fromString(USER), 1_767_323_045_005_000L,
                UUID.randomUUID(), 101}, "Index Scan", "on notifications_pkey", "create_time_us, id) > ROW(");
        assertPlan(PostgresNotificationStore.DELETE, new Object[]{UUID.fromString(USER),
                new String[]{UUID.randomUUID().toString()}}, "notifications_user_id");
    }

    private static void assertPlan(String sql, Object[] params, String... expected) throws SQLException {
        String plan = store.db().read(c -> explain(c, sql, params));
        if (Boolean.getBoolean("gantry.printPlans")) {
            System.out.println(sql + "\n" + plan);
        }
        for (String e : expected) {
            assertTrue(plan.contains(e), "expected '" + e + "' in the plan of " + sql + ":\n" + plan);
        }
        assertTrue(!plan.contains("Seq Scan"), "a sequential scan in the plan of " + sql + ":\n" + plan);
    }

    private static String explain(Connection c, String sql, Object[] params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p instanceof String[] array) {
                    s.setArray(i + 1, c.createArrayOf("text", array));
                } else {
                    s.setObject(i + 1, p);
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
