package io.gantry.transport.ws;

import io.gantry.core.router.Router;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.proto.WireFormat;
import io.gantry.transport.EdgeSettings;
import io.gantry.core.auth.TokenService;
import io.gantry.transport.http.ApiException;
import io.gantry.transport.http.Authenticator;
import io.gantry.transport.http.HttpRequestHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.flow.FlowControlHandler;

import java.util.List;
import java.util.UUID;

/**
 * Turns {@code GET /ws?token=&format=&status=&lang=} into a session. The token is checked
 * before the upgrade: a bad, expired or logged-out token gets HTTP 401 and no socket.
 */
public final class WebSocketUpgrade {

    private final EdgeSettings settings;
    private final Authenticator authenticator;
    private final SessionRegistry registry;
    private final Router router;
    private final WebSocketDecoderConfig decoderConfig;

    public WebSocketUpgrade(EdgeSettings settings, Authenticator authenticator, SessionRegistry registry, Router router) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.registry = registry;
        this.router = router;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxMessageSize())
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
    }

    /** Event loop: validates the request and performs the handshake. */
    public void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        // Nakama's socket acceptor answers like Go's http.Error: plain text, not the API's JSON.
        if (!request.method().equals(HttpMethod.GET)) {
            HttpRequestHandler.writeError(ctx, false, ApiException.notFound("Not Found"));
            return;
        }
        WireFormat format;
        try {
            format = WireFormat.fromQuery(first(uri, "format"));
        } catch (IllegalArgumentException e) {
            HttpRequestHandler.write(ctx, false, HttpResponseStatus.BAD_REQUEST, "Invalid format parameter\n", TEXT_PLAIN);
            return;
        }
        String token = first(uri, "token");
        TokenService.Claims claims = token == null || token.isEmpty() ? null : authenticator.verifySession(token).orElse(null);
        if (claims == null) {
            HttpRequestHandler.write(ctx, false, HttpResponseStatus.UNAUTHORIZED, "Missing or invalid token\n", TEXT_PLAIN);
            return;
        }
        boolean appearOnline = parseBool(first(uri, "status"));
        String lang = first(uri, "lang");
        if (lang == null || lang.isEmpty()) {
            lang = "en";
        }

        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + "/ws", null, decoderConfig)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }

        WebSocketConnection connection = new WebSocketConnection(ctx.channel(), settings.slowConsumerTimeoutMs());
        Session session = new Session(UUID.randomUUID().toString(), claims.userId(), claims.username(), claims.vars(),
                format, lang, appearOnline, claims.expiresAt(), settings.outgoingQueueSize(),
                settings.outgoingHighWater(), settings.outgoingLowWater(), connection);
        connection.bind(session);
        WebSocketSessionHandler sessionHandler = new WebSocketSessionHandler(session, connection, router, registry,
                settings.pingPeriodMs(), settings.pongWaitMs());

        ChannelPipeline pipeline = ctx.pipeline();
        for (String httpOnly : new String[]{"cors", "http-date"}) {
            if (pipeline.get(httpOnly) != null) {
                pipeline.remove(httpOnly);
            }
        }
        if (pipeline.get("http-idle") != null) {
            pipeline.remove("http-idle"); // the socket has its own liveness check: pings and the pong wait
        }
        // The pong wait is the session handler's keep-alive task, not an idle handler here.
        // Holds frames already decoded when the session handler stops reading (flow control),
        // and hands the aggregator one frame per read while reading is off.
        pipeline.addAfter(ctx.name(), "ws-flow", new FlowControlHandler());
        pipeline.addAfter("ws-flow", "ws-aggregator", new WebSocketFrameAggregator(settings.maxMessageSize()));
        pipeline.addAfter("ws-aggregator", "ws-session", sessionHandler);
        pipeline.remove(ctx.name());

        handshaker.handshake(ctx.channel(), request).addListener(future -> {
            if (future.isSuccess()) {
                sessionHandler.opened(pipeline.context(sessionHandler));
            } else {
                ctx.channel().close();
            }
        });
    }

    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    /** Go's strconv.ParseBool, which Nakama applies to {@code status}: anything else is false. */
    static boolean parseBool(String value) {
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            default -> false;
        };
    }

    private static String first(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
