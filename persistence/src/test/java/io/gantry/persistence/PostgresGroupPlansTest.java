package io.gantry.persistence;

import io.gantry.persistence.GroupStore.Filter;
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
 * The plans PostgreSQL makes for {@link PostgresGroupStore}'s queries on tables of some thousands
 * of rows (20,000 groups, 100,000 edges and a group of 5,000, vacuumed and analyzed): each reads through the index its comment names,
 * and none scans a whole table. (A pattern that starts with a wildcard has no range to read: it
 * reads every group, Seq Scan and a top-N Sort, as the RocksDB store scans its whole name index.) Run with {@code -Dgantry.plans.print=true} to see the plans.
 */
class PostgresGroupPlansTest {

    private static final UUID GROUP = uuid(7);
    private static final UUID USER = uuid(100_007);
    private static PostgresStore store;

    private static UUID uuid(long n) {
        return new UUID(0x1000_0000_0000_4000L, 0x8000_0000_0000_0000L | n);
    }

    @BeforeAll
    static void seed() {
        store = PostgresStores.fresh(Clock.systemUTC());
        store.db().transaction(c -> {
            try (Statement s = c.createStatement()) {
                // ids as uuid(n) above: 10000000-0000-4000-8000-<n as 12 hex digits>
                s.execute("CREATE FUNCTION pg_temp.id(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS"
                        + " $$ SELECT ('10000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$");
                s.execute("INSERT INTO groups (id, creator_id, name, name_lower, description, lang_tag, metadata,"
                        + " avatar_url, open, edge_count, max_count, create_time_us, update_time_us)"
                        + " SELECT pg_temp.id(i), pg_temp.id(100000 + i), 'Group ' || i, 'group ' || i, '',"
                        + " (ARRAY['en','fr','de','es','pt','it','ja','ko','zh','ru'])[1 + i % 10], '{}', '', i % 2 = 0,"
                        + " i % 200, 1000, i, i FROM generate_series(1, 20000) i");
                // 2,000 groups of 50 users; 10,000 users in 10 groups each, in every state
                s.execute("INSERT INTO group_edges (group_id, user_id, state, position, update_time_us)"
                        + " SELECT pg_temp.id(g), pg_temp.id(100000 + (g * 7 + k * 1000) % 10000), (k % 5)::smallint,"
                        + " g * 100 + k, g * 100 + k FROM generate_series(1, 2000) g, generate_series(0, 49) k"
                        + " ON CONFLICT DO NOTHING");
                // one large group: 5,000 members more
                s.execute("INSERT INTO group_edges (group_id, user_id, state, position, update_time_us)"
                        + " SELECT pg_temp.id(1), pg_temp.id(200000 + k), 2, 1000000 + k, 1000000 + k"
                        + " FROM generate_series(1, 5000) k");
            }
            return null;
        });
        store.db().read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE groups");
                s.execute("VACUUM ANALYZE group_edges");
            }
            return null;
        });
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static Stream<Arguments> queries() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("create", PostgresGroupStore.CREATE, List.of(uuid(99_999), USER, "New", "", "en", "{}", "",
                true, 1, 100, 1L, 1L, "new", USER, 1L, 1L), List.of("groups", "group_edges")));
        out.add(Arguments.of("who has", PostgresGroupStore.WHO_HAS, List.of(GROUP, GROUP, "Group 7"),
                List.of("groups_pkey", "groups_name_key")));
        out.add(Arguments.of("get", PostgresGroupStore.GET, List.of(GROUP), List.of("groups_pkey")));
        out.add(Arguments.of("lock", PostgresGroupStore.LOCK, List.of(GROUP), List.of("LockRows", "groups_pkey")));
        out.add(Arguments.of("edge", PostgresGroupStore.EDGE, List.of(GROUP, USER), List.of("Index", "group_edges_")));
        out.add(Arguments.of("users in", PostgresGroupStore.USERS_IN, List.of(GROUP, (short) 2),
                List.of("group_edges_group_order")));
        out.add(Arguments.of("write", PostgresGroupStore.WRITE, List.of(GROUP, new UUID[]{USER}, new Integer[]{2},
                new Long[]{5L}, new Long[]{5L}, GROUP, new UUID[]{uuid(100_008)}, "Group 7", "group 7", "", "en", "{}",
                "", true, 3, 1000, 5L, GROUP, true), List.of("groups_pkey", "group_edges_pkey")));
        out.add(Arguments.of("delete group", PostgresGroupStore.DELETE_GROUP, List.of(GROUP, GROUP),
                List.of("groups_pkey", "group_edges_")));
        out.add(Arguments.of("list users", PostgresGroupStore.LIST_USERS_ALL, List.of(GROUP, (short) -1, Long.MIN_VALUE,
                new UUID(0, 0), 101), List.of("group_edges_group_order")));
        out.add(Arguments.of("list users in", PostgresGroupStore.LIST_USERS_IN, List.of(GROUP, (short) 2, 700L, USER, 101),
                List.of("group_edges_group_order")));
        out.add(Arguments.of("list users of a large group", PostgresGroupStore.LIST_USERS_ALL, List.of(uuid(1), (short) -1,
                Long.MIN_VALUE, new UUID(0, 0), 101), List.of("Index Only Scan using group_edges_group_order")));
        out.add(Arguments.of("list users of a large group, next page", PostgresGroupStore.LIST_USERS_IN, List.of(uuid(1),
                (short) 2, 1_002_000L, uuid(202_000), 101), List.of("Index Only Scan using group_edges_group_order")));
        out.add(Arguments.of("list user groups", PostgresGroupStore.LIST_GROUPS_ALL, List.of(USER, (short) -1,
                Long.MIN_VALUE, new UUID(0, 0), 101), List.of("group_edges_user_order")));
        out.add(Arguments.of("list user groups in", PostgresGroupStore.LIST_GROUPS_IN, List.of(USER, (short) 2, 0L,
                new UUID(0, 0), 101), List.of("group_edges_user_order")));
        out.add(Arguments.of("lock user groups", PostgresGroupStore.LOCK_USER_GROUPS, List.of(USER),
                List.of("LockRows", "group_edges_user_order", "groups_pkey")));
        out.add(Arguments.of("delete user", PostgresGroupStore.DELETE_USER, List.of(USER, USER, 5L),
                List.of("group_edges_user_order", "groups_pkey")));
        for (Object[] listing : new Object[][]{
            {"by name", PostgresGroupStore.byName(Filter.NONE, null, null, null), "groups_name_lower_id"},
            {"by name, next page", PostgresGroupStore.byName(Filter.NONE, null, "group 5", GROUP), "groups_name_lower_id"},
            {"by name, open", PostgresGroupStore.byName(new Filter(null, null, true, null), null, null, null),
                "groups_name_lower_id"},
            {"by pattern", PostgresGroupStore.byName(new Filter("group 12%", null, null, null), "group 12%", null, null),
                "groups_name_lower_id"},
            {"by pattern, next page", PostgresGroupStore.byName(new Filter("group 1%", null, true, null), "group 1%",
                "group 150", GROUP), "groups_name_lower_id"},
            {"by language", PostgresGroupStore.byCount(new Filter(null, "fr", null, null), null, null),
                "groups_lang_edge_count_id"},
            {"by language, next page", PostgresGroupStore.byCount(new Filter(null, "fr", null, null), 20, GROUP),
                "groups_lang_edge_count_id"},
            {"at most", PostgresGroupStore.byCount(new Filter(null, null, null, 50), null, null),
                "Index Scan Backward using groups_edge_count_id"},
            {"at most, next page", PostgresGroupStore.byCount(new Filter(null, null, false, 50), 40, GROUP),
                "Index Scan Backward using groups_edge_count_id"},
            {"at most, by language", PostgresGroupStore.byCount(new Filter(null, "de", null, 50), null, null),
                "Index Scan Backward using groups_lang_edge_count_id"},
        }) {
            PostgresGroupStore.Query q = (PostgresGroupStore.Query) listing[1];
            List<Object> args = new ArrayList<>(q.args());
            args.add(101);
            out.add(Arguments.of(listing[0], q.sql(), args, List.of((String) listing[2])));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void everyQueryReadsThroughAnIndex(String name, String sql, List<Object> args, List<String> expected) {
        String plan = store.db().read(c -> explain(c, sql, args));
        if (Boolean.getBoolean("gantry.plans.print")) {
            System.out.println("---- " + name + "\n" + plan);
        }
        for (String shape : expected) {
            assertTrue(plan.contains(shape), name + ": expected " + shape + " in\n" + plan);
        }
        assertFalse(plan.contains("Seq Scan on groups") || plan.contains("Seq Scan on group_edges"),
                name + ": a whole table read\n" + plan);
    }

    private static String explain(Connection c, String sql, List<Object> args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN (COSTS OFF) " + sql)) {
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                if (arg instanceof Object[] array) {
                    String type = array instanceof UUID[] ? "uuid" : array instanceof Integer[] ? "int4" : "int8";
                    s.setArray(i + 1, c.createArrayOf(type, array));
                } else {
                    s.setObject(i + 1, arg);
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
