package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accounts, ledgers and revocations move between the RocksDB and the PostgreSQL store exactly as
 * stored, both ways, and arrive with every index the receiving store keeps (found by each
 * credential, their devices still theirs, their ledgers paged, their tokens still revoked).
 */
class AccountTransferTest {

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07.089Z"));

    /** Accounts of every kind, profile changes, links, wallets with ledgers, and both kinds of revocation. */
    private void fill(AccountStore accounts) {
        StoredAccount a = accounts.createWithDevice("device-aaaa-0001", "alice").account();
        clock.advance(Duration.ofMillis(3));
        accounts.linkDevice(a.getId(), "device-aaaa-0002");
        accounts.linkCustom(a.getId(), "custom-alice");
        accounts.updateProfile(a.getId(), new AccountStore.ProfileChanges(null, "Alice", "http://a/x.png", "de",
                "Berlin", "Europe/Berlin", "{\"level\": 3}"));
        StoredAccount b = accounts.createWithEmail("Bob@Example.com", "password-bob", null).account();
        StoredAccount c = accounts.createWithCustom("custom-carol", "carol").account();
        accounts.linkEmail(c.getId(), "carol@example.com", "password-carol");
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofMillis(1));
            accounts.updateWallet(a.getId(), Map.of("gold", (long) i, "gems", 1L), "{\"n\":" + i + "}", true);
            accounts.updateWallet(b.getId(), Map.of("gold", 10L), "{}", true);
        }
        accounts.updateWallet(c.getId(), Map.of("silver", 7L), null, false);
        long expires = clock.instant().getEpochSecond() + 3600;
        accounts.revokeToken("token-zz", expires);
        accounts.revokeToken("token-aa", expires);
        accounts.revokeAllTokens(b.getId(), clock.millis(), expires);
    }

    private static List<DumpRecord> export(Store store) {
        List<DumpRecord> out = new ArrayList<>();
        ((StoreTransfer) store.accounts()).exportTo(out::add);
        return out;
    }

    /** What the receiving store must answer from the imported records. */
    private void assertUsable(AccountStore accounts) throws InvalidCursorException {
        StoredAccount a = accounts.byUsername("alice").orElseThrow();
        assertEquals(List.of("device-aaaa-0001", "device-aaaa-0002"), a.getDeviceIdsList(), "devices in link order");
        assertEquals(a, accounts.byDeviceId("device-aaaa-0002").orElseThrow());
        assertEquals(a, accounts.byCustomId("custom-alice").orElseThrow());
        assertEquals("{\"level\": 3}", a.getMetadata());
        assertFalse(accounts.createWithDevice("device-aaaa-0001", null).created(), "the device is still alice's");
        assertThrows(UsernameTakenException.class, () -> accounts.createWithDevice("device-new-0001", "alice"));

        StoredAccount b = accounts.byEmail("bob@example.com").orElseThrow();
        assertTrue(accounts.checkPassword(b, "password-bob"));
        StoredAccount c = accounts.byEmail("carol@example.com").orElseThrow();
        assertTrue(accounts.checkPassword(c, "password-carol"));
        assertEquals(Map.of("silver", 7L), RocksAccountStore.parseWallet(c.getWallet()));
        assertEquals(AccountStore.LinkResult.IN_USE, accounts.linkCustom(b.getId(), "custom-carol"));

        AccountStore.LedgerPage first = accounts.listLedger(a.getId(), 2, "");
        assertEquals(List.of(3L, 2L), first.entries().stream().map(e -> e.getChangesetMap().get("gold")).toList());
        AccountStore.LedgerPage second = accounts.listLedger(a.getId(), 2, first.cursor());
        assertEquals(List.of(1L), second.entries().stream().map(e -> e.getChangesetMap().get("gold")).toList());
        assertEquals("", second.cursor());

        assertTrue(accounts.isTokenRevoked("token-aa"));
        assertTrue(accounts.isTokenRevoked("t-any", b.getId(), clock.millis()));
        assertFalse(accounts.isTokenRevoked("t-any", b.getId(), clock.millis() + 1));
        assertFalse(accounts.isTokenRevoked("t-any", a.getId(), clock.millis()));
    }

    @Test
    void rocksToPostgresAndBackGivesTheSameRecords() throws InvalidCursorException {
        List<DumpRecord> fromRocks;
        try (RocksStore rocks = RocksStore.open(dataDir.resolve("from"), new StoreOptions(false, 4), clock)) {
            fill(rocks.accounts());
            fromRocks = export(rocks);
        }
        assertEquals(3 + 6 + 3, fromRocks.size(), "3 accounts, 6 ledger entries, 3 revocations");
        try (PostgresStore postgres = PostgresStores.fresh(clock)) {
            ((StoreTransfer) postgres.accounts()).importRecords(fromRocks);
            assertEquals(fromRocks, export(postgres), "exactly as stored, in the same order");
            assertUsable(postgres.accounts());
        }
    }

    @Test
    void postgresToRocksAndBackGivesTheSameRecords() throws InvalidCursorException {
        List<DumpRecord> fromPostgres;
        try (PostgresStore postgres = PostgresStores.fresh(clock)) {
            fill(postgres.accounts());
            fromPostgres = export(postgres);
        }
        assertEquals(3 + 6 + 3, fromPostgres.size(), "3 accounts, 6 ledger entries, 3 revocations");
        try (RocksStore rocks = RocksStore.open(dataDir.resolve("to"), new StoreOptions(false, 4), clock)) {
            ((StoreTransfer) rocks.accounts()).importRecords(fromPostgres);
            assertEquals(fromPostgres, export(rocks), "exactly as stored, in the same order");
            assertUsable(rocks.accounts());
        }
        // and the revocations come back after a restart of the receiving store
        try (RocksStore rocks = RocksStore.open(dataDir.resolve("to"), new StoreOptions(false, 4), clock)) {
            assertTrue(rocks.accounts().isTokenRevoked("token-zz"));
        }
    }

    @Test
    void aDumpOfTheRocksStoreImportsIntoPostgresOnceOnly() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (RocksStore rocks = RocksStore.open(dataDir.resolve("dump"), new StoreOptions(false, 4), clock)) {
            fill(rocks.accounts());
            StoreDump.export(rocks, "rocksdb", out);
        }
        byte[] dump = out.toByteArray();
        try (PostgresStore postgres = PostgresStores.fresh(clock)) {
            assertEquals(Map.of("account", 3L, "wallet_entry", 6L, "revocation", 3L),
                    StoreDump.importInto(postgres, new java.io.ByteArrayInputStream(dump)));
            assertUsable(postgres.accounts());
            assertThrows(IllegalStateException.class,
                    () -> StoreDump.importInto(postgres, new java.io.ByteArrayInputStream(dump)), "not into a store with data");
        }
    }

    @Test
    void aRecordOfAnotherKindRefusesTheWholeImport() {
        DumpRecord account = DumpRecord.newBuilder().setAccount(StoredAccount.newBuilder()
                .setId(UUID.randomUUID().toString()).setUsername("lonely").setCreateTimeMs(1).setUpdateTimeMs(1)).build();
        DumpRecord notification = DumpRecord.newBuilder().setNotification(StoredNotification.newBuilder()
                .setId(UUID.randomUUID().toString())).build();
        try (RocksStore rocks = RocksStore.open(dataDir.resolve("refuse"), new StoreOptions(false, 4), clock);
             PostgresStore postgres = PostgresStores.fresh(clock)) {
            for (Store store : List.of(rocks, postgres)) {
                StoreTransfer transfer = (StoreTransfer) store.accounts();
                assertTrue(transfer.accepts(account));
                assertFalse(transfer.accepts(notification));
                assertThrows(IllegalArgumentException.class, () -> transfer.importRecords(List.of(account, notification)));
                assertTrue(store.accounts().byUsername("lonely").isEmpty(), "nothing written: " + store);
                assertEquals(List.of(), export(store));
            }
        }
    }
}
