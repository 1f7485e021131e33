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
import io.gantry.transport.SocketSessionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The inbound half of a WebSocket session: decodes frames into envelopes and hands them to the
 * router. A frame that is not a valid client envelope is answered with an {@code Error} (with its
 * cid when one can be read) and the socket is closed, as Nakama does; nobody else notices.
 * Keeps the connection alive with WebSocket pings and closes it when the client goes silent
 * ({@link SocketSessionHandler} holds what both transports share).
 */
final class WebSocketSessionHandler extends SocketSessionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSessionHandler.class);

    private final long pingPeriodMs;
    private final long pongWaitMs;

    WebSocketSessionHandler(Session session, WebSocketConnection connection, Router router, SessionRegistry registry,
                            long pingPeriodMs, long pongWaitMs) {
        super(router, registry);
        bind(session, connection);
        this.pingPeriodMs = pingPeriodMs;
        this.pongWaitMs = pongWaitMs;
    }

    /**
     * Event loop: the handshake completed; the session now exists for everyone. When the
     * router's ring is full the socket is refused with 1013 (try again later).
     */
    void opened(ChannelHandlerContext ctx) {
        if (!register()) {
            session.close(CloseCodes.TRY_AGAIN_LATER, SERVER_BUSY);
            return;
        }
        startKeepAlive(ctx, pingPeriodMs, pongWaitMs, () -> ctx.writeAndFlush(new PingWebSocketFrame()));
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
            // the frame's UTF-8 bytes as they are: no String of the frame on the way to the envelope
            ByteBuf content = frame.content();
            Envelope envelope = content.hasArray()
                    ? EnvelopeCodec.decodeJson(content.array(), content.arrayOffset() + content.readerIndex(), content.readableBytes())
                    : EnvelopeCodec.decodeJson(content.nioBuffer());
            publish(envelope);
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
