package io.gantry.transport.http;

import io.gantry.core.StoreFailure;
import io.gantry.core.auth.TokenService;
import io.gantry.transport.ws.WebSocketUpgrade;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executor;
import java.util.ArrayDeque;
import io.netty.util.AttributeKey;

/**
 * Routes each HTTP request: {@code /ws} goes to the WebSocket upgrade, everything else to the
 * REST route table. Credentials are checked here, on the event loop (cheap); handlers run on
 * the bounded API executor because they may wait for the store, except what a route's
 * {@link InlineHandler} answers here without I/O (a device login of an account the store has in
 * memory). Shared by all channels.
 */
@ChannelHandler.Sharable
public final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestHandler.class);

    private final ApiRoutes routes;
    private final Authenticator authenticator;
    private final ExecutorService apiExecutor;
    private final WebSocketUpgrade upgrade;

    public HttpRequestHandler(ApiRoutes routes, Authenticator authenticator, ExecutorService apiExecutor,
                              WebSocketUpgrade upgrade) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.apiExecutor = apiExecutor;
        this.upgrade = upgrade;
    }

    /**
     * Keep-alive requests are answered in the order they came (HTTP/1.1 pipelining): while one
     * runs on an executor, the next ones wait here and the connection stops reading. What waits
     * is bounded by what one read had already decoded.
     */
    private static final class InOrder {
        /** Event loop only. */
        boolean busy;
        final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    }

    private static final AttributeKey<InOrder> IN_ORDER = AttributeKey.valueOf("gantry-http-in-order");

    private static InOrder inOrder(ChannelHandlerContext ctx) {
        InOrder order = ctx.channel().attr(IN_ORDER).get();
        if (order == null) {
            order = new InOrder();
            ctx.channel().attr(IN_ORDER).set(order);
        }
        return order;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        InOrder order = inOrder(ctx);
        if (order.busy) {
            order.waiting.add(request.retain());
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(ctx, request, order);
    }

    /** Event loop: the answer of the request in flight is written; the next one may go. */
    private void answered(ChannelHandlerContext ctx) {
        InOrder order = inOrder(ctx);
        order.busy = false;
        FullHttpRequest next;
        while (!order.busy && (next = order.waiting.poll()) != null) {
            try {
                if (ctx.channel().isActive()) {
                    handle(ctx, next, order);
                }
            } finally {
                next.release();
            }
        }
        if (!order.busy && ctx.channel().isActive() && !ctx.channel().config().isAutoRead()
                && ctx.pipeline().get(HttpRequestHandler.class) != null) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InOrder order = ctx.channel().attr(IN_ORDER).get();
        if (order != null) {
            FullHttpRequest waiting;
            while ((waiting = order.waiting.poll()) != null) {
                waiting.release();
            }
        }
        super.channelInactive(ctx);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request, InOrder order) {
        if (!request.decoderResult().isSuccess()) {
            writeError(ctx, false, ApiException.badInput("Malformed HTTP request."));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        // Route on the raw path: a channel id may hold an encoded '/' that must stay inside its segment.
        String path = uri.rawPath();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        ApiRoutes.Match match;
        try {
            // Decodes (and caches) the query string now: a bad %-escape there or in a path segment
            // is the client's error, answered here, not an exception that closes the connection.
            uri.parameters();
            match = path.equals("/ws") ? null : routes.find(request.method(), path);
        } catch (IllegalArgumentException e) {
            writeError(ctx, keepAlive, ApiException.badInput("Malformed request URI: " + e.getMessage()));
            return;
        }
        if (path.equals("/ws")) {
            upgrade.upgrade(ctx, request, uri);
            return;
        }
        if (match == null) {
            writeError(ctx, keepAlive, ApiException.notFound("Not Found"));
            return;
        }
        if (match.route() == null) {
            // grpc-gateway answers an unknown method on a known path with UNIMPLEMENTED: 501, code 12
            writeError(ctx, keepAlive, new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, 12, "Method Not Allowed"));
            return;
        }
        ApiRoutes.Route route = match.route();
        TokenService.Claims caller;
        try {
            caller = authenticate(route.auth(), request, uri);
        } catch (ApiException e) {
            writeError(ctx, keepAlive, e, route.errors());
            return;
        }
        String body = request.content().toString(StandardCharsets.UTF_8);
        if (route.inline() != null && answeredInline(ctx, keepAlive, route, new ApiRequest(request.method(), path,
                match.pathParams(), uri.parameters(), request.headers(), body, caller, remoteIp(ctx)))) {
            return;
        }
        ApiRequest apiRequest = new ApiRequest(request.method(), path, match.pathParams(), uri.parameters(),
                request.headers().copy(), body, caller, remoteIp(ctx));
        Executor executor = route.executor() != null ? route.executor() : apiExecutor;
        order.busy = true;
        try {
            executor.execute(() -> {
                try {
                    run(ctx, keepAlive, route, apiRequest);
                } finally {
                    ctx.executor().execute(() -> answered(ctx)); // after the answer's write, on the event loop
                }
            });
        } catch (RejectedExecutionException e) {
            order.busy = false;
            writeError(ctx, keepAlive, new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, ApiException.UNAVAILABLE,
                    route.executor() != null ? "Server is busy running functions; retry later." : "Server is busy; retry later."),
                    route.errors());
        }
    }

    /**
     * Event loop: the route's inline answer, written now, if it has one for this request (the
     * request's headers are used as they are, not copied: nothing keeps them after this call).
     * False when the request goes to the route's executor.
     */
    private static boolean answeredInline(ChannelHandlerContext ctx, boolean keepAlive, ApiRoutes.Route route,
                                          ApiRequest request) {
        try {
            ApiResponse response = route.inline().tryHandle(request);
            if (response == null) {
                return false;
            }
            write(ctx, keepAlive, response.status(), response.json(), response.contentType());
        } catch (ApiException e) {
            writeError(ctx, keepAlive, e, route.errors());
        } catch (RuntimeException e) {
            writeError(ctx, keepAlive, failure(request, e), route.errors());
        }
        return true;
    }

    private TokenService.Claims authenticate(AuthMode mode, FullHttpRequest request, QueryStringDecoder uri) throws ApiException {
        switch (mode) {
            case NONE:
                return null;
            case SERVER_KEY:
                authenticator.requireServerKey(request.headers());
                return null;
            case SESSION:
                return authenticator.requireSession(request.headers());
            case SESSION_OR_HTTP_KEY:
                var httpKeys = uri.parameters().get("http_key");
                if (httpKeys != null && !httpKeys.isEmpty()) {
                    if (!authenticator.hasHttpKey(httpKeys.get(0))) {
                        throw ApiException.unauthenticated("HTTP key invalid");
                    }
                    return null;
                }
                if (!request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
                    throw ApiException.unauthenticated("Auth token or HTTP key required");
                }
                return authenticator.requireSession(request.headers());
            default:
                throw new IllegalStateException("unknown auth mode " + mode);
        }
    }

    private void run(ChannelHandlerContext ctx, boolean keepAlive, ApiRoutes.Route route, ApiRequest request) {
        try {
            ApiResponse response = route.handler().handle(request);
            write(ctx, keepAlive, response.status(), response.json(), response.contentType());
        } catch (ApiException e) {
            writeError(ctx, keepAlive, e, route.errors());
        } catch (RuntimeException e) {
            writeError(ctx, keepAlive, failure(request, e), route.errors());
        }
    }

    /**
     * What a client is told when a handler threw: UNAVAILABLE (503) while the database is away,
     * which the same call gets past once it is back; else an internal error, logged with its stack.
     */
    private static ApiException failure(ApiRequest request, RuntimeException e) {
        if (StoreFailure.unavailable(e)) {
            LOG.warn("{} {}: {}", request.method(), request.path(), e.getMessage());
            return new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, ApiException.UNAVAILABLE,
                    StoreFailure.UNAVAILABLE_MESSAGE);
        }
        LOG.error("{} {} failed", request.method(), request.path(), e);
        return new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, ApiException.INTERNAL, "Internal server error.");
    }

    /** Writes a Nakama-shaped error: {@code {"code": …, "message": …}}, as Nakama 3.18's gateway. Any thread. */
    public static void writeError(ChannelHandlerContext ctx, boolean keepAlive, ApiException e) {
        writeError(ctx, keepAlive, e, ApiRoutes.ErrorShape.GATEWAY);
    }

    /** Writes an error in the shape of the route that failed (see {@link ApiRoutes.ErrorShape}). Any thread. */
    static void writeError(ChannelHandlerContext ctx, boolean keepAlive, ApiException e, ApiRoutes.ErrorShape shape) {
        String message = jsonString(e.getMessage());
        if (shape == ApiRoutes.ErrorShape.RPC) {
            write(ctx, keepAlive, e.status(), "{\"error\":" + message + ",\"message\":" + message + ",\"code\":"
                    + e.grpcCode() + "}", "application/json", null);
            return;
        }
        // grpc-gateway repeats an UNAUTHENTICATED error's message in WWW-Authenticate
        String challenge = e.grpcCode() == ApiException.UNAUTHENTICATED ? e.getMessage() : null;
        write(ctx, keepAlive, e.status(), "{\"code\":" + e.grpcCode() + ",\"message\":" + message + "}",
                "application/json", challenge);
    }

    static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String json) {
        write(ctx, keepAlive, status, json, "application/json");
    }

    public static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String json,
                      String contentType) {
        write(ctx, keepAlive, status, json, contentType, null);
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String json,
                              String contentType, String wwwAuthenticate) {
        // String.getBytes is an intrinsic copy for the ASCII bodies REST answers mostly are
        ByteBuf content = Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        // As Nakama's gateway: no caching of API answers (HttpDate adds the Date).
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store, no-cache, must-revalidate");
        if (wwwAuthenticate != null) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate);
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String jsonString(String value) {
        return new com.google.gson.JsonPrimitive(value == null ? "" : value).toString();
    }

    /** A keep-alive connection that waited too long for its next request is closed. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP channel {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    private static String remoteIp(ChannelHandlerContext ctx) {
        java.net.SocketAddress address = ctx.channel().remoteAddress();
        if (address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "";
    }
}
