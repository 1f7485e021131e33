package io.gantry.transport.ws;

import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.nio.charset.StandardCharsets;

/**
 * The outbound half of a WebSocket session. {@link #requestFlush} runs {@link #drain} on the
 * channel's event loop, which writes everything queued so far and flushes once: one syscall
 * for a batch, however many messages the router queued meanwhile.
 *
 * <p>The encoded bytes of a message are shared by every recipient of the same format; each
 * recipient's frame only wraps them (no copy, no re-encoding).
 */
final class ChannelConnection implements Connection {

    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final Channel channel;
    private final Runnable drainTask = this::drain;
    private Session session;

    ChannelConnection(Channel channel) {
        this.channel = channel;
    }

    void bind(Session session) {
        this.session = session;
    }

    @Override
    public void requestFlush(Session target) {
        channel.eventLoop().execute(drainTask);
    }

    @Override
    public void close(int closeCode, String reason) {
        channel.eventLoop().execute(() -> {
            drain();
            if (channel.isActive()) {
                channel.writeAndFlush(new CloseWebSocketFrame(closeCode, truncate(reason)))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    /**
     * Event loop: writes queued messages while the socket accepts them, then flushes once. When
     * the socket stops being writable the rest waits for {@code channelWritabilityChanged}; if the
     * client never reads, the session's bounded queue fills and it is closed as a slow consumer.
     */
    void drain() {
        Session s = session;
        if (s == null) {
            return;
        }
        boolean wrote = false;
        WireFormat format = s.format();
        while (true) {
            if (!channel.isActive()) {
                return;
            }
            if (!channel.isWritable()) {
                if (wrote) {
                    channel.flush();
                }
                return; // the flush request stays pending until the socket drains
            }
            Outbound message = s.poll();
            if (message == null) {
                if (wrote) {
                    channel.flush();
                    wrote = false;
                }
                if (!s.flushDone()) {
                    return;
                }
                continue;
            }
            channel.write(frame(format, message.bytes(format)), channel.voidPromise());
            wrote = true;
        }
    }

    static WebSocketFrame frame(WireFormat format, byte[] bytes) {
        return format == WireFormat.JSON
                ? new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        // cut on a character boundary
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }
}
