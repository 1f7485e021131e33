package io.gantry.transport;

import io.gantry.core.router.Router;
import io.gantry.core.session.CloseCodes;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.transport.http.ApiRoutes;
import io.gantry.transport.http.Authenticator;
import io.gantry.transport.http.HttpDate;
import io.gantry.transport.http.HttpRequestHandler;
import io.gantry.transport.tcp.TcpChannelInitializer;
import io.gantry.transport.ws.WebSocketUpgrade;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.incubator.channel.uring.IOUring;
import io.netty.incubator.channel.uring.IOUringEventLoopGroup;
import io.netty.incubator.channel.uring.IOUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network edge: one port for REST and WebSocket, and one for the TCP transport, served by the
 * same Netty event loops (epoll where available, NIO otherwise). REST handlers run on a bounded
 * executor; socket frames go to the router. Pipeline per HTTP connection: HTTP codec → aggregator
 * → CORS → request handler, which the upgrade replaces with flow control → frame aggregator →
 * session handler (whose keep-alive task sends the pings and keeps the pong wait). Per TCP connection: see {@link TcpChannelInitializer}.
 */
public final class NetworkEdge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkEdge.class);

    /** Shared by every socket: the allocator keeps no per-socket state (its handles do). */
    private static final AdaptiveRecvByteBufAllocator RECV_ALLOCATOR = new AdaptiveRecvByteBufAllocator();

    private final EdgeSettings settings;
    private final SessionRegistry sessions;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Class<? extends ServerChannel> channelType;
    private final SocketIo io;
    private final ThreadPoolExecutor apiExecutor;
    private final HttpRequestHandler requestHandler;
    private final CorsConfig corsConfig;
    private final TcpChannelInitializer tcpInitializer;
    private Channel serverChannel;
    private Channel tcpChannel;

    public NetworkEdge(EdgeSettings settings, ApiRoutes routes, Authenticator authenticator, SessionRegistry sessions,
                    Router router) {
        this.settings = settings;
        this.sessions = sessions;
        int loops = settings.eventLoopThreads() > 0 ? settings.eventLoopThreads() : Runtime.getRuntime().availableProcessors();
        io = resolve(settings.io());
        switch (io) {
            case IO_URING -> {
                bossGroup = new IOUringEventLoopGroup(1, new DefaultThreadFactory("gantry-accept", true));
                workerGroup = new IOUringEventLoopGroup(loops, new DefaultThreadFactory("gantry-io", true));
                channelType = IOUringServerSocketChannel.class;
            }
            case EPOLL -> {
                bossGroup = new EpollEventLoopGroup(1, new DefaultThreadFactory("gantry-accept", true));
                workerGroup = new EpollEventLoopGroup(loops, new DefaultThreadFactory("gantry-io", true));
                channelType = EpollServerSocketChannel.class;
            }
            default -> {
                bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("gantry-accept", true));
                workerGroup = new NioEventLoopGroup(loops, new DefaultThreadFactory("gantry-io", true));
                channelType = NioServerSocketChannel.class;
            }
        }
        apiExecutor = new ThreadPoolExecutor(settings.apiThreads(), settings.apiThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.apiQueueSize()), new DefaultThreadFactory("gantry-api", true),
                new ThreadPoolExecutor.AbortPolicy());
        WebSocketUpgrade upgrade = new WebSocketUpgrade(settings, authenticator, sessions, router);
        requestHandler = new HttpRequestHandler(routes, authenticator, apiExecutor, upgrade);
        tcpInitializer = new TcpChannelInitializer(settings, authenticator, sessions, router);
        // CORS as Nakama answers it, so nakama-js works from a browser page.
        corsConfig = CorsConfigBuilder.forAnyOrigin()
                .allowNullOrigin()
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
                        HttpMethod.DELETE, HttpMethod.PATCH)
                .allowedRequestHeaders(HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.CONTENT_TYPE,
                        HttpHeaderNames.USER_AGENT)
                // Netty's preflight answer keeps single-field headers, which quote a value with a comma, such
                // as its Date: every answer gets its Date from HttpDate instead
                .noPreflightResponseHeaders()
                .preflightResponseHeader(HttpHeaderNames.CONTENT_LENGTH, "0")
                .build();
    }

    /**
     * The interface a setting asks for, as this kernel allows it: {@code auto} takes the first of
     * io_uring, epoll and NIO that is available; an explicit choice the kernel refuses is an error.
     */
    static SocketIo resolve(SocketIo wanted) {
        return switch (wanted) {
            case AUTO -> IOUring.isAvailable() ? SocketIo.IO_URING : Epoll.isAvailable() ? SocketIo.EPOLL : SocketIo.NIO;
            case IO_URING -> {
                if (!IOUring.isAvailable()) {
                    throw new IllegalStateException("socket.io is io_uring but this kernel refuses it: "
                            + IOUring.unavailabilityCause());
                }
                yield SocketIo.IO_URING;
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("socket.io is epoll but it is not available: " + Epoll.unavailabilityCause());
                }
                yield SocketIo.EPOLL;
            }
            case NIO -> SocketIo.NIO;
        };
    }

    /** The kernel interface the event loops use. */
    public SocketIo io() {
        return io;
    }

    /** REST requests waiting for an API thread (for metrics). Any thread. */
    public int apiQueueDepth() {
        return apiExecutor.getQueue().size();
    }

    /**
     * Binds the HTTP port, and the TCP port unless it is off; returns the HTTP port actually bound
     * (useful when configured as 0). {@link #tcpPort()} then tells the TCP one.
     */
    public int start() throws InterruptedException {
        ServerBootstrap bootstrap = bootstrap()
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("http-idle", new IdleStateHandler(0, 0, settings.idleTimeoutMs(), TimeUnit.MILLISECONDS))
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregator", new HttpObjectAggregator(settings.maxRequestSize()))
                                .addLast("http-date", HttpDate.INSTANCE)
                                .addLast("cors", new CorsHandler(corsConfig))
                                .addLast("request", requestHandler);
                    }
                });
        serverChannel = bootstrap.bind(new InetSocketAddress(settings.address(), settings.port())).sync().channel();
        if (settings.tcpPort() != EdgeSettings.TCP_OFF) {
            try {
                tcpChannel = bootstrap().childHandler(tcpInitializer)
                        .bind(new InetSocketAddress(settings.address(), settings.tcpPort())).sync().channel();
            } catch (RuntimeException | InterruptedException e) {
                serverChannel.close().syncUninterruptibly();
                throw e;
            }
        }
        LOG.info("sockets through {} ({} event loop(s))", io.configName(), ((io.netty.util.concurrent.MultithreadEventExecutorGroup) workerGroup).executorCount());
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The TCP transport's port once started, or 0 when it is off. */
    public int tcpPort() {
        return tcpChannel == null ? 0 : ((InetSocketAddress) tcpChannel.localAddress()).getPort();
    }

    private ServerBootstrap bootstrap() {
        return new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // one allocator for every socket (each still has its own small handle), not one each
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
    }

    /** Stops accepting, closes every socket with a reason, and stops the event loops. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (tcpChannel != null) {
            tcpChannel.close().syncUninterruptibly();
        }
        for (Session session : sessions.all()) {
            session.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        // let close frames reach the clients before the loops stop
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (sessions.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        apiExecutor.shutdown();
        try {
            if (!apiExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("REST handlers still running after 5 s; stopping them");
                apiExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Bounded: an io_uring event loop was seen never to return from its wait after a shutdown
        // request (in the incubator transport), which hung close() for good.
        for (var group : List.of(bossGroup, workerGroup)) {
            if (!group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS)) {
                LOG.warn("event loops still running 5 s after shutdown; leaving them (daemon threads)");
            }
        }
    }
}
