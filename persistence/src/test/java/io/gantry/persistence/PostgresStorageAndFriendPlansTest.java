package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredFriendEdge;
import io.gantry.proto.storage.StoredStorageObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
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

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plans PostgreSQL chooses for the storage and friend queries on tables of some thousands of
 * rows (analyzed): each uses the index it was made for, never a sequential scan of the table.
 * The comments above the queries in {@link PostgresStorageStore} and {@link PostgresFriendStore}
 * write down these shapes.
 */
class PostgresStorageAndFriendPlansTest {

    private static final int USERS = 200;
    /** A user with many objects in one collection: the listing walks the index in order instead of sorting. */
    private static final int BIG_USER = USERS;
    private static final int BIG_USERS_OBJECTS = 3000;
    private static PostgresStore store;

    @BeforeAll
    static void fill() {
        store = PostgresStores.fresh(Clock.systemUTC());
        List<DumpRecord> objects = new ArrayList<>();
        List<DumpRecord> edges = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            for (int c = 0; c < 4; c++) {
                for (int k = 0; k < 10; k++) {
                    objects.add(DumpRecord.newBuilder().setStorageObject(StoredStorageObject.newBuilder()
                            .setUserId(user(u)).setCollection("col" + c).setKey("key" + k).setValue("{}")
                            .setVersion("99914b932bd37a50b983c5e7c90ae93b").setPermissionRead((u + k) % 3)
                            .setPermissionWrite(1).setCreateTimeUs(k).setUpdateTimeUs(k)).build());
                }
            }
            for (int o = 1; o <= 10; o++) {
                edges.add(DumpRecord.newBuilder().setFriendEdge(StoredFriendEdge.newBuilder().setUserId(user(u))
                        .setOtherId(user((u + o) % USERS)).setState(o % 4).setPosition(u * 100L + o)
                        .setUpdateTimeUs(o)).build());
            }
        }
        for (int k = 0; k < BIG_USERS_OBJECTS; k++) {
            objects.add(DumpRecord.newBuilder().setStorageObject(StoredStorageObject.newBuilder()
                    .setUserId(user(BIG_USER)).setCollection("col1").setKey("many" + k).setValue("{}")
                    .setVersion("99914b932bd37a50b983c5e7c90ae93b").setPermissionRead(k % 3)
                    .setPermissionWrite(1).setCreateTimeUs(k).setUpdateTimeUs(k)).build());
        }
        ((StoreTransfer) store.storage()).importRecords(objects);
        ((StoreTransfer) store.friends()).importRecords(edges);
        store.db().read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE storage_objects");
                s.execute("ANALYZE friend_edges");
            }
            return null;
        });
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static String user(int i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    private static UUID uuid(int i) {
        return UUID.fromString(user(i));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Binds a query's parameters on the connection. */
    @FunctionalInterface
    interface Binder {
        void bind(Connection c, PreparedStatement s) throws SQLException;
    }

    static Stream<Arguments> queries() {
        Binder keys = (c, s) -> {
            s.setArray(1, c.createArrayOf("uuid", new UUID[]{uuid(1), uuid(2)}));
            s.setArray(2, c.createArrayOf("bytea", new byte[][]{utf8("col1"), utf8("col2")}));
            s.setArray(3, c.createArrayOf("bytea", new byte[][]{utf8("key1"), utf8("key2")}));
        };
        return Stream.of(
                Arguments.of("storage read", PostgresStorageStore.READ, keys, "storage_objects_pkey"),
                Arguments.of("storage lock", PostgresStorageStore.LOCK, keys, "storage_objects_pkey"),
                Arguments.of("storage delete", PostgresStorageStore.DELETE, keys, "storage_objects_pkey"),
                Arguments.of("storage update", PostgresStorageStore.UPDATE, (Binder) (c, s) -> {
                    keys.bind(c, s);
                    s.setArray(4, c.createArrayOf("text", new String[]{"{}", "{}"}));
                    s.setArray(5, c.createArrayOf("text", new String[]{"v", "v"}));
                    s.setArray(6, c.createArrayOf("int4", new Integer[]{1, 1}));
                    s.setArray(7, c.createArrayOf("int4", new Integer[]{1, 1}));
                    s.setArray(8, c.createArrayOf("int8", new Long[]{1L, 1L}));
                }, "storage_objects_pkey"),
                Arguments.of("storage list by user", PostgresStorageStore.LIST_BY_USER, (Binder) (c, s) -> {
                    s.setBytes(1, utf8("col1"));
                    s.setObject(2, uuid(BIG_USER));
                    s.setInt(3, 1);
                    s.setInt(4, 1);
                    s.setBytes(5, utf8("many3"));
                    s.setInt(6, 101);
                }, "storage_objects_by_user"),
                Arguments.of("storage list by collection", PostgresStorageStore.LIST_BY_COLLECTION, (Binder) (c, s) -> {
                    s.setBytes(1, utf8("col1"));
                    s.setInt(2, 2);
                    s.setInt(3, 2);
                    s.setBytes(4, utf8("key3"));
                    s.setObject(5, uuid(7));
                    s.setInt(6, 101);
                }, "Index Scan using storage_objects_by_collection"),
                Arguments.of("storage update of a version", PostgresStorageStore.UPDATE_VERSION, (Binder) (c, s) -> {
                    s.setString(1, "{}");
                    s.setString(2, "v2");
                    s.setInt(3, 1);
                    s.setInt(4, 1);
                    s.setLong(5, 5);
                    s.setObject(6, uuid(3));
                    s.setBytes(7, utf8("col1"));
                    s.setBytes(8, utf8("key1"));
                    s.setString(9, "v1");
                    s.setBoolean(10, false);
                    s.setString(11, "v2");
                    s.setInt(12, 1);
                    s.setInt(13, 1);
                }, "Index Scan using storage_objects_pkey"),
                Arguments.of("storage delete of one", PostgresStorageStore.DELETE_ONE, (Binder) (c, s) -> {
                    s.setObject(1, uuid(3));
                    s.setBytes(2, utf8("col1"));
                    s.setBytes(3, utf8("key1"));
                    s.setBoolean(4, false);
                    s.setString(5, "");
                    s.setString(6, "");
                }, "Index Scan using storage_objects_pkey"),
                Arguments.of("storage delete of a user", PostgresStorageStore.DELETE_OF_USER,
                        (Binder) (c, s) -> s.setObject(1, uuid(9)), "storage_objects_pkey"),
                Arguments.of("friend lock pair", PostgresFriendStore.LOCK_PAIR, (Binder) (c, s) -> {
                    s.setObject(1, uuid(1));
                    s.setObject(2, uuid(2));
                    s.setObject(3, uuid(2));
                    s.setObject(4, uuid(1));
                }, "friend_edges_pkey"),
                Arguments.of("friend list", PostgresFriendStore.LIST_ALL, (Binder) (c, s) -> {
                    s.setObject(1, uuid(5));
                    s.setInt(2, -1);
                    s.setLong(3, Long.MIN_VALUE);
                    s.setObject(4, new UUID(0, 0));
                    s.setInt(5, 101);
                }, "Index Scan using friend_edges_list"),
                Arguments.of("friend list of a state", PostgresFriendStore.LIST_STATE, (Binder) (c, s) -> {
                    s.setObject(1, uuid(5));
                    s.setInt(2, 1);
                    s.setLong(3, Long.MIN_VALUE);
                    s.setObject(4, new UUID(0, 0));
                    s.setInt(5, 101);
                }, "Index Scan using friend_edges_list"),
                Arguments.of("friend state", PostgresFriendStore.STATE, (Binder) (c, s) -> {
                    s.setObject(1, uuid(5));
                    s.setObject(2, uuid(6));
                }, "friend_edges_pkey"),
                Arguments.of("friend count", PostgresFriendStore.COUNT,
                        (Binder) (c, s) -> s.setObject(1, uuid(5)), "Index Only Scan using friend_edges_"),
                Arguments.of("friend delete of a user", PostgresFriendStore.DELETE_OF_USER, (Binder) (c, s) -> {
                    s.setObject(1, uuid(5));
                    s.setObject(2, uuid(5));
                }, "friend_edges_incoming"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void eachQueryUsesItsIndex(String name, String sql, Binder binder, String index) {
        String plan = store.db().read(c -> {
            try (PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
                binder.bind(c, s);
                StringBuilder out = new StringBuilder();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.append(r.getString(1)).append('\n');
                    }
                }
                return out.toString();
            }
        });
        System.out.println(name + ":\n" + plan);
        assertTrue(plan.contains(index), name + " uses " + index + ":\n" + plan);
        assertTrue(!plan.contains("Seq Scan on storage_objects") && !plan.contains("Seq Scan on friend_edges"),
                name + " scans no whole table:\n" + plan);
    }
}
