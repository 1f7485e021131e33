package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredWalletLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The account store's queries use the indexes their comments in {@link PostgresAccountStore} name,
 * on a database of 20,000 accounts (40,000 devices) and 5,000 ledger entries and ledger entries (analysed, as autovacuum would):
 * each query's {@code EXPLAIN} with real parameters, checked for the index and for no sequential scan.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresAccountQueryPlanTest {

    private static final int ACCOUNTS = 20_000;
    private static final int LEDGER_USERS = 100;
    private static final int ENTRIES_PER_USER = 50;

    private PostgresStore store;
    private final List<UUID> ids = new ArrayList<>();

    @BeforeAll
    void fill() {
        store = PostgresStores.fresh(Clock.systemUTC());
        List<DumpRecord> records = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            records.add(DumpRecord.newBuilder().setAccount(StoredAccount.newBuilder().setId(id.toString())
                    .setUsername("user-" + i).setCustomId("custom-" + i).setEmail("user" + i + "@example.com")
                    .addDeviceIds("device-" + i).addDeviceIds("device-b-" + i)
                    .setCreateTimeMs(i).setUpdateTimeMs(i)).build());
        }
        for (int u = 0; u < LEDGER_USERS; u++) {
            for (int e = 0; e < ENTRIES_PER_USER; e++) {
                records.add(DumpRecord.newBuilder().setWalletEntry(StoredWalletLedger.newBuilder()
                        .setId(UUID.randomUUID().toString()).setUserId(ids.get(u).toString())
                        .putChangeset("gold", 1).setMetadata("{}").setCreateTimeUs(e).setUpdateTimeUs(e)).build());
            }
        }
        ((StoreTransfer) store.accounts()).importRecords(records);
        store.db().read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            return null;
        });
    }

    @AfterAll
    void close() {
        store.close();
    }

    Stream<Arguments> queries() {
        UUID user = ids.get(7);
        return Stream.of(
                Arguments.of("byId", PostgresAccountStore.BY_ID, List.of(user), "accounts_pkey"),
                Arguments.of("byId, devices", PostgresAccountStore.BY_ID, List.of(user), "account_devices_user_seq"),
                Arguments.of("byId for update", PostgresAccountStore.BY_ID_FOR_UPDATE, List.of(user), "accounts_pkey"),
                Arguments.of("byIds", PostgresAccountStore.BY_IDS, List.of((Object) ids.subList(0, 100).toArray(UUID[]::new)),
                        "accounts_pkey"),
                Arguments.of("byUsername", PostgresAccountStore.BY_USERNAME, List.of("user-7"), "accounts_username_key"),
                Arguments.of("byCustomId", PostgresAccountStore.BY_CUSTOM, List.of("custom-7"), "accounts_custom_id_key"),
                Arguments.of("byEmail", PostgresAccountStore.BY_EMAIL, List.of("user7@example.com"), "accounts_email_key"),
                Arguments.of("byDeviceId", PostgresAccountStore.BY_DEVICE, List.of("device-7"), "account_devices_pkey"),
                Arguments.of("wallet lock", PostgresAccountStore.LOCK_WALLET, List.of(user), "accounts_pkey"),
                Arguments.of("wallet read", PostgresAccountStore.LOOK_WALLET, List.of(user), "accounts_pkey"),
                Arguments.of("ledger, first page", PostgresAccountStore.LEDGER_FIRST, List.of(user, 11),
                        "Index Scan Backward using wallet_ledger_user_time"),
                Arguments.of("ledger, next page", PostgresAccountStore.LEDGER_AFTER, List.of(user, 25L, UUID.randomUUID(), 11),
                        "Index Scan Backward using wallet_ledger_user_time"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void theQueryUsesItsIndex(String name, String sql, List<Object> parameters, String expected) {
        String plan = store.db().read(c -> explain(c, sql, parameters));
        assertTrue(plan.contains(expected), name + " should use " + expected + ":\n" + plan);
        assertTrue(!plan.contains("Seq Scan"), name + " scans a table:\n" + plan);
    }

    private static String explain(Connection c, String sql, List<Object> parameters) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                Object p = parameters.get(i);
                if (p instanceof UUID[] array) {
                    s.setArray(i + 1, c.createArrayOf("uuid", array));
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
