package io.gantry.core.account;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.gantry.core.ServiceException;
import io.gantry.core.auth.TokenService;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.CreateResult;
import io.gantry.persistence.UsernameTakenException;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.runtime.Account;
import io.gantry.runtime.AccountUpdate;
import io.gantry.runtime.EmailCredentials;
import io.gantry.runtime.User;
import io.gantry.runtime.UsersRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.function.ToIntFunction;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Accounts and their sessions: authenticate (device, custom id, email and password), refresh a
 * session, log out, read and update an account, link and unlink its identifiers, read users'
 * public profiles, and decide whether a session token is still good. Every rule
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
 * <p>Threads: {@link #verifySession}, {@link #isRevoked} and {@link #authenticateDeviceInMemory} are
 * cheap (HMACs and in-memory lookups) and safe on any thread, event loops included. Every other method reads or writes the
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
    /** Nakama's invalidUsernameRegex for updates: POSIX control characters (a space is allowed). */
    private static final Pattern CONTROL_CHARS = Pattern.compile("\\p{Cntrl}");
    /** A UUID in its 8-4-4-4-12 hex form, either case. */
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

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
    /** How many friend edges go out of a user, for {@code edge_count}. */
    private final ToIntFunction<String> edgeCounts;

    /**
     * @param sessions           who is online, for the account's {@code online} flag
     * @param refreshLifetimeSec how long refresh tokens live: how long a "log out everywhere" must
     *                           be remembered
     */
    public AccountService(AccountStore accounts, TokenService tokens, SessionRegistry sessions,
                          long refreshLifetimeSec, Clock clock) {
        this(accounts, tokens, sessions, refreshLifetimeSec, clock, userId -> 0);
    }

    /** As above, with the friend edge counts users and accounts show ({@code FriendStore::count}). */
    public AccountService(AccountStore accounts, TokenService tokens, SessionRegistry sessions,
                          long refreshLifetimeSec, Clock clock, ToIntFunction<String> edgeCounts) {
        this.edgeCounts = Objects.requireNonNull(edgeCounts, "edgeCounts");
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
        String id = checkedId(deviceId, "Device ID is required.",
                "Device ID invalid, no spaces or control characters allowed.", 10, 128,
                "Device ID invalid, must be 10-128 bytes.");
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

    /**
     * As {@link #authenticateDevice} for a device whose account the store finds in memory
     * ({@link AccountStore#byDeviceIdInMemory}): the same checks and messages, then the session;
     * empty when the account is not found that way (none, or not in memory), and the caller then
     * calls {@link #authenticateDevice} on a blocking thread. Any thread, event loops included: no
     * I/O, no lock, two HMACs.
     */
    public Optional<SessionPair> authenticateDeviceInMemory(String deviceId, String usernameOrNull,
                                                            Map<String, String> vars) throws ServiceException {
        String id = checkedId(deviceId, "Device ID is required.",
                "Device ID invalid, no spaces or control characters allowed.", 10, 128,
                "Device ID invalid, must be 10-128 bytes.");
        username(usernameOrNull);
        Optional<StoredAccount> existing = accounts.byDeviceIdInMemory(id);
        return existing.isPresent() ? Optional.of(session(existing.get(), false, vars)) : Optional.empty();
    }

    /** As {@link #authenticateDevice}, with a custom id (6–128 bytes). Blocking thread. */
    public SessionPair authenticateCustom(String customId, String usernameOrNull, boolean create,
                                          Map<String, String> vars) throws ServiceException {
        String id = checkedId(customId, "Custom ID is required.",
                "Custom ID invalid, no spaces or control characters allowed.", 6, 128,
                "Custom ID invalid, must be 6-128 bytes.");
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
            revoked.accept(caller.userId());
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
        revoked.accept(caller.userId());
    }

    /** Told of every logout after its revocations are stored (a cluster tells the other nodes). */
    private volatile java.util.function.Consumer<String> revoked = userId -> { };

    /** Who hears of logouts: the cluster, which has every other node read the new revocations. */
    public void onRevoked(java.util.function.Consumer<String> listener) {
        this.revoked = Objects.requireNonNull(listener, "listener");
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
        List<String> devices = new ArrayList<>(stored.getDeviceIdsList());
        devices.sort(null);   // Nakama lists them by id
        return new Account(user(stored, sessions.isOnline(stored.getId()), edgeCounts.applyAsInt(stored.getId())), wallet(stored.getWallet()),
                stored.getEmail(), devices, stored.getCustomId());
    }

    /** The public view of an account. */
    public static User user(StoredAccount stored, boolean online) {
        return user(stored, online, 0);
    }

    /** The public view of an account with its friend edge count. */
    public static User user(StoredAccount stored, boolean online, int edgeCount) {
        return new User(stored.getId(), stored.getUsername(), stored.getDisplayName(), stored.getAvatarUrl(),
                stored.getLangTagSet() || !stored.getLangTag().isEmpty() ? stored.getLangTag() : "en",
                stored.getLocation(), stored.getTimezone(),
                stored.getMetadata().isEmpty() ? "{}" : stored.getMetadata(), online, edgeCount,
                Instant.ofEpochMilli(stored.getCreateTimeMs()), Instant.ofEpochMilli(stored.getUpdateTimeMs()));
    }

    /** A stored wallet ("" is empty) as currency to amount. */
    public static Map<String, Long> wallet(String json) {
        Map<String, Long> wallet = new TreeMap<>();
        if (json == null || json.isEmpty()) {
            return wallet;
        }
        for (Map.Entry<String, JsonElement> e : JsonParser.parseString(json).getAsJsonObject().entrySet()) {
            wallet.put(e.getKey(), e.getValue().getAsLong());
        }
        return wallet;
    }

    /**
     * {@code GET /v2/user}: the users with these ids or usernames, each once, in the order they were
     * created (Nakama answers in its table's order); unknown ones are skipped. {@code online} is set
     * for users with a socket that asked to appear online. Blocking thread.
     */
    public List<User> users(UsersRequest request) throws ServiceException {
        List<String> ids = new ArrayList<>(request.ids().size());
        for (String id : request.ids()) {
            if (id == null || !UUID_TEXT.matcher(id).matches()) {
                throw ServiceException.invalidArgument("ID '" + (id == null ? "" : id) + "' is not a valid system ID.");
            }
            ids.add(id.toLowerCase(Locale.ROOT));
        }
        Map<String, StoredAccount> found = new LinkedHashMap<>();
        for (String id : ids) {
            if (!found.containsKey(id)) {
                accounts.byId(id).ifPresent(a -> found.put(a.getId(), a));
            }
        }
        for (String username : request.usernames()) {
            if (username != null && !username.isEmpty()) {
                accounts.byUsername(username).ifPresent(a -> found.putIfAbsent(a.getId(), a));
            }
        }
        List<StoredAccount> ordered = new ArrayList<>(found.values());
        ordered.sort(Comparator.comparingLong(StoredAccount::getCreateTimeMs).thenComparing(StoredAccount::getId));
        List<User> users = new ArrayList<>(ordered.size());
        for (StoredAccount a : ordered) {
            users.add(user(a, sessions.appearsOnline(a.getId()), edgeCounts.applyAsInt(a.getId())));
        }
        return users;
    }

    // ---- update ----------------------------------------------------------------------------

    /**
     * {@code PUT /v2/account} (and server code's update, which may also set {@code metadata}): Nakama's
     * rules and messages; a value too long for Nakama's columns, or an empty lang tag, is refused with
     * 400 and the field's name (Nakama's database refuses them with a 500). Blocking thread.
     */
    public void updateAccount(String userId, AccountUpdate update) throws ServiceException {
        String username = update.username();
        if (username != null) {
            int length = utf8Length(username);
            if (length < 1 || length > 128) {
                throw ServiceException.invalidArgument("Username invalid, must be 1-128 bytes.");
            }
            if (CONTROL_CHARS.matcher(username).find()) {
                throw ServiceException.invalidArgument("Username invalid, no spaces or control characters allowed.");
            }
        }
        if (username == null && update.displayName() == null && update.avatarUrl() == null && update.langTag() == null
                && update.location() == null && update.timezone() == null && update.metadata() == null) {
            throw ServiceException.invalidArgument("No fields to update.");
        }
        if (update.metadata() != null && !isJsonObject(update.metadata())) {
            throw ServiceException.invalidArgument("Metadata must be a valid JSON object.");
        }
        // Nakama's columns hold these lengths and its lang_tag cannot be empty; its database's refusal
        // reaches the client as 500 "Error while trying to update account.". Gantry says which field
        // is wrong, with 400 (docs/COMPATIBILITY.md).
        checkLength(update.displayName(), 255, "Display name invalid, must be at most 255 characters.");
        checkLength(update.avatarUrl(), 512, "Avatar URL invalid, must be at most 512 characters.");
        checkLength(update.location(), 255, "Location invalid, must be at most 255 characters.");
        checkLength(update.timezone(), 255, "Timezone invalid, must be at most 255 characters.");
        if (update.langTag() != null && (update.langTag().isEmpty() || tooLong(update.langTag(), 18))) {
            throw ServiceException.invalidArgument("Lang tag invalid, must be 1-18 characters.");
        }
        try {
            Optional<StoredAccount> updated = accounts.updateProfile(userId, new AccountStore.ProfileChanges(username,
                    update.displayName(), update.avatarUrl(), update.langTag(), update.location(), update.timezone(),
                    update.metadata()));
            if (updated.isEmpty()) {
                throw ServiceException.notFound(ACCOUNT_NOT_FOUND);
            }
        } catch (UsernameTakenException e) {
            throw ServiceException.invalidArgument("Username is already in use.");
        }
    }

    private static void checkLength(String value, int maxChars, String message) throws ServiceException {
        if (tooLong(value, maxChars)) {
            throw ServiceException.invalidArgument(message);
        }
    }

    private static boolean tooLong(String value, int maxChars) {
        return value != null && value.codePointCount(0, value.length()) > maxChars;
    }

    static boolean isJsonObject(String json) {
        try {
            return JsonParser.parseString(json).isJsonObject();
        } catch (JsonParseException e) {
            return false;
        }
    }

    // ---- link and unlink ---------------------------------------------------------------------

    /** {@code POST /v2/account/link/device}. Blocking thread. */
    public void linkDevice(String userId, String deviceId) throws ServiceException {
        String id = checkedId(deviceId, "Device ID is required.",
                "Device ID invalid, no spaces or control characters allowed.", 10, 128,
                "Device ID invalid, must be 10-128 bytes.");
        linked(accounts.linkDevice(userId, id), "Device ID already in use.");
    }

    /** {@code POST /v2/account/link/custom}. Blocking thread. */
    public void linkCustom(String userId, String customId) throws ServiceException {
        // Nakama words the link's refusals otherwise than the authentication's
        String id = checkedId(customId, "Custom ID is required.",
                "Invalid custom ID, no spaces or control characters allowed.", 6, 128,
                "Invalid custom ID, must be 6-128 bytes.");
        linked(accounts.linkCustom(userId, id), "Custom ID is already in use.");
    }

    /** {@code POST /v2/account/link/email}: Nakama's checks in Nakama's order. Blocking thread (bcrypt). */
    public void linkEmail(String userId, EmailCredentials credentials) throws ServiceException {
        String email = credentials == null || credentials.email() == null ? "" : credentials.email();
        String password = credentials == null || credentials.password() == null ? "" : credentials.password();
        if (email.isEmpty() || password.isEmpty()) {
            throw ServiceException.invalidArgument("Email address and password is required.");
        }
        if (INVALID_ID_CHARS.matcher(email).find()) {
            throw ServiceException.invalidArgument("Invalid email address, no spaces or control characters allowed.");
        }
        if (utf8Length(password) < 8) {
            throw ServiceException.invalidArgument("Password must be at least 8 characters long.");
        }
        if (!EMAIL.matcher(email).matches()) {
            throw ServiceException.invalidArgument("Invalid email address format.");
        }
        int length = utf8Length(email);
        if (length < 10 || length > 255) {
            throw ServiceException.invalidArgument("Invalid email address, must be 10-255 bytes.");
        }
        linked(accounts.linkEmail(userId, email, password), "Email is already in use.");
    }

    private static void linked(AccountStore.LinkResult result, String inUse) throws ServiceException {
        switch (result) {
            case LINKED -> { }
            case IN_USE -> throw ServiceException.alreadyExists(inUse);
            case NO_ACCOUNT -> throw ServiceException.notFound(ACCOUNT_NOT_FOUND);
        }
    }

    /** {@code POST /v2/account/unlink/device}. Blocking thread. */
    public void unlinkDevice(String userId, String deviceId) throws ServiceException {
        if (deviceId == null || deviceId.isEmpty()) {
            throw ServiceException.invalidArgument("A device ID must be supplied.");
        }
        unlinked(accounts.unlinkDevice(userId, deviceId));
    }

    /** {@code POST /v2/account/unlink/custom}: "" unlinks whatever custom id is linked, as Nakama. Blocking thread. */
    public void unlinkCustom(String userId, String customId) throws ServiceException {
        unlinked(accounts.unlinkCustom(userId, customId == null ? "" : customId));
    }

    /** {@code POST /v2/account/unlink/email}: the password is not checked, as Nakama. Blocking thread. */
    public void unlinkEmail(String userId, EmailCredentials credentials) throws ServiceException {
        unlinked(accounts.unlinkEmail(userId, credentials == null || credentials.email() == null ? "" : credentials.email()));
    }

    private static void unlinked(boolean done) throws ServiceException {
        if (!done) {
            throw ServiceException.permissionDenied(
                    "Cannot unlink last account identifier. Check profile exists and is not last link.");
        }
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

    /** A device or custom id that passes Nakama's checks, in Nakama's order, with the caller's messages. */
    private static String checkedId(String value, String required, String badChars, int min, int max, String badLength)
            throws ServiceException {
        String id = value == null ? "" : value;
        if (id.isEmpty()) {
            throw ServiceException.invalidArgument(required);
        }
        if (INVALID_ID_CHARS.matcher(id).find()) {
            throw ServiceException.invalidArgument(badChars);
        }
        int length = utf8Length(id);
        if (length < min || length > max) {
            throw ServiceException.invalidArgument(badLength);
        }
        return id;
    }

    private static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
