package io.gantry.transport.tcp;

import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Connected;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.core.auth.TokenService;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.session.CloseCodes;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.proto.EnvelopeCodec;
import io.gantry.proto.InvalidEnvelopeException;
import io.gantry.proto.WireFormat;
import io.gantry.transport.EdgeSettings;
import io.gantry.transport.http.Authenticator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection, from its handshake to its close. Behind the {@link FrameDecoder} (and a
 * flow-control handler) it receives one frame at a time.
 *
 * <p><b>Handshake.</b> The first frame must be a {@code connect} envelope with a valid session
 * token: the answer is a {@code connected} envelope with its cid and the new session's id, and the
 * session exists for everyone from then on. Any other first frame, and a missing, bad, expired or
 * logged-out token, is answered with an {@code Error} with the frame's cid, then a
 * {@code disconnect}, then the connection is closed. A connection that sends nothing is closed
 * after the pong wait, as a silent session is.
 *
 * <p><b>Session.</b> After the handshake a frame is handled exactly as a binary frame on a
 * protobuf WebSocket: a valid client envelope goes to the router (and flow control may stop
 * reading), anything else gets an {@code Error} and the connection is closed (a second
 * {@code connect} included). The server sends a {@code ping} envelope every ping period; a
 * connection that sends nothing (not even the {@code pong}) for the pong wait is closed, except
 * while its reads are paused by flow control.
 */
final class TcpSessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TcpSessionHandler.class);
    static final String SERVER_BUSY = "server busy: try again later";
    static final String NOT_CONNECT = "The first frame of a TCP connection must be a 'connect' envelope with a session token.";
    static final String BAD_TOKEN = "Missing or invalid token";
    private static final byte[] PING = Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build().toByteArray();

    private final EdgeSettings settings;
    private final Authenticator authenticator;
    private final SessionRegistry registry;
    private final Router router;
    private ChannelHandlerContext ctx;
    private TcpConnection connection;
    /** Set by a successful handshake; event loop only. */
    private Session session;
    private boolean registered;
    private boolean refused;
    private ScheduledFuture<?> pinger;

    TcpSessionHandler(EdgeSettings settings, Authenticator authenticator, SessionRegistry registry, Router router) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.registry = registry;
        this.router = router;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (refused) {
                return;
            }
            ByteBuf frame = (ByteBuf) msg;
            if (session == null) {
                handshake(frame);
            } else {
                onFrame(frame);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handshake(ByteBuf frame) {
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.parseBinary(frame.nioBuffer());
        } catch (InvalidEnvelopeException e) {
            refuse(e.cid(), e.code(), e.getMessage(), CloseCodes.POLICY_VIOLATION);
            return;
        }
        if (!envelope.hasConnect()) {
            refuse(envelope.getCid(), Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, NOT_CONNECT, CloseCodes.POLICY_VIOLATION);
            return;
        }
        Connect connect = envelope.getConnect();
        String token = connect.getToken();
        TokenService.Claims claims = token.isEmpty() ? null : authenticator.verifySession(token).orElse(null);
        if (claims == null) {
            refuse(envelope.getCid(), Error.Code.BAD_INPUT_VALUE, BAD_TOKEN, CloseCodes.POLICY_VIOLATION);
            return;
        }
        String lang = connect.getLang().isEmpty() ? "en" : connect.getLang();
        connection = new TcpConnection(ctx.channel(), settings.slowConsumerTimeoutMs());
        Session opened = new Session(UUID.randomUUID().toString(), claims.userId(), claims.username(), claims.vars(),
                WireFormat.PROTOBUF, lang, connect.getStatus(), claims.expiresAt(), settings.outgoingQueueSize(),
                settings.outgoingHighWater(), settings.outgoingLowWater(), connection);
        connection.bind(opened);
        registry.add(opened);
        if (!router.publishConnect(opened)) {
            registry.remove(opened);
            refuse(envelope.getCid(), Error.Code.RUNTIME_EXCEPTION_VALUE, SERVER_BUSY, CloseCodes.TRY_AGAIN_LATER);
            return;
        }
        session = opened;
        registered = true;
        // On the event loop, before any drain of what the router sends the session: the answer
        // is the connection's first frame.
        TcpConnection.writeFrame(ctx.channel(), Envelope.newBuilder()
                .setCid(envelope.getCid())
                .setConnected(Connected.newBuilder()
                        .setSessionId(opened.id())
                        .setUserId(opened.userId())
                        .setUsername(opened.username()))
                .build()
                .toByteArray());
        // no ping once the session is closing: its disconnect must stay the last frame
        pinger = ctx.executor().scheduleAtFixedRate(() -> {
            if (!opened.isClosed()) {
                TcpConnection.writeFrame(ctx.channel(), PING);
            }
        }, settings.pingPeriodMs(), settings.pingPeriodMs(), TimeUnit.MILLISECONDS);
    }

    private void onFrame(ByteBuf frame) {
        if (session.isClosed()) {
            return;
        }
        try {
            Envelope envelope = EnvelopeCodec.decodeBinary(frame.nioBuffer());
            router.publishRequest(session, envelope);
            connection.afterRequest(); // may stop reading: flow control
        } catch (InvalidEnvelopeException e) {
            reject(Replies.error(e.cid(), e.code(), e.getMessage()), CloseCodes.POLICY_VIOLATION);
        }
    }

    /** After the handshake: the error goes behind what is queued, then the session closes. */
    private void reject(Envelope error, int closeCode) {
        if (session.isClosed()) {
            return;
        }
        session.send(error);
        session.close(closeCode, error.getError().getMessage());
    }

    /** Before (or instead of) a session: error, disconnect, close; nothing more is read. */
    private void refuse(String cid, int code, String message, int closeCode) {
        refused = true;
        ctx.channel().config().setAutoRead(false);
        TcpConnection.writeFrame(ctx.channel(), Replies.error(cid, code, message).toByteArray());
        TcpConnection.writeFrame(ctx.channel(), TcpConnection.disconnect(closeCode, message))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (session == null) {
                if (!refused) {
                    refuse("", Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, "no 'connect' within the pong wait",
                            CloseCodes.GOING_AWAY);
                }
                return;
            }
            if (session.readsPaused()) {
                // We stopped reading, so the client's pongs wait unread: not its silence.
                return;
            }
            session.close(CloseCodes.GOING_AWAY, "no pong or message within the pong wait");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            connection.writabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (session != null) {
            session.markClosed();
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
        String message;
        int closeCode;
        if (cause instanceof TooLongFrameException) {
            message = "Could not decode message: " + cause.getMessage() + ".";
            closeCode = CloseCodes.MESSAGE_TOO_BIG;
        } else if (cause instanceof CorruptedFrameException) {
            message = "Could not decode message: " + cause.getMessage() + ".";
            closeCode = CloseCodes.POLICY_VIOLATION;
        } else {
            if (!(cause instanceof DecoderException)) {
                LOG.debug("TCP connection of {} failed: {}", session, cause.toString());
            }
            if (session != null) {
                session.close(CloseCodes.INTERNAL_ERROR, "socket error");
            } else {
                ctx.close();
            }
            return;
        }
        if (session == null) {
            if (!refused) {
                refuse("", Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, message, closeCode);
            }
        } else {
            reject(Replies.error("", Error.Code.UNRECOGNIZED_PAYLOAD, message), closeCode);
        }
    }
}
