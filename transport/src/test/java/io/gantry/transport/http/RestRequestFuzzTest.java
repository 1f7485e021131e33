package io.gantry.transport.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.heroiclabs.nakama.api.AccountDevice;
import io.gantry.core.account.AccountService;
import io.gantry.core.auth.TokenService;
import io.gantry.core.channel.ChannelHistory;
import io.gantry.core.notification.NotificationInbox;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST edge: any request bytes (request line, query string, {@code Authorization} header,
 * body) through Netty's decoder, {@link HttpRequestHandler}, {@link Authenticator} (basic auth with
 * the server key, bearer tokens, the HTTP key) and {@link ApiRequest}'s parsers (JSON body, limit,
 * booleans, path and query parameters), with the real channel and notification listings over a
 * real store, get exactly one answer, never a 500: a 2xx, or an error with a JSON
 * {@code code} and {@code message}.
 */
class RestRequestFuzzTest {

    private static final String SERVER_KEY = "defaultkey";
    private static final String HTTP_KEY = "defaulthttpkey";
    private static final String USER = "00000000-0000-4000-8000-00000000a11c";
    private static final List<String> PREFIXES = List.of(
            "/v2/account/authenticate/device?", "/v2/channel/", "/v2/notification?", "/v2/rpc/", "/v2/");
    private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE,
            HttpMethod.PUT);

    /** Shared by every input: the store, the routes and a valid session token. */
    private static final class Edge {
        static final TokenService TOKENS = new TokenService("a session key of 32 bytes or more", 3600,
                "a refresh key of 32 bytes or more", 7200, Clock.systemUTC());
        static final String BEARER = "Bearer " + TOKENS.issue(USER, "alice", Map.of("k", "v")).token();
        static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
                (SERVER_KEY + ":").getBytes(StandardCharsets.UTF_8));
        static final HttpRequestHandler HANDLER = handler();

        private static HttpRequestHandler handler() {
            RocksStore store;
            try {
                Path dir = Files.createTempDirectory("gantry-rest-fuzz");
                store = RocksStore.open(dir, new StoreOptions(false, 4));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(store::close));
            ApiRoutes routes = new ApiRoutes();
            new ChannelApi(new ChannelHistory(store.history(),
                    new io.gantry.core.channel.ChannelAccess(store.accounts(), store.friends(), store.groups()))).register(routes);
            new NotificationApi(new NotificationInbox(store.notifications())).register(routes);
            // The parsing AccountApi and RpcApi do before they reach their services.
            routes.add(HttpMethod.POST, "/v2/account/authenticate/device", AuthMode.SERVER_KEY, request -> {
                AccountDevice device = request.bodyAs(AccountDevice.newBuilder()).build();
                request.queryBoolean("create", true);
                request.queryParam("username");
                return ApiResponse.ok(device);
            });
            routes.add(HttpMethod.POST, "/v2/rpc/{id}", AuthMode.SESSION_OR_HTTP_KEY, request -> {
                request.pathParam("id");
                request.queryParams("payload");
                return ApiResponse.okJson("{}");
            }, ApiRoutes.ErrorShape.RPC);
            Authenticator authenticator = new Authenticator(SERVER_KEY, HTTP_KEY,
                    new AccountService(store.accounts(), TOKENS, new SessionRegistry(), 7200, Clock.systemUTC()));
            // API work runs on the calling thread, so the answer is there when writeInbound returns
            return new HttpRequestHandler(routes, authenticator, ImmediateEventExecutor.INSTANCE, null);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void request(FuzzedDataProvider data) {
        HttpMethod method = METHODS.get(data.consumeInt(0, METHODS.size() - 1));
        String uri = PREFIXES.get(data.consumeInt(0, PREFIXES.size() - 1)) + data.consumeString(200);
        String authorization = switch (data.consumeInt(0, 3)) {
            case 0 -> null;
            case 1 -> Edge.BEARER;
            case 2 -> Edge.BASIC;
            default -> data.consumeString(200);
        };
        byte[] body = data.consumeRemainingAsString().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append(method.name()).append(' ').append(uri).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");

        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 20),
                Edge.HANDLER);
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.UTF_8), body));
            Object out = channel.readOutbound();
            assertNotNull(out, "no answer to " + head);
            FullHttpResponse response = (FullHttpResponse) out;
            try {
                assertNotEquals(HttpResponseStatus.INTERNAL_SERVER_ERROR, response.status(), head.toString());
                if (response.status().code() >= 400) {
                    JsonObject error = JsonParser.parseString(response.content().toString(StandardCharsets.UTF_8))
                            .getAsJsonObject();
                    assertTrue(error.has("code") && error.has("message"), error.toString());
                }
            } finally {
                response.release();
            }
            // A request that decodes is one request: one answer, nothing more.
            Object extra = channel.readOutbound();
            assertEquals(null, extra, "a second answer");
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
