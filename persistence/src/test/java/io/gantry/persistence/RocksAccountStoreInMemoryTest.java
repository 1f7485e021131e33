package io.gantry.persistence;

import io.gantry.proto.storage.StoredAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AccountStore#byDeviceIdInMemory} on RocksDB (reads at the block-cache tier, which the
 * event loop may call): it finds what was just written, never finds what {@link AccountStore#byDeviceId}
 * would not (unknown, deleted and unlinked devices), and after a restart finds an account once a
 * blocking read has brought it into memory, never anything else before.
 */
class RocksAccountStoreInMemoryTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));
    private RocksStore store;

    private AccountStore open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4), clock);
        return store.accounts();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aNewAccountIsFoundInMemoryAsItIsInTheStore() {
        AccountStore accounts = open();
        StoredAccount created = accounts.createWithDevice("device-0001", "alice").account();
        assertEquals(Optional.of(created), accounts.byDeviceIdInMemory("device-0001"));
        assertEquals(accounts.byDeviceId("device-0001"), accounts.byDeviceIdInMemory("device-0001"));
    }

    @Test
    void unknownDeletedAndUnlinkedDevicesAreNotFound() {
        AccountStore accounts = open();
        assertTrue(accounts.byDeviceIdInMemory("device-none").isEmpty());

        StoredAccount deleted = accounts.createWithDevice("device-0002", "bob").account();
        assertTrue(accounts.byDeviceIdInMemory("device-0002").isPresent());
        assertTrue(store.deleteUser(deleted.getId()));
        assertTrue(accounts.byDeviceIdInMemory("device-0002").isEmpty());
        assertTrue(accounts.byDeviceId("device-0002").isEmpty());

        StoredAccount carol = accounts.createWithDevice("device-0003", "carol").account();
        accounts.linkDevice(carol.getId(), "device-0004");
        assertEquals(carol.getId(), accounts.byDeviceIdInMemory("device-0004").orElseThrow().getId());
        accounts.unlinkDevice(carol.getId(), "device-0003");
        assertTrue(accounts.byDeviceIdInMemory("device-0003").isEmpty());
        assertEquals(carol.getId(), accounts.byDeviceIdInMemory("device-0004").orElseThrow().getId());
    }

    @Test
    void afterARestartAnAccountIsInMemoryOnceABlockingReadFoundIt() {
        AccountStore accounts = open();
        StoredAccount created = accounts.createWithDevice("device-0005", "dave").account();
        store.close();
        accounts = open();
        Optional<StoredAccount> cold = accounts.byDeviceIdInMemory("device-0005");
        // in memory (the write-ahead log replayed into a memtable) or not found: never another account
        assertTrue(cold.isEmpty() || cold.get().equals(created), String.valueOf(cold));
        assertEquals(Optional.of(created), accounts.byDeviceId("device-0005"));
        assertEquals(Optional.of(created), accounts.byDeviceIdInMemory("device-0005"));
    }
}
