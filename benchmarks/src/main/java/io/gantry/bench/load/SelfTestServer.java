package io.gantry.bench.load;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.protobuf.util.JsonFormat;
import com.heroiclabs.nakama.rtapi.Channel;
import com.heroiclabs.nakama.rtapi.ChannelMessageAck;
import com.heroiclabs.nakama.rtapi.Connected;
import com.heroiclabs.nakama.rtapi.Disconnect;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Match;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchmakerMatched;
import com.heroiclabs.nakama.rtapi.MatchmakerTicket;
import com.heroiclabs.nakama.rtapi.Pong;
import com.heroiclabs.nakama.rtapi.Status;
import com.heroiclabs.nakama.rtapi.StatusPresenceEvent;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.gantry.bench.load.JsonScan.ascii;

/**
 * A tiny in-process server that speaks just enough of the Nakama client protocol for the
 * generator's scenarios: device authentication (a fake token), the socket in both formats and,
 * on a second port ({@link #tcpPort()}), Gantry's TCP transport (varint32-length-prefixed
 * protobuf envelopes after a {@code connect}/{@code connected} handshake; it sends no pings),
 * relayed matches (create, join, data), a chat room (join, send, echo to everyone), status
 * (follow, update), a pairing matchmaker, ping/pong and, over REST, the storage calls with canned
 * replies ({@link CannedStorage}) and the friend and group calls of the {@code social} scenario
 * ({@link CannedSocial}: adds and joins answer {@code {}}, the lists as many users as
 * {@link #cannedSocial} says). It keeps no rules and no persistence; its
 * point is to cost as little as possible per message, so a run against it measures the
 * generator ({@code self-test}) and the tests can drive every scenario without a real server.
 * The hot JSON paths (match data, chat, status) copy the received bytes into the outgoing frame,
 * encoded once and shared by every recipient.
 */
public final class SelfTestServer implements AutoCloseable {
    private static final AttributeKey<Session> SESSION = AttributeKey.valueOf("selftest-session");
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final EventLoopGroup group;
    private final io.netty.channel.Channel server;
    private final io.netty.channel.Channel tcpServer;
    private final long[] threadIds;

    private final Map<String, List<Session>> matches = new ConcurrentHashMap<>();
    private final Map<String, List<Session>> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<Session>> followers = new ConcurrentHashMap<>();
    private final Map<String, Session> online = new ConcurrentHashMap<>();
    private final List<Session> matchmaking = new ArrayList<>();
    /** How many users {@code GET /v2/friend} and {@code GET /v2/group/{id}/user} list (before the limit). */
    private volatile int cannedFriends;
    private volatile int cannedGroupUsers;
    /** The {@code rank_count} leaderboard pages report, and the most records a page holds. */
    private volatile long cannedRankCount;

    private SelfTestServer(EventLoopGroup group, io.netty.channel.Channel server, io.netty.channel.Channel tcpServer,
                           long[] threadIds) {
        this.group = group;
        this.server = server;
        this.tcpServer = tcpServer;
        this.threadIds = threadIds;
    }

    /**
     * Starts a server on {@code host}:{@code port} (0 picks a free port) with {@code threads} event
     * loops, and its TCP transport on a free port of the same host.
     */
    public static SelfTestServer start(String host, int port, int threads) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        DefaultThreadFactory tf = new DefaultThreadFactory("selftest-server", true);
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(threads, tf) : new NioEventLoopGroup(threads, tf);
        SelfTestServer[] self = new SelfTestServer[1];
        ServerBootstrap b = bootstrap(group, epoll)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
                        ch.pipeline().addLast(self[0].new Http());
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath("/ws").checkStartsWith(true).maxFramePayloadLength(1 << 20)
                                .handleCloseFrames(true).dropPongFrames(true).withUTF8Validator(false).build()));
                        ch.pipeline().addLast(self[0].new Realtime());
                    }
                });
        io.netty.channel.Channel ch = b.bind(new InetSocketAddress(host, port)).sync().channel();
        ServerBootstrap tb = bootstrap(group, epoll)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ProtobufVarint32FrameDecoder());
                        ch.pipeline().addLast(self[0].new TcpRealtime());
                    }
                });
        io.netty.channel.Channel tcp;
        try {
            tcp = tb.bind(new InetSocketAddress(host, 0)).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            ch.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        List<Long> ids = new ArrayList<>();
        for (EventExecutor e : group) {
            try {
                ids.add(e.submit(() -> Thread.currentThread().getId()).get());
            } catch (java.util.concurrent.ExecutionException ex) {
                throw new IllegalStateException(ex);
            }
        }
        self[0] = new SelfTestServer(group, ch, tcp, ids.stream().mapToLong(Long::longValue).toArray());
        return self[0];
    }

    /** A listening socket on the group's event loops, as both ports use it. */
    private static ServerBootstrap bootstrap(EventLoopGroup group, boolean epoll) {
        return new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * Sets how many friends {@code GET /v2/friend} and how many members
     * {@code GET /v2/group/{id}/user} answer with (each at most the request's limit): the social
     * scenario's set-up sizes, since this server keeps no edges. Any thread, before the run.
     */
    public void cannedSocial(int friends, int groupUsers) {
        if (friends < 0 || friends > CannedSocial.MAX || groupUsers < 0 || groupUsers > CannedSocial.MAX) {
            throw new IllegalArgumentException("0-" + CannedSocial.MAX + " friends and group users");
        }
        this.cannedFriends = friends;
        this.cannedGroupUsers = groupUsers;
    }

    /**
     * Sets the {@code rank_count} of the leaderboard scenario's canned pages (a page holds at most
     * that many records), since this server keeps no records. Any thread, before the run.
     */
    public void cannedLeaderboard(long rankCount) {
        if (rankCount < 0) {
            throw new IllegalArgumentException("a rank count is not negative");
        }
        this.cannedRankCount = rankCount;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The port of the TCP transport. */
    public int tcpPort() {
        return ((InetSocketAddress) tcpServer.localAddress()).getPort();
    }

    /** CPU time used so far by the server's event loops, in nanoseconds. */
    public long cpuNanos() {
        return ProcStats.threadsCpuNanos(threadIds);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        tcpServer.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    // ---- fake tokens ----

    static String fakeToken(String deviceId) {
        String uid = UUID.nameUUIDFromBytes(deviceId.getBytes(StandardCharsets.UTF_8)).toString();
        String payload = "{\"uid\":\"" + uid + "\",\"usn\":\"u" + uid.substring(0, 8) + "\",\"exp\":"
                + (System.currentTimeMillis() / 1000 + 3600) + "}";
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        return enc.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + enc.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".selftest";
    }

    private static final class Session {
        final io.netty.channel.Channel ch;
        final String userId;
        final String sessionId = UUID.randomUUID().toString();
        final String username;
        final boolean json;
        /** On the TCP transport: frames are length-prefixed envelopes (json is false). */
        final boolean tcp;
        final boolean appearOnline;
        volatile String status = "";
        final byte[] presenceJson;
        /** The member lists (matches, rooms) this session is in, to leave them when it closes. */
        final List<List<Session>> joined = new CopyOnWriteArrayList<>();
        /** The user ids this session follows. */
        final Set<String> follows = ConcurrentHashMap.newKeySet();

        Session(io.netty.channel.Channel ch, String userId, boolean json, boolean tcp, boolean appearOnline) {
            this.ch = ch;
            this.userId = userId;
            this.username = "u" + userId.substring(0, 8);
            this.json = json && !tcp;
            this.tcp = tcp;
            this.appearOnline = appearOnline;
            this.presenceJson = ascii("{\"user_id\":\"" + userId + "\",\"session_id\":\"" + sessionId
                    + "\",\"username\":\"" + username + "\"}");
        }

        UserPresence presence() {
            return UserPresence.newBuilder().setUserId(userId).setSessionId(sessionId).setUsername(username).build();
        }
    }

    // ---- HTTP: authentication and the /ws upgrade ----

    private final class Http extends SimpleChannelInboundHandler<FullHttpRequest> {
        Http() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            if (q.path().equals("/ws")) {
                String token = first(q, "token");
                String uid = token == null ? null : Auth.userIdOf(token);
                if (uid == null) {
                    req.release();
                    respond(ctx, req, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"Auth token invalid\",\"code\":16,\"message\":\"Auth token invalid\"}");
                    return;
                }
                String format = first(q, "format");
                ctx.channel().attr(SESSION).set(new Session(ctx.channel(), uid, !"protobuf".equals(format), false,
                        "true".equals(first(q, "status"))));
                ctx.fireChannelRead(req); // to the WebSocket handshaker
                return;
            }
            try {
                if (req.method() == HttpMethod.POST && q.path().equals("/v2/account/authenticate/device")) {
                    String id = Auth.field(req.content().toString(StandardCharsets.UTF_8), "id");
                    if (id == null || id.length() < 10 || id.length() > 128) {
                        respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"Device ID invalid, must be 10-128 bytes.\",\"code\":3,\"message\":\"Device ID invalid, must be 10-128 bytes.\"}");
                        return;
                    }
                    String token = fakeToken(id);
                    respond(ctx, req, HttpResponseStatus.OK, "{\"created\":false,\"token\":\"" + token
                            + "\",\"refresh_token\":\"" + token + "\"}");
                } else if (q.path().equals("/v2/storage") || q.path().startsWith("/v2/storage/")) {
                    storage(ctx, req, q);
                } else if (q.path().equals("/v2/friend") || q.path().startsWith("/v2/group")) {
                    social(ctx, req, q);
                } else if (q.path().startsWith("/v2/leaderboard/") || q.path().startsWith("/v2/rpc/")) {
                    leaderboard(ctx, req, q);
                } else if (q.path().equals("/healthcheck")) {
                    respond(ctx, req, HttpResponseStatus.OK, "{}");
                } else {
                    respond(ctx, req, HttpResponseStatus.NOT_FOUND, "{\"error\":\"Not Found\",\"code\":5,\"message\":\"Not Found\"}");
                }
            } finally {
                req.release();
            }
        }

        /**
         * Nakama's storage calls with canned replies of the right size: a write is acknowledged
         * per object, a read returns one object per id, a list {@code limit} objects. Nothing is
         * stored; the bearer token is not checked beyond its presence.
         */
        private void storage(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (auth == null || !auth.startsWith("Bearer ")) {
                respond(ctx, req, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"Auth token required\",\"code\":16,\"message\":\"Auth token required\"}");
                return;
            }
            boolean list = q.path().length() > "/v2/storage/".length();
            if (list && req.method() == HttpMethod.GET) {
                int limit;
                try {
                    String l = first(q, "limit");
                    limit = l == null ? 1 : Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > 100) {
                    respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"Invalid limit - limit must be between 1 and 100.\",\"code\":3,\"message\":\"Invalid limit - limit must be between 1 and 100.\"}");
                    return;
                }
                respond(ctx, req, CannedStorage.listed(limit));
            } else if (!list && (req.method() == HttpMethod.PUT || req.method() == HttpMethod.POST)) {
                int n = CannedStorage.keys(req.content());
                if (n < 1 || n > CannedStorage.MAX) {
                    respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"Invalid input, no objects\",\"code\":3,\"message\":\"Invalid input, no objects\"}");
                    return;
                }
                respond(ctx, req, req.method() == HttpMethod.PUT ? CannedStorage.acks(n) : CannedStorage.read(n));
            } else {
                respond(ctx, req, HttpResponseStatus.NOT_FOUND, "{\"error\":\"Not Found\",\"code\":5,\"message\":\"Not Found\"}");
            }
        }

        /**
         * The social scenario's calls with canned replies: {@code POST /v2/friend} and
         * {@code POST /v2/group/{id}/join} answer {@code {}}; {@code GET /v2/friend} and
         * {@code GET /v2/group/{id}/user} list {@link #cannedSocial}'s counts (at most the limit);
         * {@code POST /v2/group} answers a new group. Nothing is stored.
         */
        private void social(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (auth == null || !auth.startsWith("Bearer ")) {
                respond(ctx, req, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"Auth token required\",\"code\":16,\"message\":\"Auth token required\"}");
                return;
            }
            String path = q.path();
            boolean get = req.method() == HttpMethod.GET;
            boolean post = req.method() == HttpMethod.POST;
            if (path.equals("/v2/friend") && (get || post)) {
                if (post) {
                    respond(ctx, req, CannedSocial.EMPTY);
                    return;
                }
                int limit = limit(q);
                if (limit < 0) {
                    badLimit(ctx, req);
                    return;
                }
                respond(ctx, req, CannedSocial.friends(Math.min(limit, cannedFriends)));
            } else if (path.equals("/v2/group") && post) {
                String body = req.content().toString(StandardCharsets.UTF_8);
                String name = Auth.field(body, "name");
                respond(ctx, req, HttpResponseStatus.OK, Unpooled.wrappedBuffer(CannedSocial.group(name == null ? "g" : name, 100)));
            } else if (path.startsWith("/v2/group/") && path.endsWith("/join") && post) {
                respond(ctx, req, CannedSocial.EMPTY);
            } else if (path.startsWith("/v2/group/") && path.endsWith("/user") && get) {
                int limit = limit(q);
                if (limit < 0) {
                    badLimit(ctx, req);
                    return;
                }
                respond(ctx, req, CannedSocial.groupUsers(Math.min(limit, cannedGroupUsers)));
            } else {
                respond(ctx, req, HttpResponseStatus.NOT_FOUND, "{\"error\":\"Not Found\",\"code\":5,\"message\":\"Not Found\"}");
            }
        }

        /**
         * The leaderboard scenario's calls with canned replies: the server-to-server RPCs
         * {@code leaderboard_create} and {@code leaderboard_record_write} (with an {@code http_key});
         * {@code POST /v2/leaderboard/{id}} answers a record; {@code GET /v2/leaderboard/{id}} and
         * {@code GET /v2/leaderboard/{id}/owner/{owner}} a page of {@link #cannedLeaderboard}'s
         * rank count (at most the limit). Nothing is stored.
         */
        private void leaderboard(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
            String path = q.path();
            boolean post = req.method() == HttpMethod.POST;
            if (path.startsWith("/v2/rpc/")) {
                String name = path.substring("/v2/rpc/".length());
                if (first(q, "http_key") == null) {
                    respond(ctx, req, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"Auth token or HTTP key required\",\"code\":16,\"message\":\"Auth token or HTTP key required\"}");
                } else if (post && name.equals("leaderboard_create")) {
                    ByteBuf body = req.content();
                    String payload = JsonScan.readString(body, JsonScan.skipWs(body, body.readerIndex(), body.writerIndex()),
                            body.writerIndex());
                    String id = payload == null ? null : Auth.field(payload, "id");
                    respond(ctx, req, CannedLeaderboard.created(id == null ? "" : id));
                } else if (post && name.equals("leaderboard_record_write")) {
                    respond(ctx, req, CannedLeaderboard.rpcRecord());
                } else {
                    respond(ctx, req, HttpResponseStatus.NOT_FOUND, "{\"error\":\"RPC function not found\",\"code\":5,\"message\":\"RPC function not found\"}");
                }
                return;
            }
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (auth == null || !auth.startsWith("Bearer ")) {
                respond(ctx, req, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"Auth token required\",\"code\":16,\"message\":\"Auth token required\"}");
                return;
            }
            String rest = path.substring("/v2/leaderboard/".length());
            int slash = rest.indexOf('/');
            if (post && slash < 0) {
                respond(ctx, req, CannedLeaderboard.record());
            } else if (req.method() == HttpMethod.GET && (slash < 0 || rest.startsWith("owner/", slash + 1))) {
                int limit = limit(q);
                if (limit < 0) {
                    badLimit(ctx, req);
                    return;
                }
                long count = cannedRankCount;
                respond(ctx, req, CannedLeaderboard.page((int) Math.min(limit, count), count));
            } else {
                respond(ctx, req, HttpResponseStatus.NOT_FOUND, "{\"error\":\"Not Found\",\"code\":5,\"message\":\"Not Found\"}");
            }
        }

        /** The {@code limit} parameter, 100 when absent, -1 when not 1-100. */
        private static int limit(QueryStringDecoder q) {
            String l = first(q, "limit");
            try {
                int n = l == null ? 100 : Integer.parseInt(l);
                return n < 1 || n > 100 ? -1 : n;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private void badLimit(ChannelHandlerContext ctx, FullHttpRequest req) {
            respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"Invalid limit - limit must be between 1 and 100.\",\"code\":3,\"message\":\"Invalid limit - limit must be between 1 and 100.\"}");
        }

        private static String first(QueryStringDecoder q, String name) {
            List<String> v = q.parameters().get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
            respond(ctx, req, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        }

        /** A canned 200 body, not copied. */
        private void respond(ChannelHandlerContext ctx, FullHttpRequest req, byte[] body) {
            respond(ctx, req, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, ByteBuf body) {
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            HttpUtil.setContentLength(resp, resp.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(resp, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(resp);
            } else {
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    // ---- the socket ----

    private static final byte[] K_CID = ascii("cid");
    private static final byte[] Q_MATCH_ID = ascii("\"match_id\"");
    private static final byte[] Q_DATA = ascii("\"data\"");
    private static final byte[] Q_CHANNEL_ID = ascii("\"channel_id\"");
    private static final byte[] Q_CONTENT = ascii("\"content\"");
    private static final byte[] Q_STATUS = ascii("\"status\"");

    private final class Realtime extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                opened(ctx.channel().attr(SESSION).get());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a peer gone mid-write (broken pipe, reset): nothing to report
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            closed(ctx.channel().attr(SESSION).get());
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
            Session s = ctx.channel().attr(SESSION).get();
            if (frame instanceof TextWebSocketFrame) {
                ByteBuf b = frame.content();
                int end = b.writerIndex();
                String cid = null;
                int i = JsonScan.skipWs(b, b.readerIndex(), end) + 1;
                while (true) {
                    i = JsonScan.skipWs(b, i, end);
                    if (i >= end || b.getByte(i) != '"') {
                        break;
                    }
                    int keyEnd = JsonScan.skipString(b, i, end) - 1;
                    int v = JsonScan.skipWs(b, JsonScan.skipWs(b, keyEnd + 1, end) + 1, end);
                    if (JsonScan.equalsAt(b, i + 1, keyEnd, K_CID)) {
                        cid = JsonScan.readString(b, v, end);
                        i = JsonScan.skipWs(b, JsonScan.skipString(b, v, end), end) + 1;
                        continue;
                    }
                    String key = b.toString(i + 1, keyEnd - i - 1, StandardCharsets.US_ASCII);
                    switch (key) {
                        case "match_data_send" -> {
                            relayJson(s, b, v, end);
                            return;
                        }
                        case "channel_message_send" -> {
                            chatJson(s, cid, b, v, end);
                            return;
                        }
                        case "status_update" -> {
                            statusJson(s, cid, b, v, end);
                            return;
                        }
                        default -> {
                        }
                    }
                    break;
                }
                Envelope.Builder e = Envelope.newBuilder();
                try {
                    PARSER.merge(b.toString(StandardCharsets.UTF_8), e);
                } catch (InvalidProtocolBufferException ex) {
                    send(s, error(cid, 3, "Unrecognized message: " + ex.getMessage()));
                    return;
                }
                handle(s, e.build());
            } else if (frame instanceof BinaryWebSocketFrame) {
                Envelope e;
                try {
                    e = Envelope.parseFrom(frame.content().nioBuffer());
                } catch (InvalidProtocolBufferException ex) {
                    send(s, error(null, 3, "Unrecognized message."));
                    return;
                }
                handle(s, e);
            }
        }
    }

    // ---- sessions opening and closing (both transports) ----

    /** A session's socket is open: an online user appears to its followers. */
    private void opened(Session s) {
        if (s != null && s.appearOnline) {
            online.put(s.userId, s);
            followers.computeIfAbsent(s.userId, k -> ConcurrentHashMap.newKeySet()).add(s);
        }
    }

    /** A session's socket closed: it leaves everything it joined. */
    private void closed(Session s) {
        if (s == null) {
            return;
        }
        online.remove(s.userId, s);
        for (List<Session> m : s.joined) {
            m.remove(s);
        }
        Set<Session> self = followers.get(s.userId);
        if (self != null) {
            self.remove(s);
        }
        for (String uid : s.follows) {
            Set<Session> f = followers.get(uid);
            if (f != null) {
                f.remove(s);
            }
        }
        synchronized (matchmaking) {
            matchmaking.remove(s);
        }
    }

    // ---- the TCP transport: the handshake, then envelopes as on a protobuf WebSocket ----

    private final class TcpRealtime extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            Envelope e;
            try {
                e = Envelope.parseFrom(frame.nioBuffer());
            } catch (InvalidProtocolBufferException ex) {
                ctx.close();
                return;
            }
            Session s = ctx.channel().attr(SESSION).get();
            if (s != null) {
                handle(s, e);
                return;
            }
            String uid = e.hasConnect() ? Auth.userIdOf(e.getConnect().getToken()) : null;
            if (uid == null) {
                Session refused = new Session(ctx.channel(), "00000000-refused", false, true, false);
                send(refused, error(e.getCid(), 3, "Missing or invalid token"));
                send(refused, Envelope.newBuilder().setDisconnect(Disconnect.newBuilder().setCode(1008)
                        .setReason("Missing or invalid token")).build());
                ctx.close();
                return;
            }
            s = new Session(ctx.channel(), uid, false, true, e.getConnect().getStatus());
            ctx.channel().attr(SESSION).set(s);
            send(s, reply(e.getCid()).setConnected(Connected.newBuilder().setSessionId(s.sessionId)
                    .setUserId(s.userId).setUsername(s.username)).build());
            opened(s);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            closed(ctx.channel().attr(SESSION).get());
            super.channelInactive(ctx);
        }
    }

    // ---- hot JSON paths: the received bytes copied into the outgoing frame ----

    private static final byte[] MD_OPEN = ascii("{\"match_data\":{\"match_id\":\"");
    private static final byte[] MD_PRESENCE = ascii("\",\"presence\":");
    private static final byte[] MD_DATA = ascii(",\"op_code\":\"1\",\"data\":\"");
    private static final byte[] CLOSE_STR_OBJ_OBJ = ascii("\"}}");

    private static int stringEnd(ByteBuf b, int quote, int end) {
        return JsonScan.skipString(b, quote, end) - 1;
    }

    private void relayJson(Session s, ByteBuf b, int v, int end) {
        int m = JsonScan.valueOf(b, v, end, Q_MATCH_ID);
        int d = JsonScan.valueOf(b, v, end, Q_DATA);
        if (m < 0 || d < 0) {
            send(s, error(null, 3, "match_id and data are required"));
            return;
        }
        int mEnd = stringEnd(b, m, end);
        String matchId = b.toString(m + 1, mEnd - m - 1, StandardCharsets.US_ASCII);
        List<Session> members = matches.get(matchId);
        if (members == null) {
            return; // as Nakama: data for an unknown match is dropped
        }
        int dEnd = stringEnd(b, d, end);
        ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(MD_OPEN.length + (mEnd - m) + s.presenceJson.length + 40 + (dEnd - d));
        out.writeBytes(MD_OPEN).writeBytes(b, m + 1, mEnd - m - 1).writeBytes(MD_PRESENCE).writeBytes(s.presenceJson)
                .writeBytes(MD_DATA).writeBytes(b, d + 1, dEnd - d - 1).writeBytes(CLOSE_STR_OBJ_OBJ);
        fanOut(members, s, out, false);
    }

    private static final byte[] CM_OPEN = ascii("{\"channel_message\":{\"channel_id\":\"");
    private static final byte[] CM_MID = ascii("\",\"message_id\":\"");
    private static final byte[] CM_CODE = ascii("\",\"code\":0,\"sender_id\":\"");
    private static final byte[] CM_USERNAME = ascii("\",\"username\":\"");
    private static final byte[] CM_CONTENT = ascii("\",\"content\":\"");
    private static final byte[] CM_REST = ascii("\",\"create_time\":\"2024-01-01T00:00:00Z\",\"update_time\":\"2024-01-01T00:00:00Z\",\"persistent\":false}}");

    private void chatJson(Session s, String cid, ByteBuf b, int v, int end) {
        int c = JsonScan.valueOf(b, v, end, Q_CHANNEL_ID);
        int t = JsonScan.valueOf(b, v, end, Q_CONTENT);
        if (c < 0 || t < 0) {
            send(s, error(cid, 3, "channel_id and content are required"));
            return;
        }
        int cEnd = stringEnd(b, c, end);
        String channelId = b.toString(c + 1, cEnd - c - 1, StandardCharsets.US_ASCII);
        List<Session> members = rooms.get(channelId);
        if (members == null || !members.contains(s)) {
            send(s, error(cid, 3, "Must join channel before sending messages."));
            return;
        }
        String messageId = UUID.randomUUID().toString();
        int tEnd = stringEnd(b, t, end);
        ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(256 + (tEnd - t));
        out.writeBytes(CM_OPEN).writeBytes(b, c + 1, cEnd - c - 1).writeBytes(CM_MID).writeCharSequence(messageId, StandardCharsets.US_ASCII);
        out.writeBytes(CM_CODE).writeCharSequence(s.userId, StandardCharsets.US_ASCII);
        out.writeBytes(CM_USERNAME).writeCharSequence(s.username, StandardCharsets.US_ASCII);
        out.writeBytes(CM_CONTENT).writeBytes(b, t + 1, tEnd - t - 1).writeBytes(CM_REST);
        fanOut(members, s, out, true);
        send(s, ack(cid, channelId, messageId, s));
    }

    private void statusJson(Session s, String cid, ByteBuf b, int v, int end) {
        int st = JsonScan.valueOf(b, v, end, Q_STATUS);
        String status = st < 0 ? "" : JsonScan.readString(b, st, end);
        updateStatus(s, cid, status == null ? "" : status);
    }

    /** Sends the frame to every member (the sender too when {@code echo}); releases {@code out}. */
    private static void fanOut(List<Session> members, Session sender, ByteBuf out, boolean echo) {
        try {
            for (Session m : members) {
                if ((m != sender || echo) && m.ch.isActive()) {
                    m.ch.writeAndFlush(new TextWebSocketFrame(out.retainedDuplicate()), m.ch.voidPromise());
                }
            }
        } finally {
            out.release();
        }
    }

    // ---- every message, both formats, through Envelope objects ----

    private void handle(Session s, Envelope e) {
        String cid = e.getCid().isEmpty() ? null : e.getCid();
        switch (e.getMessageCase()) {
            case PING -> send(s, reply(cid).setPong(Pong.getDefaultInstance()).build());
            case PONG -> {
                // a client's answer to a keep-alive ping (this server sends none)
            }
            case MATCH_CREATE -> {
                String id = UUID.randomUUID() + ".";
                List<Session> members = new CopyOnWriteArrayList<>();
                members.add(s);
                s.joined.add(members);
                matches.put(id, members);
                send(s, reply(cid).setMatch(Match.newBuilder().setMatchId(id).setSize(1).setSelf(s.presence())).build());
            }
            case MATCH_JOIN -> {
                String id = e.getMatchJoin().getMatchId();
                List<Session> members = matches.get(id);
                if (members == null) {
                    send(s, error(cid, 4, "Match not found"));
                    return;
                }
                Match.Builder m = Match.newBuilder().setMatchId(id).setSize(members.size()).setSelf(s.presence());
                for (Session o : members) {
                    m.addPresences(o.presence());
                }
                members.add(s);
                s.joined.add(members);
                send(s, reply(cid).setMatch(m).build());
            }
            case MATCH_DATA_SEND -> {
                List<Session> members = matches.get(e.getMatchDataSend().getMatchId());
                if (members == null) {
                    return;
                }
                Envelope out = Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                        .setMatchId(e.getMatchDataSend().getMatchId()).setPresence(s.presence())
                        .setOpCode(e.getMatchDataSend().getOpCode()).setData(e.getMatchDataSend().getData())).build();
                broadcast(members, s, out, false);
            }
            case CHANNEL_JOIN -> {
                String id = "2..." + e.getChannelJoin().getTarget();
                List<Session> members = rooms.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
                if (!members.contains(s)) {
                    members.add(s);
                    s.joined.add(members);
                }
                send(s, reply(cid).setChannel(Channel.newBuilder().setId(id).setSelf(s.presence())
                        .setRoomName(e.getChannelJoin().getTarget())).build());
            }
            case CHANNEL_MESSAGE_SEND -> {
                String id = e.getChannelMessageSend().getChannelId();
                List<Session> members = rooms.get(id);
                if (members == null || !members.contains(s)) {
                    send(s, error(cid, 3, "Must join channel before sending messages."));
                    return;
                }
                String messageId = UUID.randomUUID().toString();
                Envelope out = Envelope.newBuilder().setChannelMessage(com.heroiclabs.nakama.api.ChannelMessage.newBuilder()
                        .setChannelId(id).setMessageId(messageId).setSenderId(s.userId).setUsername(s.username)
                        .setContent(e.getChannelMessageSend().getContent())).build();
                broadcast(members, s, out, true);
                send(s, ack(cid, id, messageId, s));
            }
            case STATUS_FOLLOW -> {
                Status.Builder st = Status.newBuilder();
                for (String uid : e.getStatusFollow().getUserIdsList()) {
                    followers.computeIfAbsent(uid, k -> ConcurrentHashMap.newKeySet()).add(s);
                    s.follows.add(uid);
                    Session o = online.get(uid);
                    if (o != null && !uid.equals(s.userId)) {
                        st.addPresences(o.presence().toBuilder().setStatus(StringValue.of(o.status)));
                    }
                }
                send(s, reply(cid).setStatus(st).build());
            }
            case STATUS_UPDATE -> updateStatus(s, cid, e.getStatusUpdate().getStatus().getValue());
            case MATCHMAKER_ADD -> {
                String ticket = UUID.randomUUID().toString();
                send(s, reply(cid).setMatchmakerTicket(MatchmakerTicket.newBuilder().setTicket(ticket)).build());
                Session other = null;
                synchronized (matchmaking) {
                    if (!matchmaking.isEmpty()) {
                        other = matchmaking.remove(0);
                    } else {
                        matchmaking.add(s);
                    }
                }
                if (other != null) {
                    String token = "selftest-" + UUID.randomUUID();
                    for (Session x : List.of(other, s)) {
                        MatchmakerMatched.Builder mm = MatchmakerMatched.newBuilder().setTicket(ticket).setToken(token);
                        for (Session y : List.of(other, s)) {
                            mm.addUsers(MatchmakerMatched.MatchmakerUser.newBuilder().setPresence(y.presence()));
                        }
                        mm.setSelf(MatchmakerMatched.MatchmakerUser.newBuilder().setPresence(x.presence()));
                        send(x, Envelope.newBuilder().setMatchmakerMatched(mm).build());
                    }
                }
            }
            default -> send(s, error(cid, 1, "Unrecognized payload"));
        }
    }

    private void updateStatus(Session s, String cid, String status) {
        String old = s.status;
        s.status = status;
        Set<Session> fs = followers.get(s.userId);
        if (fs != null && !fs.isEmpty()) {
            Envelope ev = Envelope.newBuilder().setStatusPresenceEvent(StatusPresenceEvent.newBuilder()
                    .addJoins(s.presence().toBuilder().setStatus(StringValue.of(status)))
                    .addLeaves(s.presence().toBuilder().setStatus(StringValue.of(old)))).build();
            broadcast(new ArrayList<>(fs), null, ev, true);
        }
        if (cid != null) {
            send(s, reply(cid).build());
        }
    }

    private static Envelope ack(String cid, String channelId, String messageId, Session s) {
        return reply(cid).setChannelMessageAck(ChannelMessageAck.newBuilder().setChannelId(channelId)
                .setMessageId(messageId).setUsername(s.username)).build();
    }

    private static Envelope.Builder reply(String cid) {
        Envelope.Builder b = Envelope.newBuilder();
        if (cid != null) {
            b.setCid(cid);
        }
        return b;
    }

    private static Envelope error(String cid, int code, String message) {
        return reply(cid).setError(Error.newBuilder().setCode(code).setMessage(message)).build();
    }

    /** Encodes once per format and sends to every member (the sender too when {@code echo}). */
    private static void broadcast(List<Session> members, Session sender, Envelope e, boolean echo) {
        ByteBuf json = null;
        ByteBuf bin = null;
        ByteBuf framed = null;
        try {
            for (Session m : members) {
                if ((m == sender && !echo) || !m.ch.isActive()) {
                    continue;
                }
                if (m.tcp) {
                    if (framed == null) {
                        framed = lengthPrefixed(e);
                    }
                    m.ch.writeAndFlush(framed.retainedDuplicate(), m.ch.voidPromise());
                } else if (m.json) {
                    if (json == null) {
                        json = Unpooled.wrappedBuffer(toJson(e));
                    }
                    m.ch.writeAndFlush(new TextWebSocketFrame(json.retainedDuplicate()), m.ch.voidPromise());
                } else {
                    if (bin == null) {
                        bin = Unpooled.wrappedBuffer(e.toByteArray());
                    }
                    m.ch.writeAndFlush(new BinaryWebSocketFrame(bin.retainedDuplicate()), m.ch.voidPromise());
                }
            }
        } finally {
            if (json != null) {
                json.release();
            }
            if (bin != null) {
                bin.release();
            }
            if (framed != null) {
                framed.release();
            }
        }
    }

    /** The envelope as a TCP frame: its length as a varint32, then its bytes. */
    private static ByteBuf lengthPrefixed(Envelope e) {
        int size = e.getSerializedSize();
        byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            cos.writeUInt32NoTag(size);
            e.writeTo(cos);
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
        return Unpooled.wrappedBuffer(out);
    }

    private static void send(Session s, Envelope e) {
        if (s == null || !s.ch.isActive()) {
            return;
        }
        if (s.tcp) {
            s.ch.writeAndFlush(lengthPrefixed(e), s.ch.voidPromise());
            return;
        }
        WebSocketFrame f = s.json ? new TextWebSocketFrame(Unpooled.wrappedBuffer(toJson(e)))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(e.toByteArray()));
        s.ch.writeAndFlush(f, s.ch.voidPromise());
    }

    private static byte[] toJson(Envelope e) {
        try {
            return PRINTER.print(e).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
