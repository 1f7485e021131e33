package io.gantry.core.account;

import com.heroiclabs.nakama.api.Account;
import com.heroiclabs.nakama.api.AccountDevice;
import com.heroiclabs.nakama.api.User;
import io.gantry.core.ApiTimes;
import io.gantry.core.ServiceException;
import io.gantry.core.auth.TokenService;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.CreateResult;
import io.gantry.persistence.UsernameTakenException;
import io.gantry.proto.storage.StoredAccount;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Accounts and their sessions: authenticate (device, custom id, email and password), refresh a
 * session, log out, read an account, and decide whether a session token is still good. Every rule
 * about accounts and tokens lives here, with Nakama's messages; the REST edge only parses the
 * request, calls one method and encodes the answer, and the socket upgrade calls
 * {@link #verifySession} as the REST edge does.
 *
 * <pre>{@code
 * AccountService accounts = new AccountService(store.accounts(), tokens, sessions, 3600, Clock.systemUTC());
 * AccountService.SessionPair pair = accounts.authenticateDevice("device-1234567", null, true, Map.of());
 * TokenService.Claims caller = accounts.verifySession(pair.token()).orElseThrow();
 * Account account = accounts.account(caller.userId());
 * }</pre>
 *
 * <p>Threads: {@link #verifySession} and {@link #isRevoked} are cheap (an HMAC and an in-memory
 * lookup) and safe on any thread, event loops included. Every other method reads or writes the
 * store and may cost a bcrypt: call it from a blocking executor (the REST threads), never from an
 * event loop or the router thread.
 */
public final class AccountService {

    /** Control characters and whitespace are not allowed in ids (Nakama's invalidCharsRegex). */
    private static final Pattern INVALID_ID_CHARS = Pattern.compile("[\\p{Cntrl}\\s]");
    /** Control characters and whitespace are not allowed in usernames. */
    private static final Pattern INVALID_USERNAME_CHARS = Pattern.compile("[\\p{Cntrl}\\s]");
    private static final Pattern EMAIL = Pattern.compile("^.+@.+\\..+$");
    private static final String ACCOUNT_NOT_FOUND = "User account not found.";

    /**
     * What an authentication or a refresh answers: Nakama's {@code Session}.
     *
     * @param created whether this call created the account
     */
    public record SessionPair(String token, String refreshToken, boolean created) {
    }

    private final AccountStore accounts;
    private final TokenService tokens;
    private final SessionRegistry sessions;
    private final long refreshLifetimeSec;
    private final Clock clock;

    /**
     * @param sessions           who is online, for the account's {@code online} flag
     * @param refreshLifetimeSec how long refresh tokens live: how long a "log out everywhere" must
     *                           be remembered
     */
    public AccountService(AccountStore accounts, TokenService tokens, SessionRegistry sessions,
                          long refreshLifetimeSec, Clock clock) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.refreshLifetimeSec = refreshLifetimeSec;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- authenticate ----------------------------------------------------------------------

    /**
     * Logs in with a device id, creating the account when there is none and {@code create} is set.
     * Blocking thread.
     *
     * @param usernameOrNull the username for a new account; null or empty generates one
     * @param vars           session variables carried in the tokens
     */
    public SessionPair authenticateDevice(String deviceId, String usernameOrNull, boolean create,
                                          Map<String, String> vars) throws ServiceException {
        String id = deviceId == null ? "" : deviceId;
        if (id.isEmpty()) {
            throw ServiceException.invalidArgument("Device ID is required.");
        }
        if (INVALID_ID_CHARS.matcher(id).find()) {
            throw ServiceException.invalidArgument("Device ID invalid, no spaces or control characters allowed.");
        }
        int length = utf8Length(id);
        if (length < 10 || length > 128) {
            throw ServiceException.invalidArgument("Device ID invalid, must be 10-128 bytes.");
        }
        String username = username(usernameOrNull);
        Optional<StoredAccount> existing = accounts.byDeviceId(id);
        if (existing.isPresent()) {
            return session(existing.get(), false, vars);
        }
        if (!create) {
            throw ServiceException.notFound(ACCOUNT_NOT_FOUND);
        }
        CreateResult result = create(() -> accounts.createWithDevice(id, username));
        return session(result.account(), result.created(), vars);
    }

    /** As {@link #authenticateDevice}, with a custom id (6–128 bytes). Blocking thread. */
    public SessionPair authenticateCustom(String customId, String usernameOrNull, boolean create,
                                          Map<String, String> vars) throws ServiceException {
        String id = customId == null ? "" : customId;
        if (id.isEmpty()) {
            throw ServiceException.invalidArgument("Custom ID is required.");
        }
        if (INVALID_ID_CHARS.matcher(id).find()) {
            throw ServiceException.invalidArgument("Custom ID invalid, no spaces or control characters allowed.");
        }
        int length = utf8Length(id);
        if (length < 6 || length > 128) {
            throw ServiceException.invalidArgument("Custom ID invalid, must be 6-128 bytes.");
        }
        String username = username(usernameOrNull);
        Optional<StoredAccount> existing = accounts.byCustomId(id);
        if (existing.isPresent()) {
            return session(existing.get(), false, vars);
        }
        if (!create) {
            throw ServiceException.notFound(ACCOUNT_NOT_FOUND);
        }
        CreateResult result = create(() -> accounts.createWithCustom(id, username));
        return session(result.account(), result.created(), vars);
    }

    /**
     * Logs in with an email and password (the password checked with bcrypt), or creates the
     * account when there is none and {@code create} is set. Blocking thread.
     */
    public SessionPair authenticateEmail(String email, String password, String usernameOrNull, boolean create,
                                         Map<String, String> vars) throws ServiceException {
        String address = email == null ? "" : email;
        if (address.isEmpty()) {
            throw ServiceException.invalidArgument("Email address is required.");
        }
        if (INVALID_ID_CHARS.matcher(address).find()) {
            throw ServiceException.invalidArgument("Invalid email address, no spaces or control characters allowed.");
        }
        int length = utf8Length(address);
        if (length < 10 || length > 255) {
            throw ServiceException.invalidArgument("Invalid email address, must be 10-255 bytes.");
        }
        if (!EMAIL.matcher(address).matches()) {
            throw ServiceException.invalidArgument("Invalid email address format.");
        }
        String secret = password == null ? "" : password;
        if (secret.isEmpty()) {
            throw ServiceException.invalidArgument("Password is required.");
        }
        if (utf8Length(secret) < 8) {
            throw ServiceException.invalidArgument("Password must be at least 8 characters long.");
        }
        String username = username(usernameOrNull);
        Optional<StoredAccount> existing = accounts.byEmail(address);
        if (existing.isPresent()) {
            return login(existing.get(), secret, vars);
        }
        if (!create) {
            throw ServiceException.notFound(ACCOUNT_NOT_FOUND);
        }
        CreateResult result = create(() -> accounts.createWithEmail(address, secret, username));
        if (!result.created()) {
            // someone created this email meanwhile: it is a login now
            return login(result.account(), secret, vars);
        }
        return session(result.account(), true, vars);
    }

    private SessionPair login(StoredAccount account, String password, Map<String, String> vars)
            throws ServiceException {
        if (!accounts.checkPassword(account, password)) {
            throw ServiceException.unauthenticated("Invalid credentials.");
        }
        return session(account, false, vars);
    }

    // ---- sessions --------------------------------------------------------------------------

    /**
     * A new pair for a refresh token that verifies and was not logged out, as Nakama 3.18 answers:
     * the refresh token's id, the account's current username, new expiries, and {@code vars} or,
     * when none are given, the refresh token's. Blocking thread.
     */
    public SessionPair refresh(String refreshToken, Map<String, String> vars) throws ServiceException {
        if (refreshToken == null || refreshToken.isEmpty()) {
            throw ServiceException.invalidArgument("Refresh token is required.");
        }
        Optional<TokenService.Claims> verified = tokens.verifyRefresh(refreshToken)
                .filter(c -> !accounts.isTokenRevoked(refreshRevocationKey(c), c.userId(), c.issuedAtMs()));
        if (verified.isEmpty()) {
            throw ServiceException.unauthenticated("Refresh token invalid or expired.");
        }
        TokenService.Claims claims = verified.get();
        StoredAccount account = existing(claims.userId());
        TokenService.Issued issued = tokens.refresh(claims, account.getUsername(), vars);
        return new SessionPair(issued.token(), issued.refreshToken(), false);
    }

    /**
     * As Nakama's {@code SessionLogout}: revokes exactly the tokens given, each of which must
     * verify and belong to the caller ("Session token invalid." / "Refresh token invalid.", and
     * nothing is revoked otherwise); giving neither ends every session of the caller. The caller's
     * own token is revoked only when it is given. Blocking thread.
     *
     * @param caller              the verified claims of the token the request came with
     * @param sessionTokenOrEmpty a session token to revoke; null or empty for none
     * @param refreshTokenOrEmpty a refresh token to revoke; null or empty for none
     */
    public void logout(TokenService.Claims caller, String sessionTokenOrEmpty, String refreshTokenOrEmpty)
            throws ServiceException {
        TokenService.Claims session = null;
        TokenService.Claims refresh = null;
        if (sessionTokenOrEmpty != null && !sessionTokenOrEmpty.isEmpty()) {
            session = tokens.verifySession(sessionTokenOrEmpty)
                    .filter(c -> c.userId().equals(caller.userId()))
                    .orElse(null);
            if (session == null) {
                throw ServiceException.invalidArgument("Session token invalid.");
            }
        }
        if (refreshTokenOrEmpty != null && !refreshTokenOrEmpty.isEmpty()) {
            refresh = tokens.verifyRefresh(refreshTokenOrEmpty)
                    .filter(c -> c.userId().equals(caller.userId()))
                    .orElse(null);
            if (refresh == null) {
                throw ServiceException.invalidArgument("Refresh token invalid.");
            }
        }
        if (session == null && refresh == null) {
            long nowMs = clock.millis();
            accounts.revokeAllTokens(caller.userId(), nowMs, nowMs / 1000L + refreshLifetimeSec);
            return;
        }
        if (session != null) {
            accounts.revokeToken(session.tokenId(), session.expiresAt());
        }
        if (refresh != null) {
            // A session token and the refresh token issued with it share a token id, but Nakama
            // revokes each kind on its own: the refresh token's mark has a key of its own.
            accounts.revokeToken(refreshRevocationKey(refresh), refresh.expiresAt());
        }
    }

    /**
     * A session token's claims if it verifies, has not expired and was not logged out (by itself
     * or by a logout of all its user's sessions); empty for anything else. Any thread: an HMAC
     * and an in-memory lookup.
     */
    public Optional<TokenService.Claims> verifySession(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return tokens.verifySession(token).filter(claims -> !isRevoked(claims));
    }

    /** Whether a verified session token was logged out. Any thread (in memory). */
    public boolean isRevoked(TokenService.Claims claims) {
        return accounts.isTokenRevoked(claims.tokenId(), claims.userId(), claims.issuedAtMs());
    }

    private static String refreshRevocationKey(TokenService.Claims refresh) {
        return "refresh:" + refresh.tokenId();
    }

    // ---- read ------------------------------------------------------------------------------

    /** The caller's own account, as {@code GET /v2/account} answers it. Blocking thread. */
    public Account account(String userId) throws ServiceException {
        StoredAccount stored = existing(userId);
        Account.Builder account = Account.newBuilder()
                .setUser(user(stored, sessions.isOnline(stored.getId())))
                .setWallet("{}")
                .setEmail(stored.getEmail())
                .setCustomId(stored.getCustomId());
        for (String deviceId : stored.getDeviceIdsList()) {
            account.addDevices(AccountDevice.newBuilder().setId(deviceId));
        }
        return account.build();
    }

    /** The public view of an account. */
    public static User user(StoredAccount stored, boolean online) {
        return User.newBuilder()
                .setId(stored.getId())
                .setUsername(stored.getUsername())
                .setDisplayName(stored.getDisplayName())
                .setAvatarUrl(stored.getAvatarUrl())
                .setLangTag(stored.getLangTag().isEmpty() ? "en" : stored.getLangTag())
                .setLocation(stored.getLocation())
                .setTimezone(stored.getTimezone())
                .setMetadata(stored.getMetadata().isEmpty() ? "{}" : stored.getMetadata())
                .setOnline(online)
                .setCreateTime(ApiTimes.ofMillis(stored.getCreateTimeMs()))
                .setUpdateTime(ApiTimes.ofMillis(stored.getUpdateTimeMs()))
                .build();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private StoredAccount existing(String userId) throws ServiceException {
        Optional<StoredAccount> account = accounts.byId(userId);
        if (account.isEmpty()) {
            throw ServiceException.notFound(ACCOUNT_NOT_FOUND);
        }
        return account.get();
    }

    private SessionPair session(StoredAccount account, boolean created, Map<String, String> vars) {
        TokenService.Issued issued = tokens.issue(account.getId(), account.getUsername(), vars);
        return new SessionPair(issued.token(), issued.refreshToken(), created);
    }

    /** A username for a new account: null when none was asked for, else Nakama's rules. */
    private static String username(String username) throws ServiceException {
        if (username == null || username.isEmpty()) {
            return null;
        }
        if (INVALID_USERNAME_CHARS.matcher(username).find()) {
            throw ServiceException.invalidArgument("Username invalid, no spaces or control characters allowed.");
        }
        if (utf8Length(username) > 128) {
            throw ServiceException.invalidArgument("Username invalid, must be 1-128 bytes.");
        }
        return username;
    }

    private static CreateResult create(Supplier<CreateResult> creation) throws ServiceException {
        try {
            return creation.get();
        } catch (UsernameTakenException e) {
            throw ServiceException.alreadyExists("Username is already in use.");
        }
    }

    private static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
