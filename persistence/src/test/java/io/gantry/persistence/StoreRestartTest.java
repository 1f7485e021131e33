package io.gantry.persistence;

import io.gantry.proto.storage.StoredAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreRestartTest {

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private final StoreOptions options = new StoreOptions(true, 4);

    @Test
    void accountsSurviveRestart() {
        StoredAccount device;
        StoredAccount custom;
        StoredAccount email;
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            device = store.accounts().createWithDevice("device-0001", "alice").account();
            custom = store.accounts().createWithCustom("custom-0001", null).account();
            email = store.accounts().createWithEmail("Bob@Example.com", "password-1", "bob").account();
        }
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            AccountStore accounts = store.accounts();
            assertEquals(device, accounts.byId(device.getId()).orElseThrow());
            assertEquals(device, accounts.byDeviceId("device-0001").orElseThrow());
            assertEquals(device, accounts.byUsername("alice").orElseThrow());
            assertEquals(custom, accounts.byCustomId("custom-0001").orElseThrow());
            assertEquals(custom, accounts.byUsername(custom.getUsername()).orElseThrow());
            assertEquals(email, accounts.byEmail("bob@example.com").orElseThrow());
            assertTrue(accounts.checkPassword(accounts.byUsername("bob").orElseThrow(), "password-1"));

            assertFalse(accounts.createWithDevice("device-0001", null).created());
            assertThrows(UsernameTakenException.class, () -> accounts.createWithDevice("device-0002", "alice"));
        }
    }

    @Test
    void revokedTokensSurviveRestartUntilTheyExpire() {
        long now = clock.instant().getEpochSecond();
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            AccountStore accounts = store.accounts();
            accounts.revokeToken("tid-short", now + 60);
            accounts.revokeToken("tid-long", now + 3600);
            assertTrue(accounts.isTokenRevoked("tid-short"));
            assertTrue(accounts.isTokenRevoked("tid-long"));
            assertFalse(accounts.isTokenRevoked("tid-other"));
            assertFalse(accounts.isTokenRevoked(null));
        }

        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            assertTrue(store.accounts().isTokenRevoked("tid-short"));
            assertTrue(store.accounts().isTokenRevoked("tid-long"));
        }

        clock.advance(Duration.ofSeconds(60)); // exp == now: the short token is expired
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            assertFalse(store.accounts().isTokenRevoked("tid-short"), "expired revocation dropped on open");
            assertTrue(store.accounts().isTokenRevoked("tid-long"));
            assertEquals(1, countRevocationsOnDisk(store), "and deleted from disk");
        }
    }

    @Test
    void purgeForgetsExpiredRevocationsWhileRunning() {
        long now = clock.instant().getEpochSecond();
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            AccountStore accounts = store.accounts();
            accounts.revokeToken("tid-short", now + 10);
            accounts.revokeToken("tid-long", now + 3600);
            assertEquals(0, accounts.purgeExpiredRevocations());
            clock.advance(Duration.ofSeconds(11));
            assertEquals(1, accounts.purgeExpiredRevocations());
            assertFalse(accounts.isTokenRevoked("tid-short"));
            assertTrue(accounts.isTokenRevoked("tid-long"));
            assertEquals(1, countRevocationsOnDisk(store));
        }
    }

    @Test
    void closedStoreRefusesCalls() {
        RocksStore store = RocksStore.open(dataDir, options, clock);
        AccountStore accounts = store.accounts();
        store.close();
        store.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> accounts.byId("x"));
        assertThrows(IllegalStateException.class, () -> accounts.createWithDevice("device-0001", null));
    }

    private static int countRevocationsOnDisk(RocksStore store) {
        int n = 0;
        try (var it = store.db().newIterator(store.handle(StoreColumnFamily.REVOKED_TOKENS))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }
}
