package io.gantry.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.heroiclabs.nakama.rtapi.Disconnect;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import com.heroiclabs.nakama.rtapi.Pong;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection to Gantry's TCP transport, after its handshake. Any thread may send; the
 * listener is called on the connection's event loop thread, one envelope at a time in the order
 * the server sent them, and must not block.
 *
 * <p>{@link #request} gives a message a fresh cid and returns the server's answer to it (an
 * {@code Error} answer fails the future with {@link RealtimeErrorException}); such answers are
 * not given to the listener. Everything else the server sends is: events, and answers to envelopes
 * sent with {@link #send}. The server's keep-alive {@code ping}s are answered with a {@code pong}
 * here and not delivered (see {@link #pingsReceived}). The server's last frame before it closes a
 * connection, {@code disconnect}, completes {@link #closed()} with its code and reason; a
 * connection lost without one completes it with code 1006. A listener that throws closes the
 * connection.
 */
public final class TcpSocket {

    /** Receives what the server sends, decoded. */
    @FunctionalInterface
    public interface Listener {
        void onEnvelope(TcpSocket socket, Envelope envelope);

        /** The connection ended: the server's {@code disconnect}, or code 1006 when it was lost. */
        default void onDisconnect(TcpSocket socket, Disconnect disconnect) {
        }
    }

    /** Receives what the server sends as undecoded envelope bytes (without the length prefix). */
    @FunctionalInterface
    public interface FrameListener {
        /** The frame is released after this returns: retain it to keep it. */
        void onFrame(TcpSocket socket, ByteBuf frame);

        default void onDisconnect(TcpSocket socket, Disconnect disconnect) {
        }
    }

    /** The close code of a connection that ended without the server's {@code disconnect}. */
    public static final int CONNECTION_LOST = 1006;

    /**
     * Bytes to leave free before an envelope sent with {@link #sendFrameInPlace}: room for the
     * longest varint32 length prefix.
     */
    public static final int PREFIX_HEADROOM = 5;

    private static final byte[] PING = Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build().toByteArray();
    private static final byte[] PONG = Envelope.newBuilder().setPong(Pong.getDefaultInstance()).build().toByteArray();
    /** The tag a disconnect envelope starts with (it has no cid): field 102, length-delimited; two bytes as a varint. */
    private static final int DISCONNECT_TAG = (Envelope.DISCONNECT_FIELD_NUMBER << 3) | 2;

    private final Listener listener;
    private final FrameListener frameListener;
    private final CompletableFuture<TcpSocket> connected = new CompletableFuture<>();
    private final CompletableFuture<Disconnect> closed = new CompletableFuture<>();
    private final Map<String, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger cids = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();
    private volatile Channel channel;
    private volatile String sessionId = "";
    private volatile String userId = "";
    private volatile String username = "";
    // event loop only
    private boolean handshakeDone;
    private com.heroiclabs.nakama.rtapi.Error handshakeError;
    private Disconnect disconnect;

    TcpSocket(Listener listener) {
        this.listener = listener;
        this.frameListener = null;
    }

    TcpSocket(FrameListener frameListener) {
        this.listener = null;
        this.frameListener = frameListener;
    }

    /** The session id the server gave this connection (as in presences). */
    public String sessionId() {
        return sessionId;
    }

    public String userId() {
        return userId;
    }

    public String username() {
        return username;
    }

    /** Sends an envelope as it is (its cid included). Any thread. */
    public ChannelFuture send(Envelope envelope) {
        return sendFrame(envelope.toByteArray());
    }

    /** Sends one frame: encoded envelope bytes, prefixed here with their length. Any thread. */
    public ChannelFuture sendFrame(byte[] envelope) {
        return channel.writeAndFlush(Unpooled.wrappedBuffer(prefix(envelope.length), Unpooled.wrappedBuffer(envelope)));
    }

    /** As {@link #sendFrame(byte[])} for bytes in a buffer, which this call releases. */
    public ChannelFuture sendFrame(ByteBuf envelope) {
        channel.write(prefix(envelope.readableBytes()), channel.voidPromise());
        return channel.writeAndFlush(envelope);
    }

    /**
     * Sends one frame with no allocation of its own: the hot path of a program that writes
     * envelopes straight into pooled buffers (a load generator). {@code envelope}'s readable
     * bytes are the encoded envelope, and at least {@link #PREFIX_HEADROOM} bytes before its
     * reader index are free: the length prefix is written there, in place, and the whole goes out
     * as one buffer, flushed, without a future (a failed write closes the connection). The buffer
     * must be this caller's alone (not a duplicate or slice of a shared one); this call releases
     * it. Any thread; on the connection's event loop it is written at once.
     *
     * <pre>{@code
     * ByteBuf buf = socket.alloc().directBuffer(TcpSocket.PREFIX_HEADROOM + size);
     * buf.writerIndex(TcpSocket.PREFIX_HEADROOM).readerIndex(TcpSocket.PREFIX_HEADROOM);
     * envelope.writeTo(buf);   // or field by field
     * socket.sendFrameInPlace(buf);
     * }</pre>
     */
    public void sendFrameInPlace(ByteBuf envelope) {
        int length = envelope.readableBytes();
        int size = CodedOutputStream.computeUInt32SizeNoTag(length);
        int at = envelope.readerIndex() - size;
        if (at < 0) {
            envelope.release();
            throw new IllegalArgumentException("no room for the length prefix: " + size + " bytes needed before the reader index, "
                    + envelope.readerIndex() + " free");
        }
        setVarint32(envelope, at, length);
        envelope.readerIndex(at);
        Channel c = channel;
        c.writeAndFlush(envelope, c.voidPromise());
    }

    /**
     * Whether the connection's outbound buffer is under its high-water mark: a sender that must
     * not queue without bound skips a send when this is false. Any thread.
     */
    public boolean isWritable() {
        Channel c = channel;
        return c != null && c.isWritable();
    }

    /** The event loop carrying this connection (the listener's thread); null before it is open. */
    public EventLoop eventLoop() {
        Channel c = channel;
        return c == null ? null : c.eventLoop();
    }

    /** The connection's buffer allocator, for frames sent with {@link #sendFrameInPlace}. */
    public ByteBufAllocator alloc() {
        Channel c = channel;
        return c == null ? ByteBufAllocator.DEFAULT : c.alloc();
    }

    /**
     * Sends the message with a fresh cid and completes with the server's answer to it, or fails
     * with {@link RealtimeErrorException} when the answer is an {@code Error}, or with an
     * {@link IOException} when the connection ends first. Any thread.
     */
    public CompletableFuture<Envelope> request(Envelope.Builder message) {
        String cid = "r" + cids.incrementAndGet();
        CompletableFuture<Envelope> answer = new CompletableFuture<>();
        pending.put(cid, answer);
        if (closed.isDone()) {
            fail(cid, answer);
        } else {
            send(message.setCid(cid).build()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(cid, answer);
                }
            });
        }
        return answer;
    }

    /** Pings the server; completes with its {@code pong} once everything sent before it was handled. */
    public CompletableFuture<Envelope> ping() {
        return request(Envelope.newBuilder().setPing(Ping.getDefaultInstance()));
    }

    /** How many keep-alive pings the server has sent (each answered with a pong). Any thread. */
    public int pingsReceived() {
        return pings.get();
    }

    /** Completes when the connection ends, with the server's {@code disconnect} or code 1006. */
    public CompletableFuture<Disconnect> closed() {
        return closed;
    }

    public boolean isOpen() {
        Channel c = channel;
        return c != null && c.isActive();
    }

    /** Closes the connection (the server sees a normal disconnect). */
    public void close() {
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    /** Drops the connection with a TCP reset, as a crashed client would. */
    public void abort() {
        Channel c = channel;
        if (c != null) {
            c.config().setOption(ChannelOption.SO_LINGER, 0);
            c.close();
        }
    }

    CompletableFuture<TcpSocket> connected() {
        return connected;
    }

    /** The connection is open: sends its {@code connect}. */
    void handshake(Channel channel, Envelope connect) {
        this.channel = channel;
        send(connect);
    }

    ChannelInboundHandlerAdapter handler() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                try {
                    onFrame((ByteBuf) msg);
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                ended();
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        };
    }

    private void onFrame(ByteBuf frame) throws InvalidProtocolBufferException {
        if (!handshakeDone) {
            onHandshakeFrame(decode(frame));
            return;
        }
        if (isPing(frame)) {
            pings.incrementAndGet();
            sendFrame(PONG);
            return;
        }
        if (frameListener != null) {
            int at = frame.readerIndex();
            if (frame.readableBytes() >= 2 && frame.getUnsignedByte(at) == ((DISCONNECT_TAG & 0x7f) | 0x80)
                    && frame.getUnsignedByte(at + 1) == DISCONNECT_TAG >>> 7) {
                disconnect = decode(frame).getDisconnect();
                return;
            }
            frameListener.onFrame(this, frame);
            return;
        }
        Envelope envelope = decode(frame);
        if (envelope.hasDisconnect()) {
            disconnect = envelope.getDisconnect();
            return;
        }
        if (!envelope.getCid().isEmpty()) {
            CompletableFuture<Envelope> answer = pending.remove(envelope.getCid());
            if (answer != null) {
                if (envelope.hasError()) {
                    answer.completeExceptionally(new RealtimeErrorException(envelope.getError()));
                } else {
                    answer.complete(envelope);
                }
                return;
            }
        }
        listener.onEnvelope(this, envelope);
    }

    private void onHandshakeFrame(Envelope envelope) {
        if (envelope.hasConnected()) {
            handshakeDone = true;
            sessionId = envelope.getConnected().getSessionId();
            userId = envelope.getConnected().getUserId();
            username = envelope.getConnected().getUsername();
            connected.complete(this);
        } else if (envelope.hasError()) {
            handshakeError = envelope.getError();
        } else if (envelope.hasDisconnect()) {
            disconnect = envelope.getDisconnect();
        }
    }

    /** Event loop: the connection is gone. */
    private void ended() {
        Disconnect why = disconnect != null ? disconnect
                : Disconnect.newBuilder().setCode(CONNECTION_LOST).setReason("connection lost").build();
        if (!handshakeDone) {
            connected.completeExceptionally(handshakeError != null
                    ? new TcpConnectException(handshakeError.getCode(), handshakeError.getMessage(), why.getCode())
                    : new TcpConnectException(-1, "connection closed before 'connected': " + why.getReason(), why.getCode()));
        }
        closed.complete(why);
        pending.forEach(this::fail);
        if (handshakeDone) {
            if (listener != null) {
                listener.onDisconnect(this, why);
            } else {
                frameListener.onDisconnect(this, why);
            }
        }
    }

    private void fail(String cid, CompletableFuture<Envelope> answer) {
        pending.remove(cid);
        answer.completeExceptionally(new IOException("connection closed before the answer to cid " + cid));
    }

    private static Envelope decode(ByteBuf frame) throws InvalidProtocolBufferException {
        try {
            return Envelope.parseFrom(CodedInputStream.newInstance(frame.nioBuffer()));
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    private static boolean isPing(ByteBuf frame) {
        if (frame.readableBytes() != PING.length) {
            return false;
        }
        for (int i = 0; i < PING.length; i++) {
            if (frame.getByte(frame.readerIndex() + i) != PING[i]) {
                return false;
            }
        }
        return true;
    }

    /** The varint32 length prefix of a frame of {@code length} bytes, in a buffer of its own. */
    private static ByteBuf prefix(int length) {
        int size = CodedOutputStream.computeUInt32SizeNoTag(length);
        ByteBuf prefix = Unpooled.buffer(size, size);
        setVarint32(prefix, 0, length);
        return prefix.writerIndex(size);
    }

    /** Writes {@code value} as a varint32 at {@code at}, without moving the buffer's indexes. */
    private static void setVarint32(ByteBuf buf, int at, int value) {
        while ((value & ~0x7f) != 0) {
            buf.setByte(at++, (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buf.setByte(at, value);
    }
}
