package io.gantry.persistence;

import io.gantry.proto.storage.StoredAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link AccountStore} must do, whatever keeps the data: one subclass per
 * implementation ({@link RocksAccountStoreContractTest}; the PostgreSQL one later) opens a fresh,
 * empty store on the clock it is given.
 */
abstract class AccountStoreContract {

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));
    private AccountStore accounts;

    /** A fresh, empty store whose times come from {@code clock}, bcrypt at a cheap cost. */
    protected abstract AccountStore open(MutableClock clock);

    /** Releases what {@link #open} took. */
    protected abstract void close();

    @BeforeEach
    void openStore() {
        accounts = open(clock);
    }

    @AfterEach
    void closeStore() {
        close();
    }

    @Test
    void anAccountIsFoundByIdUsernameAndItsCredentialOnly() {
        StoredAccount device = accounts.createWithDevice("device-0001", "alice").account();
        StoredAccount custom = accounts.createWithCustom("custom-42", "bob").account();
        StoredAccount email = accounts.createWithEmail("Carol@Example.COM", "password-1", "carol").account();

        assertEquals(device, accounts.byId(device.getId()).orElseThrow());
        assertEquals(device, accounts.byUsername("alice").orElseThrow());
        assertEquals(device, accounts.byDeviceId("device-0001").orElseThrow());
        assertEquals(custom, accounts.byCustomId("custom-42").orElseThrow());
        assertEquals(email, accounts.byEmail("carol@example.com").orElseThrow());
        assertEquals("carol@example.com", email.getEmail(), "emails are stored lower-cased");
        assertEquals(clock.millis(), device.getCreateTimeMs());

        assertTrue(accounts.byUsername("Alice").isEmpty(), "usernames are case-sensitive");
        assertTrue(accounts.byCustomId("device-0001").isEmpty(), "credential kinds do not mix");
        assertTrue(accounts.byDeviceId("custom-42").isEmpty());
        assertTrue(accounts.byId(UUID.randomUUID().toString()).isEmpty());
    }

    @Test
    void creatingAnExistingCredentialReturnsItsAccountAndWritesNothing() {
        StoredAccount alice = accounts.createWithDevice("device-0001", "alice").account();
        CreateResult again = accounts.createWithDevice("device-0001", "someone-else");
        assertFalse(again.created());
        assertEquals(alice, again.account());
        assertTrue(accounts.byUsername("someone-else").isEmpty());
    }

    @Test
    void aTakenUsernameIsRefusedAndNothingIsWritten() {
        accounts.createWithDevice("device-0001", "alice");
        assertThrows(UsernameTakenException.class, () -> accounts.createWithDevice("device-0002", "alice"));
        assertThrows(UsernameTakenException.class, () -> accounts.createWithCustom("custom-1", "alice"));
        assertThrows(UsernameTakenException.class, () -> accounts.createWithEmail("x@example.com", "password-1", "alice"));
        assertTrue(accounts.byDeviceId("device-0002").isEmpty());
        assertTrue(accounts.byCustomId("custom-1").isEmpty());
        assertTrue(accounts.byEmail("x@example.com").isEmpty());
    }

    @Test
    void aMissingUsernameIsGenerated() {
        StoredAccount a = accounts.createWithDevice("device-0001", null).account();
        assertTrue(a.getUsername().matches("^[a-zA-Z]{10}$"), a.getUsername());
        assertEquals(a, accounts.byUsername(a.getUsername()).orElseThrow());
    }

    @Test
    void passwordsAreCheckedAndNeverStoredPlain() {
        StoredAccount a = accounts.createWithEmail("dave@example.com", "correct horse", "dave").account();
        assertFalse(a.getPasswordHash().toStringUtf8().contains("correct horse"));
        assertTrue(accounts.checkPassword(a, "correct horse"));
        assertFalse(accounts.checkPassword(a, "correct horsE"));
        assertFalse(accounts.checkPassword(a, ""));
        StoredAccount noPassword = accounts.createWithDevice("device-0001", "eve").account();
        assertFalse(accounts.checkPassword(noPassword, "correct horse"));
    }

    @Test
    void badCredentialsAreRefusedAndNothingIsWritten() {
        assertThrows(IllegalArgumentException.class, () -> accounts.createWithDevice("", null));
        assertThrows(IllegalArgumentException.class, () -> accounts.createWithEmail("a@b.c", "", "nobody"));
        assertThrows(IllegalArgumentException.class, () -> accounts.createWithEmail("a@b.c", "x".repeat(73), "nobody"));
        assertTrue(accounts.byEmail("a@b.c").isEmpty());
        assertTrue(accounts.byUsername("nobody").isEmpty());
    }

    @Test
    void aRevokedTokenIsRevokedUntilItExpires() {
        String user = UUID.randomUUID().toString();
        long expires = clock.instant().getEpochSecond() + 60;
        assertFalse(accounts.isTokenRevoked("token-1"));
        accounts.revokeToken("token-1", expires);
        assertTrue(accounts.isTokenRevoked("token-1"));
        assertTrue(accounts.isTokenRevoked("token-1", user, clock.millis()));
        assertFalse(accounts.isTokenRevoked("token-2"));

        clock.advance(Duration.ofSeconds(61));
        assertEquals(1, accounts.purgeExpiredRevocations());
        assertFalse(accounts.isTokenRevoked("token-1"), "an expired token needs no mark");
    }

    @Test
    void revokingAllOfAUsersTokensCoversThoseIssuedUntilThen() {
        String alice = UUID.randomUUID().toString();
        String bob = UUID.randomUUID().toString();
        long before = clock.millis() - 1;
        long at = clock.millis();
        accounts.revokeAllTokens(alice, at, clock.instant().getEpochSecond() + 3600);
        assertTrue(accounts.isTokenRevoked("t1", alice, before));
        assertTrue(accounts.isTokenRevoked("t2", alice, at));
        assertFalse(accounts.isTokenRevoked("t3", alice, at + 1), "a later login is not logged out");
        assertFalse(accounts.isTokenRevoked("t4", bob, before), "other users keep their sessions");
    }
}
