package io.gantry.transport.http;

import com.heroiclabs.nakama.api.Account;
import com.heroiclabs.nakama.api.AccountCustom;
import com.heroiclabs.nakama.api.AccountDevice;
import com.heroiclabs.nakama.api.AccountEmail;
import com.heroiclabs.nakama.api.Session;
import com.heroiclabs.nakama.api.SessionLogoutRequest;
import com.heroiclabs.nakama.api.SessionRefreshRequest;
import com.heroiclabs.nakama.api.User;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.CreateResult;
import io.gantry.persistence.UsernameTakenException;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.transport.auth.TokenService;
import io.netty.handler.codec.http.HttpMethod;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The account endpoints: authenticate by device, custom id or email and password, refresh a
 * session, log out, and read the account. Input rules and messages are Nakama's.
 */
public final class AccountApi {

    /** Control characters and whitespace are not allowed in ids (Nakama's invalidCharsRegex). */
    private static final Pattern INVALID_ID_CHARS = Pattern.compile("[\\p{Cntrl}\\s]");
    /** Control characters and whitespace are not allowed in usernames. */
    private static final Pattern INVALID_USERNAME_CHARS = Pattern.compile("[\\p{Cntrl}\\s]");
    private static final Pattern EMAIL = Pattern.compile("^.+@.+\\..+$");

    private final AccountStore accounts;
    private final TokenService tokens;
    private final SessionRegistry sessions;
    private final long refreshLifetimeSec;

    /**
     * @param refreshLifetimeSec how long refresh tokens live: how long a "log out everywhere" must
     *                           be remembered
     */
    public AccountApi(AccountStore accounts, TokenService tokens, SessionRegistry sessions, long refreshLifetimeSec) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.sessions = sessions;
        this.refreshLifetimeSec = refreshLifetimeSec;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.POST, "/v2/account/authenticate/device", AuthMode.SERVER_KEY, this::authenticateDevice)
                .add(HttpMethod.POST, "/v2/account/authenticate/custom", AuthMode.SERVER_KEY, this::authenticateCustom)
                .add(HttpMethod.POST, "/v2/account/authenticate/email", AuthMode.SERVER_KEY, this::authenticateEmail)
                .add(HttpMethod.POST, "/v2/account/session/refresh", AuthMode.SERVER_KEY, this::refresh)
                .add(HttpMethod.POST, "/v2/session/logout", AuthMode.SESSION, this::logout)
                .add(HttpMethod.GET, "/v2/account", AuthMode.SESSION, this::getAccount)
                .add(HttpMethod.GET, "/healthcheck", AuthMode.NONE, request -> ApiResponse.empty());
    }

    ApiResponse authenticateDevice(ApiRequest request) throws ApiException {
        AccountDevice device = request.bodyAs(AccountDevice.newBuilder()).build();
        String id = device.getId();
        if (id.isEmpty()) {
            throw ApiException.badInput("Device ID is required.");
        }
        if (INVALID_ID_CHARS.matcher(id).find()) {
            throw ApiException.badInput("Device ID invalid, no spaces or control characters allowed.");
        }
        int length = utf8Length(id);
        if (length < 10 || length > 128) {
            throw ApiException.badInput("Device ID invalid, must be 10-128 bytes.");
        }
        String username = username(request);
        boolean create = request.queryBoolean("create", true);
        Optional<StoredAccount> existing = accounts.byDeviceId(id);
        if (existing.isPresent()) {
            return session(existing.get(), false, device.getVarsMap());
        }
        if (!create) {
            throw ApiException.notFound("User account not found.");
        }
        CreateResult result = create(() -> accounts.createWithDevice(id, username));
        return session(result.account(), result.created(), device.getVarsMap());
    }

    ApiResponse authenticateCustom(ApiRequest request) throws ApiException {
        AccountCustom custom = request.bodyAs(AccountCustom.newBuilder()).build();
        String id = custom.getId();
        if (id.isEmpty()) {
            throw ApiException.badInput("Custom ID is required.");
        }
        if (INVALID_ID_CHARS.matcher(id).find()) {
            throw ApiException.badInput("Custom ID invalid, no spaces or control characters allowed.");
        }
        int length = utf8Length(id);
        if (length < 6 || length > 128) {
            throw ApiException.badInput("Custom ID invalid, must be 6-128 bytes.");
        }
        String username = username(request);
        boolean create = request.queryBoolean("create", true);
        Optional<StoredAccount> existing = accounts.byCustomId(id);
        if (existing.isPresent()) {
            return session(existing.get(), false, custom.getVarsMap());
        }
        if (!create) {
            throw ApiException.notFound("User account not found.");
        }
        CreateResult result = create(() -> accounts.createWithCustom(id, username));
        return session(result.account(), result.created(), custom.getVarsMap());
    }

    ApiResponse authenticateEmail(ApiRequest request) throws ApiException {
        AccountEmail email = request.bodyAs(AccountEmail.newBuilder()).build();
        String address = email.getEmail();
        if (address.isEmpty()) {
            throw ApiException.badInput("Email address is required.");
        }
        if (INVALID_ID_CHARS.matcher(address).find()) {
            throw ApiException.badInput("Invalid email address, no spaces or control characters allowed.");
        }
        int length = utf8Length(address);
        if (length < 10 || length > 255) {
            throw ApiException.badInput("Invalid email address, must be 10-255 bytes.");
        }
        if (!EMAIL.matcher(address).matches()) {
            throw ApiException.badInput("Invalid email address format.");
        }
        String password = email.getPassword();
        if (password.isEmpty()) {
            throw ApiException.badInput("Password is required.");
        }
        if (utf8Length(password) < 8) {
            throw ApiException.badInput("Password must be at least 8 characters long.");
        }
        String username = username(request);
        boolean create = request.queryBoolean("create", true);
        Optional<StoredAccount> existing = accounts.byEmail(address);
        if (existing.isPresent()) {
            return login(existing.get(), password, email.getVarsMap());
        }
        if (!create) {
            throw ApiException.notFound("User account not found.");
        }
        CreateResult result = create(() -> accounts.createWithEmail(address, password, username));
        if (!result.created()) {
            // someone created this email meanwhile: it is a login now
            return login(result.account(), password, email.getVarsMap());
        }
        return session(result.account(), true, email.getVarsMap());
    }

    private ApiResponse login(StoredAccount account, String password, Map<String, String> vars) throws ApiException {
        if (!accounts.checkPassword(account, password)) {
            throw ApiException.unauthenticated("Invalid credentials.");
        }
        return session(account, false, vars);
    }

    ApiResponse refresh(ApiRequest request) throws ApiException {
        SessionRefreshRequest refresh = request.bodyAs(SessionRefreshRequest.newBuilder()).build();
        if (refresh.getToken().isEmpty()) {
            throw ApiException.badInput("Refresh token is required.");
        }
        TokenService.Claims claims = tokens.verifyRefresh(refresh.getToken())
                .filter(c -> !accounts.isTokenRevoked(refreshRevocationKey(c), c.userId(), c.issuedAtMs()))
                .orElseThrow(() -> ApiException.unauthenticated("Refresh token invalid or expired."));
        StoredAccount account = accounts.byId(claims.userId())
                .orElseThrow(() -> ApiException.notFound("User account not found."));
        // As Nakama 3.18: a new pair with the refresh token's id, the current username and new expiries.
        TokenService.Issued issued = tokens.refresh(claims, account.getUsername(), refresh.getVarsMap());
        return ApiResponse.ok(Session.newBuilder()
                .setCreated(false)
                .setToken(issued.token())
                .setRefreshToken(issued.refreshToken())
                .build());
    }

    /**
     * As Nakama's {@code SessionLogout}: revokes exactly the tokens named in the body, each of which
     * must verify and belong to the caller ("Session token invalid." / "Refresh token invalid.",
     * 400, nothing revoked otherwise); a body that names neither ends every session of the user.
     * The caller's own bearer token is revoked only when the body names it.
     */
    ApiResponse logout(ApiRequest request) throws ApiException {
        SessionLogoutRequest logout = request.bodyAs(SessionLogoutRequest.newBuilder()).build();
        TokenService.Claims caller = request.caller();
        TokenService.Claims session = null;
        TokenService.Claims refresh = null;
        if (!logout.getToken().isEmpty()) {
            session = tokens.verifySession(logout.getToken())
                    .filter(c -> c.userId().equals(caller.userId()))
                    .orElseThrow(() -> ApiException.badInput("Session token invalid."));
        }
        if (!logout.getRefreshToken().isEmpty()) {
            refresh = tokens.verifyRefresh(logout.getRefreshToken())
                    .filter(c -> c.userId().equals(caller.userId()))
                    .orElseThrow(() -> ApiException.badInput("Refresh token invalid."));
        }
        if (session == null && refresh == null) {
            accounts.revokeAllTokens(caller.userId(), System.currentTimeMillis(),
                    System.currentTimeMillis() / 1000L + refreshLifetimeSec);
            return ApiResponse.empty();
        }
        if (session != null) {
            accounts.revokeToken(session.tokenId(), session.expiresAt());
        }
        if (refresh != null) {
            // A session token and the refresh token issued with it share a token id, but Nakama
            // revokes each kind on its own: the refresh token's mark has a key of its own.
            accounts.revokeToken(refreshRevocationKey(refresh), refresh.expiresAt());
        }
        return ApiResponse.empty();
    }

    private static String refreshRevocationKey(TokenService.Claims refresh) {
        return "refresh:" + refresh.tokenId();
    }

    ApiResponse getAccount(ApiRequest request) throws ApiException {
        StoredAccount stored = accounts.byId(request.caller().userId())
                .orElseThrow(() -> ApiException.notFound("User account not found."));
        Account.Builder account = Account.newBuilder()
                .setUser(user(stored, sessions.isOnline(stored.getId())))
                .setWallet("{}")
                .setEmail(stored.getEmail())
                .setCustomId(stored.getCustomId());
        for (String deviceId : stored.getDeviceIdsList()) {
            account.addDevices(AccountDevice.newBuilder().setId(deviceId));
        }
        return ApiResponse.ok(account.build());
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
                .setCreateTime(io.gantry.core.ApiTimes.ofMillis(stored.getCreateTimeMs()))
                .setUpdateTime(io.gantry.core.ApiTimes.ofMillis(stored.getUpdateTimeMs()))
                .build();
    }

    private ApiResponse session(StoredAccount account, boolean created, Map<String, String> vars) {
        TokenService.Issued issued = tokens.issue(account.getId(), account.getUsername(), vars);
        return ApiResponse.ok(Session.newBuilder()
                .setCreated(created)
                .setToken(issued.token())
                .setRefreshToken(issued.refreshToken())
                .build());
    }

    private static String username(ApiRequest request) throws ApiException {
        String username = request.queryParam("username");
        if (username == null || username.isEmpty()) {
            return null;
        }
        if (INVALID_USERNAME_CHARS.matcher(username).find()) {
            throw ApiException.badInput("Username invalid, no spaces or control characters allowed.");
        }
        if (utf8Length(username) > 128) {
            throw ApiException.badInput("Username invalid, must be 1-128 bytes.");
        }
        return username;
    }

    private interface Creation {
        CreateResult create();
    }

    private static CreateResult create(Creation creation) throws ApiException {
        try {
            return creation.create();
        } catch (UsernameTakenException e) {
            throw ApiException.alreadyExists("Username is already in use.");
        }
    }

    private static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
