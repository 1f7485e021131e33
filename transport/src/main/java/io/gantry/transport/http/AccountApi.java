package io.gantry.transport.http;

import com.heroiclabs.nakama.api.AccountCustom;
import com.heroiclabs.nakama.api.AccountDevice;
import com.heroiclabs.nakama.api.AccountEmail;
import com.heroiclabs.nakama.api.Session;
import com.heroiclabs.nakama.api.SessionLogoutRequest;
import com.heroiclabs.nakama.api.SessionRefreshRequest;
import io.gantry.core.ServiceException;
import io.gantry.core.account.AccountService;
import io.netty.handler.codec.http.HttpMethod;

/**
 * The account endpoints: authenticate by device, custom id or email and password, refresh a
 * session, log out, and read the account. Each parses the request, calls {@link AccountService}
 * (which holds the rules and Nakama's messages) and encodes the answer.
 */
public final class AccountApi {

    private final AccountService accounts;

    public AccountApi(AccountService accounts) {
        this.accounts = accounts;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.POST, "/v2/account/authenticate/device", AuthMode.SERVER_KEY, ApiHandler.of(this::authenticateDevice))
                .add(HttpMethod.POST, "/v2/account/authenticate/custom", AuthMode.SERVER_KEY, ApiHandler.of(this::authenticateCustom))
                .add(HttpMethod.POST, "/v2/account/authenticate/email", AuthMode.SERVER_KEY, ApiHandler.of(this::authenticateEmail))
                .add(HttpMethod.POST, "/v2/account/session/refresh", AuthMode.SERVER_KEY, ApiHandler.of(this::refresh))
                .add(HttpMethod.POST, "/v2/session/logout", AuthMode.SESSION, ApiHandler.of(this::logout))
                .add(HttpMethod.GET, "/v2/account", AuthMode.SESSION, ApiHandler.of(this::getAccount))
                .add(HttpMethod.GET, "/healthcheck", AuthMode.NONE, request -> ApiResponse.empty());
    }

    ApiResponse authenticateDevice(ApiRequest request) throws ApiException, ServiceException {
        AccountDevice device = request.bodyAs(AccountDevice.newBuilder()).build();
        boolean create = request.queryBoolean("create", true);
        return session(accounts.authenticateDevice(device.getId(), request.queryParam("username"), create,
                device.getVarsMap()));
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
        return ApiResponse.ok(accounts.account(request.caller().userId()));
    }

    private static ApiResponse session(AccountService.SessionPair pair) {
        return ApiResponse.ok(Session.newBuilder()
                .setCreated(pair.created())
                .setToken(pair.token())
                .setRefreshToken(pair.refreshToken())
                .build());
    }
}
