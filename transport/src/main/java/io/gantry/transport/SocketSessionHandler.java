package io.gantry.transport;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.router.Router;
import io.gantry.core.session.CloseCodes;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The inbound half of a socket session, what both transports share: registering the session and
 * publishing its connect, handing requests to the router (and flow control), rejecting a bad
 * frame, the keep-alive pings and the pong wait, and the disconnect when the connection ends. A
 * subclass decodes its frames, sends its pings and says what happens before a session exists.
 * Event loop only.
 *
 * <p>Keep-alive: one scheduled task per socket serves both the pings and the pong wait (a socket
 * that read nothing for the wait is closed), instead of a ping task plus an
 * {@code IdleStateHandler} in the pipeline: an idle socket holds one pending task on its event
 * loop, not two tasks and an extra handler. The task reschedules itself for whichever comes
 * first, the next ping or the end of the pong wait counted from the last read.
 *
 * <p>After each request it hands to the router it lets {@link ChannelConnection#afterRequest}
 * decide whether to stop reading (flow control); frames decoded before reading stopped wait in the
 * {@code FlowControlHandler} ahead of this handler. While reading is stopped the pong wait does
 * not apply: the client's pongs are among the unread bytes.
 */
public abstract class SocketSessionHandler extends ChannelInboundHandlerAdapter {

    /** The close reason of a socket refused because the router is full. */
    public static final String SERVER_BUSY = "server busy: try again later";

    protected final Router router;
    protected final SessionRegistry registry;
    /** Null until the subclass binds one (a TCP connection before its handshake). */
    protected Session session;
    protected ChannelConnection connection;
    private boolean registered;
    // keep-alive, event loop only
    private ScheduledFuture<?> keepAlive;
    private Runnable ping;
    private ChannelHandlerContext keepAliveCtx;
    private long pingPeriodNanos;
    private long nextPingNanos;
    /** 0: no pong wait here (the pipeline has its own idle handler). */
    private long pongWaitNanos;
    private long lastReadNanos;

    protected SocketSessionHandler(Router router, SessionRegistry registry) {
        this.router = router;
        this.registry = registry;
    }

    /** The session this connection carries, and its outbound half. */
    protected final void bind(Session session, ChannelConnection connection) {
        this.session = session;
        this.connection = connection;
    }

    /**
     * Registers the bound session and publishes its connect: from then on it exists for
     * everyone. False when the router's ring is full: the connect cannot be published without
     * waiting, so nothing of the session reached the router or stays registered.
     */
    protected final boolean register() {
        registry.add(session);
        if (!router.publishConnect(session)) {
            registry.remove(session);
            return false;
        }
        registered = true;
        return true;
    }

    /**
     * Runs {@code ping} every period until the connection ends; never once the session is closing
     * (nothing may follow its last frame). The pong wait is the pipeline's own (an idle handler
     * firing {@link IdleStateEvent}).
     */
    protected final void startPings(ChannelHandlerContext ctx, long periodMs, Runnable ping) {
        startKeepAlive(ctx, periodMs, 0, ping);
    }

    /**
     * Runs {@code ping} every period and closes the session ({@link #onSilence}) when nothing was
     * read for {@code pongWaitMs} (0: no pong wait), until the connection ends. Event loop.
     */
    protected final void startKeepAlive(ChannelHandlerContext ctx, long periodMs, long pongWaitMs, Runnable ping) {
        this.keepAliveCtx = ctx;
        this.ping = ping;
        this.pingPeriodNanos = TimeUnit.MILLISECONDS.toNanos(periodMs);
        this.pongWaitNanos = TimeUnit.MILLISECONDS.toNanos(pongWaitMs);
        long now = System.nanoTime();
        this.lastReadNanos = now;
        this.nextPingNanos = now + pingPeriodNanos;
        scheduleKeepAlive(now);
    }

    private void scheduleKeepAlive(long now) {
        long due = nextPingNanos;
        if (pongWaitNanos > 0) {
            due = Math.min(due, lastReadNanos + pongWaitNanos);
        }
        keepAlive = keepAliveCtx.executor().schedule(this::keepAliveDue, Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    /** Event loop: a ping or the end of the pong wait is due. */
    private void keepAliveDue() {
        keepAlive = null;
        if (session.isClosed() || !keepAliveCtx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (pongWaitNanos > 0 && now - lastReadNanos >= pongWaitNanos) {
            onSilence();
            if (session.isClosed()) {
                return;
            }
            // Reads were paused, so not the client's silence: as an idle handler does, wait a
            // whole pong wait again before the next look.
            lastReadNanos = now;
        }
        if (now - nextPingNanos >= 0) {
            ping.run();
            nextPingNanos += pingPeriodNanos;
            if (now - nextPingNanos >= 0) {
                nextPingNanos = now + pingPeriodNanos; // the loop fell behind: no burst of pings
            }
        }
        scheduleKeepAlive(now);
    }

    /** Something was read (a frame, a pong, part of one): the pong wait starts again. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        lastReadNanos = System.nanoTime();
        super.channelReadComplete(ctx);
    }

    /** Hands a decoded request to the router; reading may stop (flow control). */
    protected final void publish(Envelope request) {
        if (!session.isClosed()) {
            router.publishRequest(session, request);
            connection.afterRequest();
        }
    }

    /** A bad frame: the error goes behind what is queued, then the session closes. */
    protected final void reject(Envelope error, int closeCode) {
        if (session.isClosed()) {
            return;
        }
        session.send(error);
        session.close(closeCode, error.getError().getMessage());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            onSilence();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Nothing arrived for the pong wait. */
    protected void onSilence() {
        if (session.readsPaused()) {
            // We stopped reading, so the client's pongs wait unread: not its silence. A client
            // that does not read either is the slow-consumer deadline's to close.
            return;
        }
        session.close(CloseCodes.GOING_AWAY, "no pong or message within the pong wait");
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
        if (session != null) {
            session.markClosed();
        }
        if (keepAlive != null) {
            keepAlive.cancel(false);
            keepAlive = null;
        }
        if (registered) {
            registered = false;
            registry.remove(session);
            router.publishDisconnect(session);
        }
        super.channelInactive(ctx);
    }
}
