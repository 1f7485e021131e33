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

    /** {@link Store#deleteUser} of the store {@link #open} opened. */
    protected abstract boolean deleteUser(String userId);

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

        String unknown = UUID.randomUUID().toString();
        assertEquals(java.util.List.of(email, device, custom),
                accounts.byIds(java.util.List.of(email.getId(), unknown, device.getId(), custom.getId(), email.getId())),
                "in the order asked, each once, unknown ones left out");
        assertEquals(java.util.List.of(), accounts.byIds(java.util.List.of()));
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

    // ---- profile updates ----

    private static AccountStore.ProfileChanges username(String name) {
        return new AccountStore.ProfileChanges(name, null, null, null, null, null, null);
    }

    @Test
    void aUsernameChangeMovesTheIndexAndATakenOneChangesNothing() {
        StoredAccount alice = accounts.createWithDevice("device-0001", "alice").account();
        accounts.createWithDevice("device-0002", "bob");
        clock.advance(Duration.ofSeconds(5));

        StoredAccount renamed = accounts.updateProfile(alice.getId(), username("Alicia")).orElseThrow();
        assertEquals("Alicia", renamed.getUsername());
        assertEquals(clock.millis(), renamed.getUpdateTimeMs());
        assertEquals(alice.getId(), accounts.byUsername("Alicia").orElseThrow().getId());
        assertTrue(accounts.byUsername("alice").isEmpty(), "the old name is free");

        assertThrows(UsernameTakenException.class, () -> accounts.updateProfile(alice.getId(),
                new AccountStore.ProfileChanges("bob", "Should not stick", null, null, null, null, null)));
        assertEquals(renamed, accounts.byId(alice.getId()).orElseThrow(), "a refused update writes nothing");
        assertEquals("bob", accounts.byUsername("bob").orElseThrow().getUsername());

        StoredAccount other = accounts.createWithDevice("device-0003", "carl").account();
        assertEquals(other.getId(), accounts.updateProfile(other.getId(), username("alice")).orElseThrow().getId(),
                "a freed name can be taken");
        assertTrue(accounts.updateProfile(UUID.randomUUID().toString(), username("zed")).isEmpty());
        assertTrue(accounts.byUsername("zed").isEmpty());
    }

    @Test
    void theUpdateTimeMovesOnlyWhenSomethingChanged() {
        StoredAccount a = accounts.createWithDevice("device-0001", "alice").account();
        clock.advance(Duration.ofSeconds(5));
        AccountStore.ProfileChanges all = new AccountStore.ProfileChanges("alice", "Ali", "http://a/b.png", "de",
                "Berlin", "Europe/Berlin", "{\"x\":1}");
        StoredAccount changed = accounts.updateProfile(a.getId(), all).orElseThrow();
        assertEquals("Ali", changed.getDisplayName());
        assertEquals("http://a/b.png", changed.getAvatarUrl());
        assertEquals("de", changed.getLangTag());
        assertEquals("Berlin", changed.getLocation());
        assertEquals("Europe/Berlin", changed.getTimezone());
        assertEquals("{\"x\":1}", changed.getMetadata());
        assertEquals(clock.millis(), changed.getUpdateTimeMs());
        long firstUpdate = clock.millis();

        clock.advance(Duration.ofSeconds(5));
        assertEquals(firstUpdate, accounts.updateProfile(a.getId(), all).orElseThrow().getUpdateTimeMs(),
                "the same values again change nothing");
        StoredAccount cleared = accounts.updateProfile(a.getId(),
                new AccountStore.ProfileChanges(null, "", null, null, "", null, null)).orElseThrow();
        assertEquals("", cleared.getDisplayName());
        assertEquals("", cleared.getLocation());
        assertEquals("Europe/Berlin", cleared.getTimezone(), "null leaves a field alone");
        assertEquals(clock.millis(), cleared.getUpdateTimeMs());
        assertEquals(cleared, accounts.byId(a.getId()).orElseThrow());
    }

    // ---- links ----

    @Test
    void linkingAddsDevicesAndReplacesCustomIdAndEmail() {
        StoredAccount a = accounts.createWithDevice("device-0001", "alice").account();
        StoredAccount b = accounts.createWithDevice("device-0002", "bob").account();
        accounts.linkCustom(b.getId(), "custom-bob");
        accounts.linkEmail(b.getId(), "bob@example.com", "password-b");

        assertEquals(AccountStore.LinkResult.LINKED, accounts.linkDevice(a.getId(), "device-0011"));
        assertEquals(AccountStore.LinkResult.LINKED, accounts.linkDevice(a.getId(), "device-0011"), "already mine");
        assertEquals(AccountStore.LinkResult.IN_USE, accounts.linkDevice(a.getId(), "device-0002"));
        assertEquals(a.getId(), accounts.byDeviceId("device-0011").orElseThrow().getId());
        assertEquals(java.util.List.of("device-0001", "device-0011"), accounts.byId(a.getId()).orElseThrow().getDeviceIdsList());

        assertEquals(AccountStore.LinkResult.LINKED, accounts.linkCustom(a.getId(), "custom-one"));
        assertEquals(AccountStore.LinkResult.LINKED, accounts.linkCustom(a.getId(), "custom-two"));
        assertTrue(accounts.byCustomId("custom-one").isEmpty(), "the replaced custom id is free");
        assertEquals(a.getId(), accounts.byCustomId("custom-two").orElseThrow().getId());
        assertEquals(AccountStore.LinkResult.IN_USE, accounts.linkCustom(a.getId(), "custom-bob"));

        assertEquals(AccountStore.LinkResult.LINKED, accounts.linkEmail(a.getId(), "First@Example.com", "password-1"));
        assertEquals(AccountStore.LinkResult.LINKED, accounts.linkEmail(a.getId(), "second@example.com", "password-2"));
        assertTrue(accounts.byEmail("first@example.com").isEmpty());
        StoredAccount now = accounts.byEmail("SECOND@example.com").orElseThrow();
        assertTrue(accounts.checkPassword(now, "password-2"));
        assertFalse(accounts.checkPassword(now, "password-1"));
        assertEquals(AccountStore.LinkResult.IN_USE, accounts.linkEmail(a.getId(), "BOB@example.com", "password-x"));
        assertEquals("bob@example.com", accounts.byId(b.getId()).orElseThrow().getEmail());
        assertEquals(AccountStore.LinkResult.NO_ACCOUNT, accounts.linkDevice(UUID.randomUUID().toString(), "device-0099"));
        assertTrue(accounts.byDeviceId("device-0099").isEmpty());
    }

    @Test
    void theLastIdentifierCannotBeUnlinked() {
        StoredAccount a = accounts.createWithDevice("device-0001", "alice").account();
        accounts.createWithDevice("device-0002", "bob");
        assertFalse(accounts.unlinkDevice(a.getId(), "device-0001"), "the only identifier");
        assertFalse(accounts.unlinkDevice(a.getId(), "device-0002"), "not mine");
        assertFalse(accounts.unlinkCustom(a.getId(), "nosuch-custom"));
        assertEquals(a.getId(), accounts.byDeviceId("device-0001").orElseThrow().getId());

        accounts.linkCustom(a.getId(), "custom-one");
        accounts.linkEmail(a.getId(), "a@example.com", "password-1");
        assertTrue(accounts.unlinkDevice(a.getId(), "device-0001"));
        assertTrue(accounts.byDeviceId("device-0001").isEmpty());
        assertTrue(accounts.unlinkEmail(a.getId(), "A@EXAMPLE.COM"), "emails compare lower-cased");
        assertTrue(accounts.byEmail("a@example.com").isEmpty());
        assertTrue(accounts.byId(a.getId()).orElseThrow().getPasswordHash().isEmpty());
        assertFalse(accounts.unlinkCustom(a.getId(), ""), "custom id is the last one");
        assertEquals("custom-one", accounts.byId(a.getId()).orElseThrow().getCustomId());

        accounts.linkDevice(a.getId(), "device-0003");
        assertTrue(accounts.unlinkCustom(a.getId(), ""), "\"\" unlinks whatever is linked");
        assertTrue(accounts.byCustomId("custom-one").isEmpty());
        assertTrue(accounts.unlinkEmail(a.getId(), ""), "nothing linked, but a device remains: Nakama counts it done");
    }

    // ---- wallet ----

    @Test
    void aWalletUpdateAddsAndANegativeResultChangesNothing() throws InvalidCursorException {
        StoredAccount a = accounts.createWithDevice("device-0001", "alice").account();
        AccountStore.WalletChange first = accounts.updateWallet(a.getId(), java.util.Map.of("gold", 10L, "gems", 2L), "{\"why\":1}", true);
        assertEquals(AccountStore.WalletStatus.UPDATED, first.status());
        assertEquals(java.util.Map.of(), first.previous());
        assertEquals(java.util.Map.of("gold", 10L, "gems", 2L), first.updated());

        AccountStore.WalletChange refused = accounts.updateWallet(a.getId(), java.util.Map.of("gold", -5L, "gems", -3L), "{}", true);
        assertEquals(AccountStore.WalletStatus.NEGATIVE, refused.status());
        assertEquals("gems", refused.currency());
        assertEquals(java.util.Map.of("gold", 10L, "gems", 2L),
                RocksAccountStore.parseWallet(accounts.byId(a.getId()).orElseThrow().getWallet()), "nothing written");
        assertEquals(1, accounts.listLedger(a.getId(), 100, "").entries().size(), "no ledger entry either");

        AccountStore.WalletChange second = accounts.updateWallet(a.getId(), java.util.Map.of("gold", -10L), null, false);
        assertEquals(java.util.Map.of("gold", 0L, "gems", 2L), second.updated());
        assertEquals(1, accounts.listLedger(a.getId(), 100, "").entries().size(), "no ledger asked for");
        assertEquals(AccountStore.WalletStatus.NO_ACCOUNT,
                accounts.updateWallet(UUID.randomUUID().toString(), java.util.Map.of("gold", 1L), null, true).status());
    }

    @Test
    void theLedgerPagesNewestFirstWithCursorsOfItsOwnUser() throws InvalidCursorException {
        StoredAccount a = accounts.createWithDevice("device-0001", "alice").account();
        StoredAccount b = accounts.createWithDevice("device-0002", "bob").account();
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofMillis(1));
            accounts.updateWallet(a.getId(), java.util.Map.of("gold", (long) i), "{\"n\":" + i + "}", true);
            accounts.updateWallet(b.getId(), java.util.Map.of("gold", 100L), "{}", true);
        }
        java.util.List<Long> seen = new java.util.ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            AccountStore.LedgerPage page = accounts.listLedger(a.getId(), 2, cursor);
            page.entries().forEach(e -> {
                assertEquals(a.getId(), e.getUserId());
                seen.add(e.getChangesetMap().get("gold"));
            });
            cursor = page.cursor();
            pages++;
        } while (!cursor.isEmpty());
        assertEquals(java.util.List.of(5L, 4L, 3L, 2L, 1L), seen);
        assertEquals(3, pages);
        assertEquals("{\"n\":5}", accounts.listLedger(a.getId(), 1, "").entries().get(0).getMetadata());

        String aCursor = accounts.listLedger(a.getId(), 1, "").cursor();
        assertThrows(InvalidCursorException.class, () -> accounts.listLedger(b.getId(), 1, aCursor));
        assertThrows(InvalidCursorException.class, () -> accounts.listLedger(a.getId(), 1, "garbage"));
    }

    // ---- deletion ----

    @Test
    void deletingAUserRemovesTheAccountItsCredentialsAndItsLedger() throws InvalidCursorException {
        StoredAccount a = accounts.createWithDevice("device-0001", "alice").account();
        StoredAccount b = accounts.createWithDevice("device-0002", "bob").account();
        accounts.linkCustom(a.getId(), "custom-one");
        accounts.linkEmail(a.getId(), "a@example.com", "password-1");
        accounts.updateWallet(a.getId(), java.util.Map.of("gold", 1L), "{}", true);
        accounts.updateWallet(b.getId(), java.util.Map.of("gold", 1L), "{}", true);

        assertTrue(deleteUser(a.getId()));
        assertTrue(accounts.byId(a.getId()).isEmpty());
        assertTrue(accounts.byUsername("alice").isEmpty());
        assertTrue(accounts.byDeviceId("device-0001").isEmpty());
        assertTrue(accounts.byCustomId("custom-one").isEmpty());
        assertTrue(accounts.byEmail("a@example.com").isEmpty());
        assertTrue(accounts.listLedger(a.getId(), 100, "").entries().isEmpty());
        assertEquals(1, accounts.listLedger(b.getId(), 100, "").entries().size(), "other users keep theirs");
        assertEquals(b, accounts.byId(b.getId()).orElseThrow().toBuilder().clearWallet().clearUpdateTimeMs()
                .setUpdateTimeMs(b.getUpdateTimeMs()).build());
        assertFalse(deleteUser(a.getId()), "already gone");

        assertTrue(accounts.createWithDevice("device-0001", "alice").created(), "the device makes a new account");
    }

    @Test
    void touchMovesOnlyTheUpdateTime() {
        StoredAccount alice = accounts.createWithDevice("device-touch-01", "toucher").account();
        clock.advance(java.time.Duration.ofSeconds(3));
        assertTrue(accounts.touch(alice.getId()));
        StoredAccount touched = accounts.byId(alice.getId()).orElseThrow();
        assertEquals(clock.millis(), touched.getUpdateTimeMs());
        assertEquals(alice.toBuilder().setUpdateTimeMs(clock.millis()).build(), touched);
        assertFalse(accounts.touch("00000000-0000-4000-8000-000000000999"));
    }
}
