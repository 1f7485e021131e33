package io.gantry.client;

import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens connections to Gantry's TCP transport. One client holds (or borrows) the Netty event
 * loops that carry its connections, so a program opening thousands of connections (a load
 * generator, a bot farm) shares a few threads among them.
 *
 * <pre>{@code
 * try (TcpClient client = TcpClient.create()) {
 *     TcpSocket socket = client.connect("127.0.0.1", 7349, sessionToken, (s, envelope) ->
 *             System.out.println("received " + envelope)).get(5, TimeUnit.SECONDS);
 *     Envelope joined = socket.request(Envelope.newBuilder().setChannelJoin(
 *             ChannelJoin.newBuilder().setTarget("lobby").setType(1))).get(5, TimeUnit.SECONDS);
 *     socket.close();
 * }
 * }</pre>
 *
 * <p>The wire: every frame is a protobuf {@code nakama.realtime.Envelope} preceded by its length
 * as a varint32; the first frame a client sends is a {@code connect} envelope, answered by a
 * {@code connected} one (see the README's "TCP transport").
 */
public final class TcpClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final boolean ownsGroup;
    /** Extra channel options of every connection, set before connecting (see {@link #option}). */
    private final Map<ChannelOption<?>, Object> options = new LinkedHashMap<>();

    private TcpClient(EventLoopGroup group, Class<? extends SocketChannel> channelType, boolean ownsGroup) {
        this.group = group;
        this.channelType = channelType;
        this.ownsGroup = ownsGroup;
    }

    /** A client with one event loop thread of its own (NIO), closed with the client. */
    public static TcpClient create() {
        return new TcpClient(new NioEventLoopGroup(1, new DefaultThreadFactory("gantry-client", true)),
                NioSocketChannel.class, true);
    }

    /**
     * A client on event loops the caller owns (and closes): {@code channelType} must suit the
     * group, e.g. {@code EpollSocketChannel} on an {@code EpollEventLoopGroup}.
     */
    public static TcpClient on(EventLoopGroup group, Class<? extends SocketChannel> channelType) {
        return new TcpClient(Objects.requireNonNull(group), Objects.requireNonNull(channelType), false);
    }

    /**
     * Sets a channel option on every connection opened from now on (over the defaults
     * {@code TCP_NODELAY} and a 10 s connect timeout), e.g. a pooled allocator or write-buffer
     * water marks. Call before connecting, from the thread that connects; returns this client.
     */
    public <T> TcpClient option(ChannelOption<T> option, T value) {
        options.put(Objects.requireNonNull(option), Objects.requireNonNull(value));
        return this;
    }

    /** Connects with a session token, appearing offline, in English. */
    public CompletableFuture<TcpSocket> connect(String host, int port, String token, TcpSocket.Listener listener) {
        return connect(host, port, Connect.newBuilder().setToken(token).build(), listener);
    }

    /**
     * Opens a connection and sends {@code connect} (token, status, lang) as its first frame. The
     * future completes with the socket once the server answers {@code connected}, or fails with
     * a {@link TcpConnectException} carrying the server's error (a bad token, a busy server).
     */
    public CompletableFuture<TcpSocket> connect(String host, int port, Connect connect, TcpSocket.Listener listener) {
        return open(InetSocketAddress.createUnresolved(host, port), null, connect, new TcpSocket(listener));
    }

    /**
     * As {@link #connect(String, int, Connect, TcpSocket.Listener)}, delivering frames as the
     * server sent them, undecoded (for programs that decode envelopes themselves, such as a load
     * generator). Server pings are still answered, and a {@code disconnect} still ends the socket.
     */
    public CompletableFuture<TcpSocket> connectRaw(String host, int port, Connect connect,
                                                   TcpSocket.FrameListener listener) {
        return open(InetSocketAddress.createUnresolved(host, port), null, connect, new TcpSocket(listener));
    }

    /**
     * As {@link #connectRaw(String, int, Connect, TcpSocket.FrameListener)} to an address resolved
     * once by the caller, from {@code local} when not null (a local address to bind, port 0 for
     * any: many local addresses give a load generator more connections than one allows).
     */
    public CompletableFuture<TcpSocket> connectRaw(SocketAddress remote, SocketAddress local, Connect connect,
                                                   TcpSocket.FrameListener listener) {
        return open(Objects.requireNonNull(remote), local, connect, new TcpSocket(listener));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompletableFuture<TcpSocket> open(SocketAddress remote, SocketAddress local, Connect connect, TcpSocket socket) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("frames", new ProtobufVarint32FrameDecoder())
                                .addLast("socket", socket.handler());
                    }
                });
        options.forEach((option, value) -> bootstrap.option((ChannelOption) option, value));
        ChannelFuture connecting = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                socket.handshake(connecting.channel(), Envelope.newBuilder().setCid("connect").setConnect(connect).build());
            } else {
                socket.connected().completeExceptionally(f.cause());
            }
        });
        return socket.connected();
    }

    /** Closes the event loops this client owns (not borrowed ones), and with them its connections. */
    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
