package io.gantry.persistence;

import io.gantry.proto.storage.StoredAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountCreationTest {

    private static final Pattern UUID_FORM =
            Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));
    private RocksStore store;
    private AccountStore accounts;

    @BeforeEach
    void open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4), clock);
        accounts = store.accounts();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void rocksDbLivesUnderTheDataDir() {
        assertTrue(Files.exists(dataDir.resolve("rocksdb").resolve("CURRENT")));
    }

    @Test
    void deviceAccountIsFoundByIdUsernameAndDevice() {
        CreateResult r = accounts.createWithDevice("device-0001", "alice");
        assertTrue(r.created());
        StoredAccount a = r.account();
        assertTrue(UUID_FORM.matcher(a.getId()).matches(), a.getId());
        assertEquals("alice", a.getUsername());
        assertEquals(java.util.List.of("device-0001"), a.getDeviceIdsList());
        assertEquals(clock.millis(), a.getCreateTimeMs());
        assertEquals(clock.millis(), a.getUpdateTimeMs());

        assertEquals(a, accounts.byId(a.getId()).orElseThrow());
        assertEquals(a, accounts.byUsername("alice").orElseThrow());
        assertEquals(a, accounts.byDeviceId("device-0001").orElseThrow());
        assertTrue(accounts.byUsername("Alice").isEmpty(), "usernames are case-sensitive");
        assertTrue(accounts.byDeviceId("device-0002").isEmpty());
        assertTrue(accounts.byCustomId("device-0001").isEmpty(), "index kinds do not mix");
    }

    @Test
    void customAccountIsFoundByCustomId() {
        StoredAccount a = accounts.createWithCustom("custom-42", "bob").account();
        assertEquals("custom-42", a.getCustomId());
        assertEquals(a, accounts.byCustomId("custom-42").orElseThrow());
        assertEquals(a, accounts.byUsername("bob").orElseThrow());
        assertTrue(accounts.byDeviceId("custom-42").isEmpty());
    }

    @Test
    void emailIsStoredAndFoundLowerCased() {
        StoredAccount a = accounts.createWithEmail("Carol@Example.COM", "password-1", "carol").account();
        assertEquals("carol@example.com", a.getEmail());
        assertFalse(a.getPasswordHash().isEmpty());
        assertFalse(a.getPasswordHash().toStringUtf8().contains("password-1"));
        assertEquals(a, accounts.byEmail("carol@example.com").orElseThrow());
        assertEquals(a, accounts.byEmail("CAROL@example.com").orElseThrow());

        CreateResult again = accounts.createWithEmail("carol@EXAMPLE.com", "whatever", null);
        assertFalse(again.created());
        assertEquals(a, again.account());
    }

    @Test
    void existingCredentialReturnsTheAccountWithoutWriting() {
        StoredAccount a = accounts.createWithDevice("device-0001", "alice").account();
        CreateResult again = accounts.createWithDevice("device-0001", "someone-else");
        assertFalse(again.created());
        assertEquals(a, again.account());
        assertTrue(accounts.byUsername("someone-else").isEmpty());
    }

    @Test
    void takenUsernameThrowsAndWritesNothing() {
        StoredAccount alice = accounts.createWithDevice("device-0001", "alice").account();

        UsernameTakenException e = assertThrows(UsernameTakenException.class,
                () -> accounts.createWithDevice("device-0002", "alice"));
        assertEquals("alice", e.username());
        assertThrows(UsernameTakenException.class, () -> accounts.createWithCustom("custom-1", "alice"));
        assertThrows(UsernameTakenException.class,
                () -> accounts.createWithEmail("x@example.com", "password-1", "alice"));

        assertTrue(accounts.byDeviceId("device-0002").isEmpty());
        assertTrue(accounts.byCustomId("custom-1").isEmpty());
        assertTrue(accounts.byEmail("x@example.com").isEmpty());
        assertEquals(alice, accounts.byUsername("alice").orElseThrow());
        assertEquals(1, countAccounts(), "no record for the losing account");
    }

    @Test
    void missingUsernameIsGeneratedLikeNakama() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String deviceId = "device-" + i;
            StoredAccount a = accounts.createWithDevice(deviceId, i % 2 == 0 ? null : "").account();
            assertTrue(a.getUsername().matches("^[a-zA-Z]{10}$"), a.getUsername());
            assertEquals(a, accounts.byUsername(a.getUsername()).orElseThrow());
            names.add(a.getUsername());
        }
        assertEquals(50, names.size());
    }

    @Test
    void passwordCheck() {
        StoredAccount a = accounts.createWithEmail("dave@example.com", "correct horse", "dave").account();
        assertTrue(a.getPasswordHash().toStringUtf8().startsWith("$2a$04$"), "bcrypt at the configured cost");
        assertTrue(accounts.checkPassword(a, "correct horse"));
        assertFalse(accounts.checkPassword(a, "correct horsE"));
        assertFalse(accounts.checkPassword(a, ""));
        assertFalse(accounts.checkPassword(a, null));

        StoredAccount noPassword = accounts.createWithDevice("device-0001", "eve").account();
        assertFalse(accounts.checkPassword(noPassword, "correct horse"));
    }

    @Test
    void emptyCredentialsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> accounts.createWithDevice("", null));
        assertThrows(IllegalArgumentException.class, () -> accounts.createWithCustom(null, null));
        assertThrows(IllegalArgumentException.class, () -> accounts.createWithEmail("a@b.c", "", null));
        // bcrypt reads at most 72 bytes; a longer password is refused rather than truncated.
        assertThrows(IllegalArgumentException.class,
                () -> accounts.createWithEmail("a@b.c", "x".repeat(73), null));
        assertTrue(accounts.byEmail("a@b.c").isEmpty());
        assertEquals(0, countAccounts());
    }

    private int countAccounts() {
        int n = 0;
        try (var it = store.db().newIterator(store.handle(StoreColumnFamily.ACCOUNTS))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }
}
