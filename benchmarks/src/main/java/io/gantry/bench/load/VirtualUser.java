package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * One simulated client: its device id and session token, and once connected its socket. It is
 * also the socket's last pipeline handler: every frame it receives is decoded by the run's
 * {@link Wire} and handed to the scenario ({@link Events}). No thread of its own: it lives on
 * its socket's event loop, with many others.
 */
final class VirtualUser extends SimpleChannelInboundHandler<WebSocketFrame> implements FrameSink {

    /** What a scenario does with the hot messages a user receives. */
    interface Events {
        default void onMatchData(VirtualUser u, long sentNs, long seq) {
        }

        default void onChannelMessage(VirtualUser u, long sentNs, long seq) {
        }

        default void onStatusJoin(VirtualUser u, long sentNs) {
        }

        default void onMatchmakerMatched(VirtualUser u) {
        }
    }

    final int index;
    final String deviceId;
    volatile String token;
    volatile String userId;

    Channel channel;
    LoopStats loopStats;
    final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private final ConcurrentHashMap<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong cids = new AtomicLong();
    private Wire wire;
    private Stats stats;
    private Events events = new Events() {
    };
    private volatile boolean closing;
    private volatile boolean closedByServer;
    volatile long connectStartNs;

    // ---- scenario state (written during set-up, then only by this user's loop) ----
    /** Prepared bytes of the rated message (match data or chat send prefix). */
    byte[] sendPrefix;
    /** Receivers of each rated message this user sends. */
    int fanout;
    long seq;
    /** Scenario-specific: match id, channel id… */
    volatile String target;
    /** Scenario-specific role (e.g. follower). */
    int role;
    /** When the outstanding application ping was sent (connect-storm), 0 when none. */
    long pingSentNs;
    /** Matchmaker: when the ticket was added, and when the match was announced (0 until then). */
    long addedAtNs;
    long matchedAtNs;

    VirtualUser(int index, String deviceId) {
        this.index = index;
        this.deviceId = deviceId;
    }

    void bind(Wire wire, Stats stats) {
        this.wire = wire;
        this.stats = stats;
    }

    void events(Events events) {
        this.events = events;
    }

    boolean connected() {
        Channel c = channel;
        return c != null && c.isActive() && handshake.isDone() && !handshake.isCompletedExceptionally();
    }

    // ---- sending ----

    /** Sends a request with a fresh cid; the future completes with the reply carrying that cid. */
    CompletableFuture<Reply> request(LongFunction<WebSocketFrame> frame) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        Channel c = channel;
        if (c == null || !c.isActive()) {
            f.completeExceptionally(new IllegalStateException("socket not open"));
            return f;
        }
        long cid = cids.incrementAndGet();
        pending.put(cid, f);
        c.writeAndFlush(frame.apply(cid)).addListener((ChannelFutureListener) w -> {
            if (!w.isSuccess()) {
                pending.remove(cid);
                f.completeExceptionally(w.cause());
            }
        });
        f.whenComplete((r, e) -> pending.remove(cid));
        return f;
    }

    /** Writes a whole raw frame (see {@link RawFrame}); false when the socket cannot take it now. */
    boolean sendRaw(ByteBuf frame) {
        Channel c = channel;
        if (c == null || !c.isActive()) {
            frame.release();
            stats.error("send: socket closed", null);
            return false;
        }
        if (!c.isWritable()) {
            frame.release();
            stats.error("send: skipped, socket not writable (server not reading)", null);
            return false;
        }
        c.writeAndFlush(frame, c.voidPromise());
        return true;
    }

    /** Closes the socket with a normal close frame. */
    void close() {
        closing = true;
        Channel c = channel;
        if (c != null && c.isActive()) {
            c.writeAndFlush(new CloseWebSocketFrame(1000, "bench done")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ---- receiving ----

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            wire.decode(frame.content(), this);
        } else if (frame instanceof CloseWebSocketFrame close) {
            closedByServer = true;
            if (!closing) {
                stats.error("close " + close.statusCode(), close.reasonText());
            }
            closing = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            handshake.complete(null);
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            handshake.completeExceptionally(new HandshakeFailure("handshake: timeout", "no upgrade response in time"));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!handshake.isDone()) {
            String msg = String.valueOf(cause.getMessage());
            String kind = cause.getClass().getSimpleName();
            int at = msg.indexOf("getStatus: ");
            if (at >= 0) { // WebSocketClientHandshakeException: "Invalid handshake response getStatus: 401 Unauthorized"
                kind = "HTTP " + msg.substring(at + 11).trim();
            }
            handshake.completeExceptionally(new HandshakeFailure("handshake: " + kind, msg));
        } else if (!closing) {
            stats.error("socket: " + cause.getClass().getSimpleName(), cause.getMessage());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!handshake.isDone()) {
            handshake.completeExceptionally(new HandshakeFailure("handshake: connection closed", "closed before the upgrade"));
        } else if (!closing && !closedByServer) {
            stats.error("socket: closed without close frame", null);
        }
        for (CompletableFuture<Reply> f : pending.values()) {
            f.completeExceptionally(new IllegalStateException("socket closed"));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void onReply(long cid, Reply reply) {
        CompletableFuture<Reply> f = pending.remove(cid);
        if (f != null) {
            f.complete(reply);
        } else if (reply.isError()) {
            stats.error("error " + reply.code(), reply.message());
        }
    }

    @Override
    public void onMatchData(long sentNs, long seq) {
        events.onMatchData(this, sentNs, seq);
    }

    @Override
    public void onChannelMessage(long sentNs, long seq) {
        events.onChannelMessage(this, sentNs, seq);
    }

    @Override
    public void onStatusJoin(long sentNs) {
        events.onStatusJoin(this, sentNs);
    }

    @Override
    public void onMatchmakerMatched() {
        events.onMatchmakerMatched(this);
    }

    @Override
    public void onError(int code, String message) {
        stats.error("error " + code, message);
    }

    @Override
    public void onOther() {
        // presence events, acks, notifications: not measured
    }

    /** Why a socket could not be opened: {@code kind} groups failures in the summary. */
    static final class HandshakeFailure extends RuntimeException {
        final String kind;

        HandshakeFailure(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }
}
