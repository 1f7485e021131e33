package io.gantry.core.account;

import io.gantry.runtime.Account;
import io.gantry.core.MutableClock;
import io.gantry.core.ServiceException;
import io.gantry.core.ServiceException.Kind;
import io.gantry.core.auth.TokenService;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The account rules on the test thread, against a real store: what each bad input is answered
 * (kind and Nakama's message) and that it changes nothing, logins, refresh and logout.
 */
class AccountServiceTest {

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07Z"));
    private RocksStore store;
    private AccountStore accounts;
    private AccountService service;

    @BeforeEach
    void open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4), clock);
        accounts = store.accounts();
        TokenService tokens = new TokenService("session-key", 60, "refresh-key", 3600, clock);
        service = new AccountService(accounts, tokens, new SessionRegistry(), 3600, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static void refused(Kind kind, String message, Executable call) {
        ServiceException e = assertThrows(ServiceException.class, call);
        assertEquals(kind, e.kind());
        assertEquals(message, e.getMessage());
    }

    // ---- validation tables: each refusal writes nothing ------------------------------------

    @ParameterizedTest(name = "device ''{0}'' username ''{1}'' → {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "''                         | NULL       | Device ID is required.",
            "NULL                       | NULL       | Device ID is required.",
            "device 0001                | NULL       | Device ID invalid, no spaces or control characters allowed.",
            "'device\t0001'             | NULL       | Device ID invalid, no spaces or control characters allowed.",
            "short                      | NULL       | Device ID invalid, must be 10-128 bytes.",
            "device-0001                | 'a b'      | Username invalid, no spaces or control characters allowed.",
    })
    void badDeviceInputIsRefused(String deviceId, String username, String message) {
        refused(Kind.INVALID_ARGUMENT, message, () -> service.authenticateDevice(deviceId, username, true, Map.of()));
        if (deviceId != null && !deviceId.isEmpty()) {
            assertTrue(accounts.byDeviceId(deviceId).isEmpty(), "nothing created");
        }
    }

    @Test
    void aDeviceIdOf129BytesOrAUsernameOf129BytesIsRefused() throws Exception {
        refused(Kind.INVALID_ARGUMENT, "Device ID invalid, must be 10-128 bytes.",
                () -> service.authenticateDevice("d".repeat(129), null, true, Map.of()));
        refused(Kind.INVALID_ARGUMENT, "Device ID invalid, must be 10-128 bytes.",
                () -> service.authenticateDevice("é".repeat(65), null, true, Map.of())); // 65 characters, 130 bytes
        refused(Kind.INVALID_ARGUMENT, "Username invalid, must be 1-128 bytes.",
                () -> service.authenticateDevice("device-0001", "u".repeat(129), true, Map.of()));
        assertTrue(accounts.byDeviceId("device-0001").isEmpty());
        // the bounds themselves are fine
        service.authenticateDevice("é".repeat(5), null, true, Map.of()); // 5 characters, 10 bytes
        service.authenticateDevice("d".repeat(128), "u".repeat(128), true, Map.of());
    }

    @ParameterizedTest(name = "custom ''{0}'' → {1}")
    @CsvSource(delimiter = '|', value = {
            "''           | Custom ID is required.",
            "'custom id'  | Custom ID invalid, no spaces or control characters allowed.",
            "abcde        | Custom ID invalid, must be 6-128 bytes.",
    })
    void badCustomInputIsRefused(String customId, String message) {
        refused(Kind.INVALID_ARGUMENT, message, () -> service.authenticateCustom(customId, null, true, Map.of()));
        if (!customId.isEmpty()) {
            assertTrue(accounts.byCustomId(customId).isEmpty(), "nothing created");
        }
    }

    @ParameterizedTest(name = "email ''{0}'' password ''{1}'' → {2}")
    @CsvSource(delimiter = '|', value = {
            "''                    | password-1 | Email address is required.",
            "'a b@example.com'     | password-1 | Invalid email address, no spaces or control characters allowed.",
            "a@b.co                | password-1 | Invalid email address, must be 10-255 bytes.",
            "nobody-at-example.com | password-1 | Invalid email address format.",
            "carol@example.com     | ''         | Password is required.",
            "carol@example.com     | 1234567    | Password must be at least 8 characters long.",
    })
    void badEmailInputIsRefused(String email, String password, String message) {
        refused(Kind.INVALID_ARGUMENT, message, () -> service.authenticateEmail(email, password, null, true, Map.of()));
        if (!email.isEmpty()) {
            assertTrue(accounts.byEmail(email).isEmpty(), "nothing created");
        }
    }

    // ---- logins ----------------------------------------------------------------------------

    @Test
    void aDeviceCreatesItsAccountOnceAndLogsInAfterwards() throws Exception {
        AccountService.SessionPair first = service.authenticateDevice("device-0001", "alice", true, Map.of("k", "v"));
        assertTrue(first.created());
        TokenService.Claims claims = service.verifySession(first.token()).orElseThrow();
        assertEquals("alice", claims.username());
        assertEquals(Map.of("k", "v"), claims.vars());

        AccountService.SessionPair again = service.authenticateDevice("device-0001", "ignored", true, Map.of());
        assertFalse(again.created());
        assertEquals(claims.userId(), service.verifySession(again.token()).orElseThrow().userId());
        assertTrue(accounts.byUsername("ignored").isEmpty());
    }

    @Test
    void withoutCreateAnUnknownCredentialIsNotFoundAndNothingIsCreated() {
        refused(Kind.NOT_FOUND, "User account not found.", () -> service.authenticateDevice("device-0001", null, false, Map.of()));
        refused(Kind.NOT_FOUND, "User account not found.", () -> service.authenticateCustom("custom-1", null, false, Map.of()));
        refused(Kind.NOT_FOUND, "User account not found.",
                () -> service.authenticateEmail("carol@example.com", "password-1", null, false, Map.of()));
        assertTrue(accounts.byDeviceId("device-0001").isEmpty());
        assertTrue(accounts.byCustomId("custom-1").isEmpty());
        assertTrue(accounts.byEmail("carol@example.com").isEmpty());
    }

    @Test
    void aTakenUsernameIsAlreadyExists() throws Exception {
        service.authenticateDevice("device-0001", "alice", true, Map.of());
        refused(Kind.ALREADY_EXISTS, "Username is already in use.",
                () -> service.authenticateCustom("custom-1", "alice", true, Map.of()));
        assertTrue(accounts.byCustomId("custom-1").isEmpty());
    }

    @Test
    void anEmailLoginChecksThePassword() throws Exception {
        assertTrue(service.authenticateEmail("Carol@Example.com", "password-1", "carol", true, Map.of()).created());
        refused(Kind.UNAUTHENTICATED, "Invalid credentials.",
                () -> service.authenticateEmail("carol@example.com", "password-2", null, true, Map.of()));
        AccountService.SessionPair login = service.authenticateEmail("carol@example.com", "password-1", null, false, Map.of());
        assertFalse(login.created());
        assertEquals("carol", service.verifySession(login.token()).orElseThrow().username());
    }

    // ---- refresh and logout ----------------------------------------------------------------

    @Test
    void refreshGivesANewPairWithTheSameTokenIdAndTheRefreshTokensVars() throws Exception {
        AccountService.SessionPair pair = service.authenticateDevice("device-0001", "alice", true, Map.of("a", "1"));
        clock.advance(Duration.ofSeconds(30));
        AccountService.SessionPair refreshed = service.refresh(pair.refreshToken(), Map.of());
        assertFalse(refreshed.created());
        TokenService.Claims before = service.verifySession(pair.token()).orElseThrow();
        TokenService.Claims after = service.verifySession(refreshed.token()).orElseThrow();
        assertEquals(before.tokenId(), after.tokenId());
        assertEquals(Map.of("a", "1"), after.vars());
        assertTrue(after.expiresAt() > before.expiresAt());
    }

    @Test
    void refreshRefusesWhatIsNotAGoodRefreshToken() throws Exception {
        AccountService.SessionPair pair = service.authenticateDevice("device-0001", "alice", true, Map.of());
        refused(Kind.INVALID_ARGUMENT, "Refresh token is required.", () -> service.refresh("", Map.of()));
        for (String bad : List.of("garbage", pair.token())) { // a session token is not a refresh token
            refused(Kind.UNAUTHENTICATED, "Refresh token invalid or expired.", () -> service.refresh(bad, Map.of()));
        }
        clock.advance(Duration.ofSeconds(3601));
        refused(Kind.UNAUTHENTICATED, "Refresh token invalid or expired.", () -> service.refresh(pair.refreshToken(), Map.of()));
    }

    @Test
    void logoutWithNoTokensEndsEverySessionOfTheCallerOnly() throws Exception {
        AccountService.SessionPair one = service.authenticateDevice("device-0001", "alice", true, Map.of());
        AccountService.SessionPair two = service.authenticateDevice("device-0001", null, true, Map.of());
        AccountService.SessionPair bob = service.authenticateDevice("device-0002", "bob", true, Map.of());
        TokenService.Claims caller = service.verifySession(one.token()).orElseThrow();

        service.logout(caller, "", "");

        assertTrue(service.verifySession(one.token()).isEmpty());
        assertTrue(service.verifySession(two.token()).isEmpty());
        refused(Kind.UNAUTHENTICATED, "Refresh token invalid or expired.", () -> service.refresh(two.refreshToken(), Map.of()));
        assertTrue(service.verifySession(bob.token()).isPresent(), "another user's session lives on");
        clock.advance(Duration.ofMillis(1));
        AccountService.SessionPair later = service.authenticateDevice("device-0001", null, true, Map.of());
        assertTrue(service.verifySession(later.token()).isPresent(), "a later login is not logged out");
    }

    @Test
    void logoutOfNamedTokensRevokesExactlyThose() throws Exception {
        AccountService.SessionPair pair = service.authenticateDevice("device-0001", "alice", true, Map.of());
        AccountService.SessionPair other = service.authenticateDevice("device-0001", null, true, Map.of());
        TokenService.Claims caller = service.verifySession(other.token()).orElseThrow();

        service.logout(caller, pair.token(), null);
        assertTrue(service.verifySession(pair.token()).isEmpty());
        assertTrue(service.verifySession(other.token()).isPresent(), "the caller's own token is kept");
        service.refresh(pair.refreshToken(), Map.of()); // the refresh token is revoked on its own, not with its session token

        service.logout(caller, null, pair.refreshToken());
        refused(Kind.UNAUTHENTICATED, "Refresh token invalid or expired.", () -> service.refresh(pair.refreshToken(), Map.of()));
    }

    @Test
    void logoutOfAnotherUsersTokenIsRefusedAndRevokesNothing() throws Exception {
        AccountService.SessionPair alice = service.authenticateDevice("device-0001", "alice", true, Map.of());
        AccountService.SessionPair bob = service.authenticateDevice("device-0002", "bob", true, Map.of());
        TokenService.Claims caller = service.verifySession(alice.token()).orElseThrow();

        refused(Kind.INVALID_ARGUMENT, "Session token invalid.", () -> service.logout(caller, bob.token(), null));
        refused(Kind.INVALID_ARGUMENT, "Refresh token invalid.", () -> service.logout(caller, null, bob.refreshToken()));
        refused(Kind.INVALID_ARGUMENT, "Session token invalid.", () -> service.logout(caller, "garbage", alice.refreshToken()));
        assertTrue(service.verifySession(bob.token()).isPresent());
        assertTrue(service.verifySession(alice.token()).isPresent());
        service.refresh(alice.refreshToken(), Map.of()); // still good: the refused call revoked nothing
    }

    // ---- read ------------------------------------------------------------------------------

    @Test
    void theAccountShowsItsCredentialsAndUnknownUsersAreNotFound() throws Exception {
        AccountService.SessionPair pair = service.authenticateDevice("device-0001", "alice", true, Map.of());
        String userId = service.verifySession(pair.token()).orElseThrow().userId();
        Account account = service.account(userId);
        assertEquals("alice", account.user().username());
        assertEquals(List.of("device-0001"), account.deviceIds());
        assertEquals(Map.of(), account.wallet());
        assertEquals("en", account.user().langTag());
        assertFalse(account.user().online());
        refused(Kind.NOT_FOUND, "User account not found.", () -> service.account("00000000-0000-4000-8000-000000000000"));
    }
}
