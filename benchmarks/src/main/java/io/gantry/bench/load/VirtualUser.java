package io.gantry.bench.load;

import com.heroiclabs.nakama.rtapi.Disconnect;
import io.gantry.client.TcpConnectException;
import io.gantry.client.TcpSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
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
 * One simulated client: its device id and session token, and once connected its socket: a
 * WebSocket, whose last pipeline handler this is, or a connection of Gantry's TCP transport
 * ({@link TcpSocket}, whose raw frame listener this is). Every message it receives is decoded by
 * the run's {@link Wire} and handed to the scenario ({@link Events}). No thread of its own: it
 * lives on its socket's event loop, with many others.
 */
final class VirtualUser extends SimpleChannelInboundHandler<WebSocketFrame> implements FrameSink, TcpSocket.FrameListener {

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
    /**
     * The node (index into {@code --ports}; 0 without it) this user authenticates and opens its
     * socket on: {@code index mod nodes} unless the scenario places it otherwise before opening.
     */
    int node;
    volatile String token;
    volatile String userId;

    /** The WebSocket's channel (null on TCP). */
    Channel channel;
    /** The TCP connection, once its handshake is done (null on a WebSocket). */
    volatile TcpSocket tcp;
    /** Set when the user starts connecting over TCP (the handshake is under way). */
    volatile boolean tcpConnecting;
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
    /** With --ports: the other nodes holding receivers of this user's rated messages (its bus crossings per send). */
    int peerNodes;
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
        TcpSocket t = tcp;
        if (t != null) {
            return t.isOpen();
        }
        Channel c = channel;
        return c != null && c.isActive() && handshake.isDone() && !handshake.isCompletedExceptionally();
    }

    /** Whether connecting was started (or done): a user is connected once. */
    boolean started() {
        return channel != null || tcpConnecting;
    }

    /** The event loop carrying the socket, or null before it is open. */
    EventLoop eventLoop() {
        TcpSocket t = tcp;
        if (t != null) {
            return t.eventLoop();
        }
        Channel c = channel;
        return c == null ? null : c.eventLoop();
    }

    /** The socket's allocator, for the rated messages. */
    ByteBufAllocator alloc() {
        TcpSocket t = tcp;
        return t != null ? t.alloc() : channel.alloc();
    }

    // ---- sending ----

    /**
     * Sends a request with a fresh cid; the future completes with the reply carrying that cid.
     * {@code message} gives the message bytes (see {@link Wire}); the socket frames them.
     */
    CompletableFuture<Reply> request(LongFunction<ByteBuf> message) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        TcpSocket t = tcp;
        Channel c = channel;
        if (t == null ? c == null || !c.isActive() : !t.isOpen()) {
            f.completeExceptionally(new IllegalStateException("socket not open"));
            return f;
        }
        long cid = cids.incrementAndGet();
        pending.put(cid, f);
        ByteBuf bytes = message.apply(cid);
        ChannelFuture written = t != null ? t.sendFrame(bytes)
                : c.writeAndFlush(wire.binary() ? new BinaryWebSocketFrame(bytes) : new TextWebSocketFrame(bytes));
        written.addListener((ChannelFutureListener) w -> {
            if (!w.isSuccess()) {
                pending.remove(cid);
                f.completeExceptionally(w.cause());
            }
        });
        f.whenComplete((r, e) -> pending.remove(cid));
        return f;
    }

    /**
     * Writes a rated message built by the {@link Wire} (a whole raw WebSocket frame, or on TCP an
     * envelope with room for its prefix); false when the socket cannot take it now.
     */
    boolean sendRaw(ByteBuf frame) {
        TcpSocket t = tcp;
        if (t != null) {
            if (!t.isOpen()) {
                frame.release();
                stats.error("send: socket closed", null);
                return false;
            }
            if (!t.isWritable()) {
                frame.release();
                stats.error("send: skipped, socket not writable (server not reading)", null);
                return false;
            }
            t.sendFrameInPlace(frame);
            return true;
        }
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

    /** Closes the socket with a normal close frame (on TCP: closes the connection). */
    void close() {
        closing = true;
        TcpSocket t = tcp;
        if (t != null) {
            t.close();
            return;
        }
        Channel c = channel;
        if (c != null && c.isActive()) {
            c.writeAndFlush(new CloseWebSocketFrame(1000, "bench done")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Waits (at most {@code ms}) for the socket to be closed. */
    void awaitClosed(long ms) {
        TcpSocket t = tcp;
        if (t != null) {
            try {
                t.closed().get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // still open: the run is over anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        Channel c = channel;
        if (c != null) {
            c.closeFuture().awaitUninterruptibly(ms);
        }
    }

    // ---- receiving: TCP (the client answers pings and takes the server's disconnect) ----

    /** The TCP client's event loop: one envelope, without its length prefix. */
    @Override
    public void onFrame(TcpSocket socket, ByteBuf frame) {
        wire.decode(frame, this);
    }

    /** The TCP connection ended: the server's {@code disconnect}, or 1006 when it was lost. */
    @Override
    public void onDisconnect(TcpSocket socket, Disconnect disconnect) {
        if (!closing) {
            if (disconnect.getCode() == TcpSocket.CONNECTION_LOST) {
                stats.error("socket: closed without disconnect", null);
            } else {
                stats.error("close " + disconnect.getCode(), disconnect.getReason());
            }
        }
        closing = true;
        for (CompletableFuture<Reply> f : pending.values()) {
            f.completeExceptionally(new IllegalStateException("socket closed"));
        }
    }

    /** Why a TCP handshake failed, as a failure kind of the summary. */
    static HandshakeFailure tcpFailure(TcpConnectException e) {
        return new HandshakeFailure(e.code() < 0 ? "handshake: connection closed" : "handshake: error " + e.code()
                + " (disconnect " + e.closeCode() + ")", e.getMessage());
    }

    // ---- receiving: WebSocket ----

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
