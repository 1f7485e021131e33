package io.gantry.transport.http;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.core.account.AccountService;
import io.gantry.core.auth.TokenService;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Routing and credentials on Netty's {@link EmbeddedChannel}: an unknown path is 404, a known path
 * with another method 501 (grpc-gateway's UNIMPLEMENTED), a missing or wrong credential 401 with
 * the message repeated in {@code WWW-Authenticate}; the right one reaches the route's handler. The
 * API executor runs handlers on the test thread.
 */
class HttpRequestHandlerTest {

    private static final String SERVER_KEY = "defaultkey";

    private static EmbeddedChannel channel() {
        TokenService tokens = new TokenService("session-key-for-tests", 60, "refresh-key-for-tests", 3600, Clock.systemUTC());
        // a store that fails any call: none of these requests may get as far as the store
        AccountStore noStore = (AccountStore) Proxy.newProxyInstance(AccountStore.class.getClassLoader(),
                new Class<?>[]{AccountStore.class}, (proxy, method, args) -> {
                    throw new AssertionError("the store was called: " + method.getName());
                });
        Authenticator authenticator = new Authenticator(SERVER_KEY, "http-key",
                new AccountService(noStore, tokens, new SessionRegistry(), 3600, Clock.systemUTC()));
        ApiRoutes routes = new ApiRoutes()
                .add(HttpMethod.GET, "/healthcheck", AuthMode.NONE, request -> ApiResponse.okJson("{}"))
                .add(HttpMethod.POST, "/v2/account/authenticate/device", AuthMode.SERVER_KEY,
                        request -> ApiResponse.okJson("{\"route\":\"authenticate\"}"))
                .add(HttpMethod.GET, "/v2/account", AuthMode.SESSION, request -> ApiResponse.okJson("{\"route\":\"account\"}"))
                .add(HttpMethod.POST, "/v2/rpc/{id}", AuthMode.SESSION_OR_HTTP_KEY,
                        request -> ApiResponse.okJson("{\"route\":\"rpc\"}"));
        return new EmbeddedChannel(new HttpRequestHandler(routes, authenticator, ImmediateEventExecutor.INSTANCE, null));
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # method | uri                                      | authorization        | status | code | message (and challenge on 401)
            GET      | /healthcheck                             | -                    | 200    | -    | -
            GET      | /no/such/path                            | -                    | 404    | 5    | Not Found
            DELETE   | /healthcheck                             | -                    | 501    | 12   | Method Not Allowed
            POST     | /v2/account/authenticate/device          | -                    | 401    | 16   | Server key required
            POST     | /v2/account/authenticate/device          | BASIC:wrongkey       | 401    | 16   | Server key invalid
            POST     | /v2/account/authenticate/device          | Bearer abc           | 401    | 16   | Server key invalid
            POST     | /v2/account/authenticate/device          | Basic !!!            | 401    | 16   | Server key invalid
            POST     | /v2/account/authenticate/device          | BASIC:defaultkey     | 200    | -    | -
            GET      | /v2/account                              | -                    | 401    | 16   | Auth token required
            GET      | /v2/account                              | Bearer not-a-token   | 401    | 16   | Auth token invalid
            GET      | /v2/account                              | BASIC:defaultkey     | 401    | 16   | Auth token invalid
            POST     | /v2/rpc/echo                             | -                    | 401    | 16   | Auth token or HTTP key required
            POST     | /v2/rpc/echo?http_key=wrong              | -                    | 401    | 16   | HTTP key invalid
            POST     | /v2/rpc/echo?http_key=http-key           | -                    | 200    | -    | -
            """)
    void routesAndCredentials(String method, String uri, String authorization, int status, Integer code, String message) {
        EmbeddedChannel channel = channel();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION,
                    authorization.startsWith("BASIC:") ? basic(authorization.substring(6)) : authorization);
        }
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(status, response.status().code(), () -> response.content().toString(StandardCharsets.UTF_8));
            JsonObject body = JsonParser.parseString(response.content().toString(StandardCharsets.UTF_8)).getAsJsonObject();
            if (code == null) {
                assertNull(response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE));
                return;
            }
            assertEquals(code, body.get("code").getAsInt(), body::toString);
            assertEquals(message, body.get("message").getAsString());
            assertEquals(status == 401 ? message : null, response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE));
        } finally {
            response.release();
        }
    }
}
