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
import io.gantry.transport.SocketSessionHandler;
import io.gantry.transport.http.Authenticator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

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
final class TcpSessionHandler extends SocketSessionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TcpSessionHandler.class);
    static final String NOT_CONNECT = "The first frame of a TCP connection must be a 'connect' envelope with a session token.";
    static final String BAD_TOKEN = "Missing or invalid token";
    private static final byte[] PING = Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build().toByteArray();

    private final EdgeSettings settings;
    private final Authenticator authenticator;
    private ChannelHandlerContext ctx;
    /** Set when the connection was refused: nothing more is read. */
    private boolean refused;

    TcpSessionHandler(EdgeSettings settings, Authenticator authenticator, SessionRegistry registry, Router router) {
        super(router, registry);
        this.settings = settings;
        this.authenticator = authenticator;
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
        TcpConnection tcp = new TcpConnection(ctx.channel(), settings.slowConsumerTimeoutMs());
        Session opened = new Session(UUID.randomUUID().toString(), claims.userId(), claims.username(), claims.vars(),
                WireFormat.PROTOBUF, lang, connect.getStatus(), claims.expiresAt(), settings.outgoingQueueSize(),
                settings.outgoingHighWater(), settings.outgoingLowWater(), tcp);
        tcp.bind(opened);
        bind(opened, tcp);
        if (!register()) {
            bind(null, null); // no session came of it
            refuse(envelope.getCid(), Error.Code.RUNTIME_EXCEPTION_VALUE, SERVER_BUSY, CloseCodes.TRY_AGAIN_LATER);
            return;
        }
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
        startPings(ctx, settings.pingPeriodMs(), () -> TcpConnection.writeFrame(ctx.channel(), PING));
    }

    private void onFrame(ByteBuf frame) {
        if (session.isClosed()) {
            return;
        }
        try {
            publish(EnvelopeCodec.decodeBinary(frame.nioBuffer()));
        } catch (InvalidEnvelopeException e) {
            reject(Replies.error(e.cid(), e.code(), e.getMessage()), CloseCodes.POLICY_VIOLATION);
        }
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
    protected void onSilence() {
        if (session == null) {
            if (!refused) {
                refuse("", Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, "no 'connect' within the pong wait",
                        CloseCodes.GOING_AWAY);
            }
            return;
        }
        super.onSilence();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (refused) {
            return; // already answered and closing
        }
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
            refuse("", Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, message, closeCode);
        } else {
            reject(Replies.error("", Error.Code.UNRECOGNIZED_PAYLOAD, message), closeCode);
        }
    }
}
