package io.gantry.transport.http;

import com.heroiclabs.nakama.api.AccountCustom;
import com.heroiclabs.nakama.api.AccountDevice;
import com.heroiclabs.nakama.api.AccountEmail;
import com.heroiclabs.nakama.api.Session;
import com.heroiclabs.nakama.api.SessionLogoutRequest;
import com.heroiclabs.nakama.api.SessionRefreshRequest;
import com.google.gson.JsonObject;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import com.heroiclabs.nakama.api.Account;
import com.heroiclabs.nakama.api.UpdateAccountRequest;
import com.heroiclabs.nakama.api.User;
import com.heroiclabs.nakama.api.Users;
import io.gantry.core.ServiceException;
import io.gantry.core.account.AccountDeletion;
import io.gantry.core.account.AccountService;
import io.gantry.core.runtime.ApiHooks;
import io.gantry.runtime.AccountUpdate;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.EmailCredentials;
import io.gantry.runtime.HookContext;
import io.gantry.runtime.UsersRequest;
import io.netty.handler.codec.http.HttpMethod;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The account endpoints: authenticate by device, custom id or email and password, refresh a
 * session, log out, read, update and delete the account, link and unlink its identifiers, and read
 * users. Each parses the request, calls {@link AccountService} (which holds the rules and Nakama's
 * messages) through server code's hooks ({@link ApiHooks}) and encodes the answer. A call that server
 * code hooked runs on the user-code executor, the others on the API executor, except the login of
 * a device whose account the store has in memory, answered on the event loop
 * ({@link #authenticateDeviceInMemory}).
 */
public final class AccountApi {

    private final AccountService accounts;
    private final AccountDeletion deletion;
    private final ApiHooks hooks;
    private final Executor userCode;

    /**
     * @param userCode runs the calls server code hooked (the RPC executor): hooks are user code
     */
    public AccountApi(AccountService accounts, AccountDeletion deletion, ApiHooks hooks, Executor userCode) {
        this.accounts = accounts;
        this.deletion = deletion;
        this.hooks = hooks;
        this.userCode = userCode;
    }

    public void register(ApiRoutes routes) {
        routes.addInline(HttpMethod.POST, "/v2/account/authenticate/device", AuthMode.SERVER_KEY,
                        this::authenticateDeviceInMemory, ApiHandler.of(this::authenticateDevice))
                .add(HttpMethod.POST, "/v2/account/authenticate/custom", AuthMode.SERVER_KEY, ApiHandler.of(this::authenticateCustom))
                .add(HttpMethod.POST, "/v2/account/authenticate/email", AuthMode.SERVER_KEY, ApiHandler.of(this::authenticateEmail))
                .add(HttpMethod.POST, "/v2/account/session/refresh", AuthMode.SERVER_KEY, ApiHandler.of(this::refresh))
                .add(HttpMethod.POST, "/v2/session/logout", AuthMode.SESSION, ApiHandler.of(this::logout))
                .add(HttpMethod.GET, "/healthcheck", AuthMode.NONE, request -> ApiResponse.empty());
        routes.hookable(HttpMethod.GET, "/v2/account", ApiCall.GET_ACCOUNT, hooks, userCode, this::getAccount);
        routes.hookable(HttpMethod.PUT, "/v2/account", ApiCall.UPDATE_ACCOUNT, hooks, userCode, this::updateAccount);
        routes.hookable(HttpMethod.DELETE, "/v2/account", ApiCall.DELETE_ACCOUNT, hooks, userCode, this::deleteAccount);
        routes.hookable(HttpMethod.GET, "/v2/user", ApiCall.GET_USERS, hooks, userCode, this::getUsers);
        routes.hookable(HttpMethod.POST, "/v2/account/link/device", ApiCall.LINK_DEVICE, hooks, userCode, this::linkDevice);
        routes.hookable(HttpMethod.POST, "/v2/account/link/custom", ApiCall.LINK_CUSTOM, hooks, userCode, this::linkCustom);
        routes.hookable(HttpMethod.POST, "/v2/account/link/email", ApiCall.LINK_EMAIL, hooks, userCode, this::linkEmail);
        routes.hookable(HttpMethod.POST, "/v2/account/unlink/device", ApiCall.UNLINK_DEVICE, hooks, userCode, this::unlinkDevice);
        routes.hookable(HttpMethod.POST, "/v2/account/unlink/custom", ApiCall.UNLINK_CUSTOM, hooks, userCode, this::unlinkCustom);
        routes.hookable(HttpMethod.POST, "/v2/account/unlink/email", ApiCall.UNLINK_EMAIL, hooks, userCode, this::unlinkEmail);
    }

    ApiResponse authenticateDevice(ApiRequest request) throws ApiException, ServiceException {
        AccountDevice device = request.bodyAs(AccountDevice.newBuilder()).build();
        boolean create = request.queryBoolean("create", true);
        return session(accounts.authenticateDevice(device.getId(), request.queryParam("username"), create,
                device.getVarsMap()));
    }

    /**
     * Event loop: the login of a device whose account the store has in memory, answered without
     * leaving the loop; null (to {@link #authenticateDevice} on the API executor) for any other
     * device, new ones included, whose creation waits for its durable write there. A bad body or
     * device id is refused here with the same messages.
     */
    ApiResponse authenticateDeviceInMemory(ApiRequest request) throws ApiException {
        String id = plainDeviceId(request.body());
        Map<String, String> vars = Map.of();
        if (id == null) {
            AccountDevice device = request.bodyAs(AccountDevice.newBuilder()).build();
            id = device.getId();
            vars = device.getVarsMap();
        }
        request.queryBoolean("create", true); // refused here as there; an existing account ignores it
        try {
            return accounts.authenticateDeviceInMemory(id, request.queryParam("username"), vars)
                    .map(AccountApi::session).orElse(null);
        } catch (ServiceException e) {
            throw ApiException.of(e);
        }
    }

    private static final String PLAIN_ID_START = "{\"id\":\"";

    /**
     * The id of a body that is exactly {@code {"id":"…"}} with printable ASCII and no quote or
     * backslash inside (what clients send), read without a JSON parser; the body means just that
     * {@code AccountDevice}. Null for any other body, which is parsed in full.
     */
    static String plainDeviceId(String body) {
        if (body == null || !body.startsWith(PLAIN_ID_START) || !body.endsWith("\"}")) {
            return null;
        }
        int end = body.length() - 2;
        if (end < PLAIN_ID_START.length()) {
            return null;
        }
        for (int i = PLAIN_ID_START.length(); i < end; i++) {
            char c = body.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return null;
            }
        }
        return body.substring(PLAIN_ID_START.length(), end);
    }

    ApiResponse authenticateCustom(ApiRequest request) throws ApiException, ServiceException {
        AccountCustom custom = request.bodyAs(AccountCustom.newBuilder()).build();
        boolean create = request.queryBoolean("create", true);
        return session(accounts.authenticateCustom(custom.getId(), request.queryParam("username"), create,
                custom.getVarsMap()));
    }

    ApiResponse authenticateEmail(ApiRequest request) throws ApiException, ServiceException {
        AccountEmail email = request.bodyAs(AccountEmail.newBuilder()).build();
        boolean create = request.queryBoolean("create", true);
        return session(accounts.authenticateEmail(email.getEmail(), email.getPassword(),
                request.queryParam("username"), create, email.getVarsMap()));
    }

    ApiResponse refresh(ApiRequest request) throws ApiException, ServiceException {
        SessionRefreshRequest refresh = request.bodyAs(SessionRefreshRequest.newBuilder()).build();
        return session(accounts.refresh(refresh.getToken(), refresh.getVarsMap()));
    }

    /** See {@link AccountService#logout}: the tokens named in the body, or every session of the caller. */
    ApiResponse logout(ApiRequest request) throws ApiException, ServiceException {
        SessionLogoutRequest logout = request.bodyAs(SessionLogoutRequest.newBuilder()).build();
        accounts.logout(request.caller(), logout.getToken(), logout.getRefreshToken());
        return ApiResponse.empty();
    }

    ApiResponse getAccount(ApiRequest request) throws ServiceException {
        String userId = request.caller().userId();
        io.gantry.runtime.Account account = hooks.call(ApiCall.GET_ACCOUNT, context(request), null,
                none -> accounts.account(userId));
        return ApiResponse.ok(account(account));
    }

    ApiResponse updateAccount(ApiRequest request) throws ApiException, ServiceException {
        UpdateAccountRequest body = request.bodyAs(UpdateAccountRequest.newBuilder()).build();
        AccountUpdate update = new AccountUpdate(
                body.hasUsername() ? body.getUsername().getValue() : null,
                value(body.hasDisplayName(), body.getDisplayName()),
                value(body.hasAvatarUrl(), body.getAvatarUrl()),
                value(body.hasLangTag(), body.getLangTag()),
                value(body.hasLocation(), body.getLocation()),
                value(body.hasTimezone(), body.getTimezone()),
                null);
        String userId = request.caller().userId();
        hooks.call(ApiCall.UPDATE_ACCOUNT, context(request), update, u -> {
            // A client never sets metadata, whatever a hook returns.
            accounts.updateAccount(userId, u.withMetadata(null));
            return null;
        });
        return ApiResponse.empty();
    }

    private static String value(boolean present, StringValue value) {
        return present ? value.getValue() : null;
    }

    ApiResponse deleteAccount(ApiRequest request) throws ServiceException {
        String userId = request.caller().userId();
        hooks.call(ApiCall.DELETE_ACCOUNT, context(request), null, none -> {
            deletion.delete(userId);
            return null;
        });
        return ApiResponse.empty();
    }

    ApiResponse getUsers(ApiRequest request) throws ServiceException {
        UsersRequest users = new UsersRequest(request.queryParams("ids"), request.queryParams("usernames"));
        List<io.gantry.runtime.User> found = hooks.call(ApiCall.GET_USERS, context(request), users, accounts::users);
        Users.Builder answer = Users.newBuilder();
        for (io.gantry.runtime.User user : found) {
            answer.addUsers(user(user));
        }
        return ApiResponse.ok(answer.build());
    }

    ApiResponse linkDevice(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.LINK_DEVICE, request.bodyAs(AccountDevice.newBuilder()).getId(), accounts::linkDevice);
    }

    ApiResponse linkCustom(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.LINK_CUSTOM, request.bodyAs(AccountCustom.newBuilder()).getId(), accounts::linkCustom);
    }

    ApiResponse linkEmail(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.LINK_EMAIL, credentials(request), accounts::linkEmail);
    }

    ApiResponse unlinkDevice(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.UNLINK_DEVICE, request.bodyAs(AccountDevice.newBuilder()).getId(), accounts::unlinkDevice);
    }

    ApiResponse unlinkCustom(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.UNLINK_CUSTOM, request.bodyAs(AccountCustom.newBuilder()).getId(), accounts::unlinkCustom);
    }

    ApiResponse unlinkEmail(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.UNLINK_EMAIL, credentials(request), accounts::unlinkEmail);
    }

    private static EmailCredentials credentials(ApiRequest request) throws ApiException {
        AccountEmail email = request.bodyAs(AccountEmail.newBuilder()).build();
        return new EmailCredentials(email.getEmail(), email.getPassword());
    }

    private HookContext context(ApiRequest request) {
        return request.hookContext(hooks);
    }

    // ---- runtime records to Nakama's messages ----

    static Account account(io.gantry.runtime.Account account) {
        JsonObject wallet = new JsonObject();
        account.wallet().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> wallet.addProperty(e.getKey(), e.getValue()));
        Account.Builder answer = Account.newBuilder()
                .setUser(user(account.user()))
                .setWallet(wallet.toString())
                .setEmail(account.email())
                .setCustomId(account.customId());
        for (String deviceId : account.deviceIds()) {
            answer.addDevices(AccountDevice.newBuilder().setId(deviceId));
        }
        return answer.build();
    }

    static User user(io.gantry.runtime.User user) {
        return User.newBuilder()
                .setId(user.id())
                .setUsername(user.username())
                .setDisplayName(user.displayName())
                .setAvatarUrl(user.avatarUrl())
                .setLangTag(user.langTag())
                .setLocation(user.location())
                .setTimezone(user.timezone())
                .setMetadata(user.metadata())
                .setOnline(user.online())
                .setEdgeCount(user.edgeCount())
                .setCreateTime(seconds(user.createTime()))
                .setUpdateTime(seconds(user.updateTime()))
                .build();
    }

    /** Whole seconds, as Nakama shows account and user times. */
    private static Timestamp seconds(Instant time) {
        return Timestamp.newBuilder().setSeconds(time.getEpochSecond()).build();
    }

    private static ApiResponse session(AccountService.SessionPair pair) {
        return ApiResponse.ok(Session.newBuilder()
                .setCreated(pair.created())
                .setToken(pair.token())
                .setRefreshToken(pair.refreshToken())
                .build());
    }
}
