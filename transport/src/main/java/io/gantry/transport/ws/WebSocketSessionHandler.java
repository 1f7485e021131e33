package io.gantry.transport.ws;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.session.CloseCodes;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.proto.EnvelopeCodec;
import io.gantry.proto.InvalidEnvelopeException;
import io.gantry.proto.WireFormat;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The inbound half of a WebSocket session: decodes frames into envelopes and hands them to the
 * router. A frame that is not a valid client envelope is answered with an {@code Error} (with its
 * cid when one can be read) and the socket is closed, as Nakama does; nobody else notices.
 * Keeps the connection alive with WebSocket pings and closes it when the client goes silent.
 *
 * <p>After each request it hands to the router it lets {@link ChannelConnection#afterRequest}
 * decide whether to stop reading (flow control); frames decoded before reading stopped wait in the
 * {@code FlowControlHandler} ahead of this handler. While reading is stopped the pong wait does
 * not apply: the client's pongs are among the unread bytes.
 */
final class WebSocketSessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSessionHandler.class);

    /** The close reason of a socket refused because the router is full. */
    static final String SERVER_BUSY = "server busy: try again later";

    private final Session session;
    private final WebSocketConnection connection;
    private final Router router;
    private final SessionRegistry registry;
    private final long pingPeriodMs;
    private ScheduledFuture<?> pinger;
    private boolean registered;

    WebSocketSessionHandler(Session session, WebSocketConnection connection, Router router, SessionRegistry registry,
                            long pingPeriodMs) {
        this.session = session;
        this.connection = connection;
        this.router = router;
        this.registry = registry;
        this.pingPeriodMs = pingPeriodMs;
    }

    /**
     * Event loop: the handshake completed; the session now exists for everyone. When the
     * router's ring is full the connect cannot be published without waiting, so the socket is
     * refused with 1013 (try again later) and nothing of it reaches the router.
     */
    void opened(ChannelHandlerContext ctx) {
        registry.add(session);
        if (!router.publishConnect(session)) {
            registry.remove(session);
            session.close(CloseCodes.TRY_AGAIN_LATER, SERVER_BUSY);
            return;
        }
        registered = true;
        // no ping once the session is closing: nothing may follow its close frame
        pinger = ctx.executor().scheduleAtFixedRate(() -> {
            if (!session.isClosed()) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
        }, pingPeriodMs, pingPeriodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                onText(text);
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                onBinary(binary);
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                session.markClosed();
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() == -1 ? CloseCodes.NORMAL : close.statusCode(), ""))
                        .addListener(f -> ctx.close());
            } else if (!(msg instanceof PongWebSocketFrame) && msg instanceof WebSocketFrame) {
                reject(Replies.error("", Error.Code.UNRECOGNIZED_PAYLOAD, "Unsupported frame type."), CloseCodes.UNSUPPORTED_DATA);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onText(TextWebSocketFrame frame) {
        if (session.format() != WireFormat.JSON) {
            reject(Replies.error("", Error.Code.UNRECOGNIZED_PAYLOAD,
                    "Text frame on a protobuf socket: send binary frames, or connect with format=json."),
                    CloseCodes.UNSUPPORTED_DATA);
            return;
        }
        try {
            publish(EnvelopeCodec.decodeJson(frame.text()));
        } catch (InvalidEnvelopeException e) {
            reject(Replies.error(e.cid(), e.code(), e.getMessage()), CloseCodes.POLICY_VIOLATION);
        }
    }

    private void onBinary(BinaryWebSocketFrame frame) {
        if (session.format() != WireFormat.PROTOBUF) {
            reject(Replies.error("", Error.Code.UNRECOGNIZED_PAYLOAD,
                    "Binary frame on a JSON socket: send text frames, or connect with format=protobuf."),
                    CloseCodes.UNSUPPORTED_DATA);
            return;
        }
        try {
            publish(EnvelopeCodec.decodeBinary(frame.content().nioBuffer()));
        } catch (InvalidEnvelopeException e) {
            reject(Replies.error(e.cid(), e.code(), e.getMessage()), CloseCodes.POLICY_VIOLATION);
        }
    }

    private void publish(Envelope envelope) {
        if (!session.isClosed()) {
            router.publishRequest(session, envelope);
            connection.afterRequest(); // may stop reading: flow control
        }
    }

    private void reject(Envelope error, int closeCode) {
        if (session.isClosed()) {
            return;
        }
        session.send(error);
        session.close(closeCode, error.getError().getMessage());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (session.readsPaused()) {
                // We stopped reading, so the client's pongs wait unread: not its silence. A client
                // that does not read either is the slow-consumer deadline's to close.
                return;
            }
            session.close(CloseCodes.GOING_AWAY, "no pong or message within the pong wait");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        connection.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        session.markClosed();
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (registered) {
            registered = false;
            registry.remove(session);
            router.publishDisconnect(session);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            session.close(CloseCodes.MESSAGE_TOO_BIG, "message over the size limit");
            return;
        }
        LOG.debug("socket of {} failed: {}", session, cause.toString());
        session.close(CloseCodes.INTERNAL_ERROR, "socket error");
    }
}
