package io.gantry.bench.load;

import com.heroiclabs.nakama.rtapi.Connect;
import io.gantry.client.TcpClient;
import io.gantry.client.TcpConnectException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.incubator.channel.uring.IOUring;
import io.netty.incubator.channel.uring.IOUringEventLoopGroup;
import io.netty.incubator.channel.uring.IOUringSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The generator's sockets: a small Netty event loop group (epoll when available) carrying every
 * virtual user's socket, many per loop: a WebSocket, or with {@code --transport tcp} a connection
 * of Gantry's TCP transport opened by gantry-client's {@link TcpClient} on this same group. Opens
 * sockets with a bound on handshakes in progress, binding local addresses round-robin from
 * {@code --source-addresses}.
 */
final class BenchClient implements AutoCloseable {
    final EventLoopGroup group;
    final boolean epoll;
    /** True for the TCP transport; {@link #tcpClient} is then the client on {@link #group}. */
    final boolean tcp;
    private final TcpClient tcpClient;
    final Stats stats;
    final Wire wire;
    final long[] loopThreadIds;
    private final Class<? extends SocketChannel> channelClass;
    private final String ioName;
    /** The socket address of each node (one without --ports); a user's is {@code remotes[u.node]}. */
    private final InetSocketAddress[] remotes;
    private final InetAddress[] sources;
    private final String[] hostHeaders;
    private final int maxFrame;
    /**
     * Time from connect() to the end of the handshake (the WebSocket upgrade, or TCP's
     * {@code connected}), in microseconds.
     */
    final Histogram connectLatency = Stats.newHistogram();

    /**
     * {@code port} is the socket's: the HTTP port of {@code /ws}, or with {@code tcp} the TCP
     * transport's. {@code io} is auto (epoll when available), epoll, io_uring or nio.
     */
    BenchClient(String host, int port, boolean tcp, int threads, String io, List<String> sourceAddresses, Wire wire)
            throws UnknownHostException, InterruptedException {
        this(host, new int[] {port}, tcp, threads, io, sourceAddresses, wire);
    }

    /**
     * Sockets to several nodes of a cluster on {@code host}: {@code ports[k]} is node k's socket
     * port; each user connects to {@code ports[u.node]}.
     */
    BenchClient(String host, int[] ports, boolean tcp, int threads, String io, List<String> sourceAddresses, Wire wire)
            throws UnknownHostException, InterruptedException {
        String chosen = switch (io) {
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield "epoll";
            }
            case "io_uring" -> {
                IOUring.ensureAvailability();
                yield "io_uring";
            }
            case "nio" -> "nio";
            default -> Epoll.isAvailable() ? "epoll" : "nio";
        };
        boolean useEpoll = chosen.equals("epoll");
        this.epoll = useEpoll;
        this.ioName = chosen;
        DefaultThreadFactory tf = new DefaultThreadFactory("bench-loop", true);
        this.group = switch (chosen) {
            case "epoll" -> new EpollEventLoopGroup(threads, tf);
            case "io_uring" -> new IOUringEventLoopGroup(threads, tf);
            default -> new NioEventLoopGroup(threads, tf);
        };
        this.channelClass = switch (chosen) {
            case "epoll" -> EpollSocketChannel.class;
            case "io_uring" -> IOUringSocketChannel.class;
            default -> NioSocketChannel.class;
        };
        InetAddress address = InetAddress.getByName(host);
        this.remotes = new InetSocketAddress[ports.length];
        this.hostHeaders = new String[ports.length];
        for (int k = 0; k < ports.length; k++) {
            remotes[k] = new InetSocketAddress(address, ports[k]);
            hostHeaders[k] = Auth.hostForUri(host) + ":" + ports[k];
        }
        this.sources = new InetAddress[sourceAddresses == null ? 0 : sourceAddresses.size()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = InetAddress.getByName(sourceAddresses.get(i).trim());
        }
        this.wire = wire;
        this.maxFrame = 4 << 20;
        this.tcp = tcp;
        if (tcp) {
            TcpClient c = TcpClient.on(group, channelClass)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
            if (useEpoll && sources.length > 0) {
                c.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
            }
            this.tcpClient = c;
        } else {
            this.tcpClient = null;
        }
        this.stats = new Stats(group);
        int n = 0;
        for (EventExecutor ignored : group) {
            n++;
        }
        this.loopThreadIds = new long[n];
        int i = 0;
        for (EventExecutor e : group) {
            try {
                loopThreadIds[i++] = e.submit(() -> Thread.currentThread().getId()).get();
            } catch (java.util.concurrent.ExecutionException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** The Netty I/O of the event loops: epoll, io_uring or nio. */
    String ioName() {
        return ioName;
    }

    /** The socket channel class of the event loops' I/O. */
    Class<? extends SocketChannel> channelClass() {
        return channelClass;
    }

    /** The socket transport: ws or tcp. */
    String transportName() {
        return tcp ? "tcp" : "ws";
    }

    /**
     * The socket's address: host and port of {@code /ws}, or of the TCP transport; with several
     * nodes, {@code host:p1,p2,…}.
     */
    String remoteName() {
        StringBuilder sb = new StringBuilder(remotes[0].getHostString()).append(':');
        for (int k = 0; k < remotes.length; k++) {
            sb.append(k == 0 ? "" : ",").append(remotes[k].getPort());
        }
        return sb.toString();
    }

    /**
     * Opens the sockets of the users that have a token, at most {@code concurrency} handshakes in
     * progress; returns how many failed. Failures are recorded in the stats by kind. With
     * {@code status}, the users appear online to their followers.
     */
    int connect(List<VirtualUser> users, boolean status, int concurrency, long timeoutMs, IntConsumer progress)
            throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int next = 0;
        for (VirtualUser u : users) {
            u.bind(wire, stats);
            if (u.token == null || u.started()) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                stats.error("connect: timeout", "sockets not all open after " + timeoutMs + " ms");
                break;
            }
            InetAddress src = sources.length == 0 ? null : sources[next++ % sources.length];
            (tcp ? openTcp(u, status, src) : open(u, status ? "status=true" : null, src)).whenComplete((v, err) -> {
                if (err != null) {
                    failed.incrementAndGet();
                    Throwable c = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
                    if (c instanceof VirtualUser.HandshakeFailure h) {
                        stats.error(h.kind, h.getMessage());
                    } else if (c instanceof TcpConnectException t) {
                        VirtualUser.HandshakeFailure h = VirtualUser.tcpFailure(t);
                        stats.error(h.kind, h.getMessage());
                    } else {
                        Throwable r = Auth.rootCause(c);
                        stats.error("connect: " + r.getClass().getSimpleName(), r.getMessage());
                    }
                } else {
                    long us = (System.nanoTime() - u.connectStartNs) / 1000;
                    synchronized (connectLatency) {
                        connectLatency.recordValue(Math.min(us, LoopStats.HIGHEST_US));
                    }
                }
                permits.release();
                int d = done.incrementAndGet();
                if (progress != null) {
                    progress.accept(d);
                }
            });
        }
        long left = deadline - System.nanoTime();
        if (!permits.tryAcquire(concurrency, Math.max(0, left), TimeUnit.NANOSECONDS)) {
            stats.error("connect: timeout", "handshakes still in progress after " + timeoutMs + " ms");
        } else {
            permits.release(concurrency);
        }
        int notOpen = 0;
        for (VirtualUser u : users) {
            if (!u.connected()) {
                notOpen++;
            }
        }
        return notOpen;
    }

    /**
     * Opens a TCP connection through the TCP client, on this group: the future completes when the
     * server answered {@code connected}. The user is the connection's raw frame listener.
     */
    private java.util.concurrent.CompletableFuture<Void> openTcp(VirtualUser u, boolean status, InetAddress src) {
        Connect connect = Connect.newBuilder().setToken(u.token).setStatus(status).setLang("en").build();
        u.tcpConnecting = true;
        u.connectStartNs = System.nanoTime();
        return tcpClient.connectRaw(remotes[u.node], src == null ? null : new InetSocketAddress(src, 0), connect, u)
                .thenAccept(socket -> {
                    // on the socket's event loop, before it delivers any frame after 'connected'
                    u.loopStats = stats.of(socket.eventLoop());
                    u.tcp = socket;
                    u.handshake.complete(null);
                });
    }

    private java.util.concurrent.CompletableFuture<Void> open(VirtualUser u, String query, InetAddress src) {
        URI uri = URI.create("ws://" + hostHeaders[u.node] + "/ws?token=" + u.token + "&format=" + wire.format()
                + (query == null || query.isEmpty() ? "" : "&" + query));
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(maxFrame)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(30_000)
                .absoluteUpgradeUrl(false)
                .generateOriginHeader(false)
                .withUTF8Validator(false) // our own frames and the server's protojson: no need to re-validate
                .build();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("http", new HttpClientCodec());
                        p.addLast("http-agg", new HttpObjectAggregator(64 * 1024));
                        p.addLast("ws", new WebSocketClientProtocolHandler(config));
                        p.addLast("ws-agg", new WebSocketFrameAggregator(maxFrame));
                        p.addLast("user", u);
                    }
                });
        if (epoll && src != null) {
            // let the kernel pick the port at connect(), per (source, destination): more sockets per address
            b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        u.connectStartNs = System.nanoTime();
        InetSocketAddress remote = remotes[u.node];
        ChannelFuture cf = src == null ? b.connect(remote) : b.connect(remote, new InetSocketAddress(src, 0));
        Channel ch = cf.channel();
        u.channel = ch;
        cf.addListener(f -> {
            if (f.isSuccess()) {
                u.loopStats = stats.of(ch.eventLoop());
            } else {
                u.handshake.completeExceptionally(f.cause());
            }
        });
        return u.handshake;
    }

    /** Sends a close frame on every open socket and waits (briefly) for them to close. */
    void closeAll(List<VirtualUser> users, long waitMs) {
        for (VirtualUser u : users) {
            u.close();
        }
        long deadline = System.currentTimeMillis() + waitMs;
        for (VirtualUser u : users) {
            long left = deadline - System.currentTimeMillis();
            if (left > 0) {
                u.awaitClosed(left);
            }
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
