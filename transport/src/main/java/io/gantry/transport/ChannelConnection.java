package io.gantry.transport;

import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;

import java.util.concurrent.TimeUnit;

/**
 * The outbound half of a socket session, and its flow control, for every transport: a subclass
 * only says how one message and the closing frame go on its wire ({@link #writeMessage},
 * {@link #writeClose}): a WebSocket frame, or a length-prefixed envelope on TCP. Everything here runs on the
 * channel's event loop except {@link #requestFlush} and {@link #close}, which any thread may call
 * and which hop onto the event loop.
 *
 * <p>{@link #drain} writes everything queued so far and flushes once: one syscall for a batch,
 * however many messages the router queued meanwhile. The encoded bytes of a message are shared
 * by every recipient of the same format; each recipient's frame only wraps them.
 *
 * <p>Flow control: after each request handed to the router, {@link #afterRequest} stops reading
 * the socket ({@code autoRead} off) once the session's backlog reaches its high-water mark; a
 * drain on a writable socket turns reading back on once the backlog is at its low-water mark (see
 * {@link Session}). Frames already decoded when reading stops are held by Netty's
 * {@code FlowControlHandler} in front of the session handler, so nothing more reaches the router.
 *
 * <p>Slow consumers: a socket that stays unwritable (Netty holds more than its write-buffer high
 * mark that the kernel would not take: the client is not reading) for the slow-consumer timeout is
 * closed as a slow consumer. A momentary burst that the client reads is not: writability comes
 * back and the deadline is forgotten. Such a stalled socket is reset at once (its client would
 * never read a close frame queued behind what it did not read, and a FIN would keep the kernel's
 * send buffer allocated behind the same unread bytes). Note that the kernel absorbs what its send
 * buffer holds before Netty sees the socket unwritable: on Linux, autotuned up to
 * {@code net.ipv4.tcp_wmem}'s maximum (about 3 MB on loopback here). Any other close writes the close
 * frame after whatever was queued and closes the connection once the frame is written, or resets
 * it after {@link #CLOSE_GRACE_MS} (a client that stops reading never lets the frame out).
 */
public abstract class ChannelConnection implements Connection {

    /** Longest wait for a close frame to be written before the connection is reset. */
    static final long CLOSE_GRACE_MS = 1_000;

    protected final Channel channel;
    private final long slowConsumerTimeoutNanos;
    private final Runnable drainTask = this::drain;
    private final Runnable stallCheck = this::checkStall;
    private Session session;
    // event loop only
    private boolean unwritable;
    private long unwritableSinceNanos;
    private boolean stallCheckScheduled;
    private boolean stalled;

    protected ChannelConnection(Channel channel, long slowConsumerTimeoutMs) {
        this.channel = channel;
        this.slowConsumerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(slowConsumerTimeoutMs);
    }

    /** Event loop: writes (without flushing) one message, encoded in the session's format. */
    protected abstract void writeMessage(WireFormat format, byte[] bytes);

    /** Event loop: writes and flushes the transport's last frame, carrying the close code and reason. */
    protected abstract ChannelFuture writeClose(int closeCode, String reason);

    public void bind(Session session) {
        this.session = session;
    }

    @Override
    public void requestFlush(Session target) {
        channel.eventLoop().execute(drainTask);
    }

    @Override
    public void close(int closeCode, String reason) {
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                return;
            }
            if (stalled) {
                // The client has read nothing for the slow-consumer timeout: a close frame behind
                // what it did not read would never arrive. Reset rather than close: a FIN would
                // wait behind the unread bytes the kernel holds for it (megabytes, autotuned),
                // which would stay allocated until the kernel gave up on the orphaned socket.
                reset();
                return;
            }
            drain();
            writeClose(closeCode, reason).addListener(ChannelFutureListener.CLOSE);
            // A client that is not reading never lets the frame out: reset it after a grace period.
            channel.eventLoop().schedule(() -> {
                if (channel.isActive()) {
                    reset();
                }
            }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        });
    }

    /** Event loop: closes with a TCP reset, discarding what the kernel still holds for the client. */
    private void reset() {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        if (channel instanceof io.netty.channel.socket.DuplexChannel duplex) {
            // io_uring: a write the kernel holds until the client reads keeps the socket open past a
            // close; shutting it down fails that write first
            duplex.shutdown().addListener(f -> channel.close());
            return;
        }
        channel.close();
    }

    /**
     * Event loop: writes queued messages while the socket accepts them, then flushes once. When
     * the socket stops being writable the rest waits for {@link #writabilityChanged}. Ends by
     * turning reading back on when it was paused and the backlog has come down.
     */
    public void drain() {
        Session s = session;
        if (s == null || !channel.isActive()) {
            return;
        }
        if (writeQueued(s) && s.resumeReadsIfCaughtUp()) {
            channel.config().setAutoRead(true); // reads on: held frames first, then the socket
        }
    }

    /** Writes and flushes; true when the queue was emptied, false when the socket filled up. */
    private boolean writeQueued(Session s) {
        boolean wrote = false;
        WireFormat format = s.format();
        while (true) {
            if (!channel.isActive()) {
                return false;
            }
            if (!channel.isWritable()) {
                if (wrote) {
                    channel.flush();
                }
                return false; // the flush request stays pending until the socket drains
            }
            Outbound message = s.poll();
            if (message == null) {
                if (wrote) {
                    channel.flush();
                    wrote = false;
                }
                if (!s.flushDone()) {
                    return true;
                }
                continue;
            }
            writeMessage(format, message.bytes(format));
            wrote = true;
        }
    }

    /**
     * Event loop, after a request of this session was handed to the router: stops reading when
     * the session's backlog reached its high-water mark.
     */
    public void afterRequest() {
        Session s = session;
        if (s.pauseReadsIfBehind()) {
            channel.config().setAutoRead(false);
        }
    }

    /** Event loop: the socket's writability changed. Starts or forgets the slow-consumer deadline. */
    public void writabilityChanged() {
        if (channel.isWritable()) {
            unwritable = false;
            drain();
            return;
        }
        if (!unwritable) {
            unwritable = true;
            unwritableSinceNanos = System.nanoTime();
            if (!stallCheckScheduled) {
                stallCheckScheduled = true;
                channel.eventLoop().schedule(stallCheck, slowConsumerTimeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Event loop: the deadline of an unwritable spell came; closes the session if it never ended. */
    private void checkStall() {
        stallCheckScheduled = false;
        if (!unwritable || !channel.isActive()) {
            return;
        }
        long waited = System.nanoTime() - unwritableSinceNanos;
        if (waited >= slowConsumerTimeoutNanos) {
            stalled = true;
            session.closeSlowConsumer("slow consumer: the client read nothing for "
                    + TimeUnit.NANOSECONDS.toMillis(slowConsumerTimeoutNanos) + " ms while "
                    + session.queued() + " messages waited");
            return;
        }
        // writable in between, unwritable again since: wait out the rest of the new spell
        stallCheckScheduled = true;
        channel.eventLoop().schedule(stallCheck, slowConsumerTimeoutNanos - waited, TimeUnit.NANOSECONDS);
    }
}
