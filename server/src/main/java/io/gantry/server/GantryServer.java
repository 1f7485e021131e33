package io.gantry.server;

import io.gantry.core.account.AccountDeletion;
import io.gantry.core.account.AccountService;
import io.gantry.core.account.RuntimeAccounts;
import io.gantry.core.account.WalletService;
import io.gantry.core.runtime.ApiHooks;
import io.gantry.core.channel.ChannelAccess;
import io.gantry.core.channel.ChannelHistory;
import io.gantry.core.channel.ChannelService;
import io.gantry.core.channel.ChannelSettings;
import io.gantry.core.match.MatchListing;
import io.gantry.core.match.MatchRegistry;
import io.gantry.core.match.MatchService;
import io.gantry.core.match.MatchSettings;
import io.gantry.core.match.MatchWorkers;
import io.gantry.core.notification.NotificationDelivery;
import io.gantry.core.notification.NotificationInbox;
import io.gantry.core.notification.NotificationRequest;
import io.gantry.core.notification.NotificationService;
import io.gantry.core.status.StatusService;
import io.gantry.core.party.PartyService;
import io.gantry.core.matchmaker.MatchmakerService;
import io.gantry.matchmaker.MatchmakerSettings;
import io.gantry.core.router.HeartbeatHandlers;
import io.gantry.core.runtime.RuntimeRegistry;
import io.gantry.core.rpc.RpcService;
import io.gantry.core.stream.StreamService;
import io.gantry.runtime.Matches;
import io.gantry.runtime.ServerApi;
import io.gantry.core.router.Router;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.PostgresSettings;
import io.gantry.persistence.PostgresStore;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.Store;
import io.gantry.persistence.StoreOptions;
import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigKeys;
import io.gantry.transport.EdgeSettings;
import io.gantry.transport.NetworkEdge;
import io.gantry.transport.SocketIo;
import io.gantry.core.auth.TokenService;
import io.gantry.transport.http.AccountApi;
import io.gantry.transport.http.ChannelApi;
import io.gantry.transport.http.MatchApi;
import io.gantry.transport.http.NotificationApi;
import io.gantry.transport.http.RpcApi;
import io.gantry.transport.http.StorageApi;
import io.gantry.transport.http.FriendApi;
import io.gantry.core.friend.FriendService;
import io.gantry.core.friend.RuntimeFriends;
import io.gantry.core.group.GroupService;
import io.gantry.core.group.RuntimeGroups;
import io.gantry.core.leaderboard.LeaderboardService;
import io.gantry.core.leaderboard.RuntimeLeaderboards;
import io.gantry.core.leaderboard.RuntimeTournaments;
import io.gantry.transport.http.GroupApi;
import io.gantry.transport.http.LeaderboardApi;
import io.gantry.core.storage.RuntimeStorage;
import io.gantry.core.storage.StorageService;
import io.gantry.transport.http.ApiRoutes;
import io.gantry.transport.http.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One running Gantry: the store, the router, and the network edge, wired by hand. Start it with
 * {@link #start(Config)}, stop it with {@link #close()} (sockets are closed with a reason, the
 * router drains, the store closes last).
 *
 * <pre>{@code
 * try (GantryServer server = GantryServer.start(Config.load("--socket.port", "7350"))) {
 *     server.awaitShutdown();
 * }
 * }</pre>
 */
public final class GantryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GantryServer.class);

    private final Config config;
    private final Store store;
    private final Router router;
    private final SessionRegistry sessions;
    private final NetworkEdge edge;
    private final int port;
    private final NotificationService notificationService;
    /** This node's membership of a cluster; null when it runs alone. */
    private final io.gantry.cluster.ClusterNode cluster;

    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Store reads the router needs (does this user exist?) run here, never on the router thread. */
    private final ExecutorService readers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4096), runnable -> {
                Thread thread = new Thread(runnable, "gantry-store-reader");
                thread.setDaemon(true);
                return thread;
            });
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gantry-housekeeping");
        thread.setDaemon(true);
        return thread;
    });
    private boolean closed;

    private final RuntimeRegistry runtime;
    private final ServerRuntime serverApi;
    /** Authoritative matches run on these lanes (one per core), never on the router or an event loop. */
    private final MatchWorkers matchWorkers = new MatchWorkers();
    private final MatchRegistry matches;
    private final MatchmakerService matchmaker;
    private ServerMetrics metrics;
    /** Server functions run here: user code may block, so never on the router or an event loop. */
    private final ExecutorService rpcExecutor = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024), runnable -> {
                Thread thread = new Thread(runnable, "gantry-rpc");
                thread.setDaemon(true);
                return thread;
            });

    private GantryServer(Config config, RuntimeRegistry runtime, Clock clock) throws InterruptedException {
        this.config = config;
        this.runtime = runtime;
        runtime.seal();
        this.serverApi = new ServerRuntime(config.get(ConfigKeys.NAME));
        this.store = openStore(config);
        io.gantry.cluster.ClusterNode joined = null;
        try {
            TokenService tokens = new TokenService(
                    config.get(ConfigKeys.SESSION_ENCRYPTION_KEY), config.get(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC),
                    config.get(ConfigKeys.SESSION_REFRESH_ENCRYPTION_KEY), config.get(ConfigKeys.SESSION_REFRESH_TOKEN_EXPIRY_SEC),
                    clock);
            this.sessions = new SessionRegistry();
            this.router = new Router(config.get(ConfigKeys.ROUTER_RING_SIZE), config.get(ConfigKeys.ROUTER_OVERFLOW_SIZE));
            HeartbeatHandlers.register(router);
            serverApi.streams(new StreamService(router, sessions, config.get(ConfigKeys.NAME)));
            RpcService rpc = new RpcService(router, runtime, rpcExecutor, serverApi);
            NotificationDelivery notifications = new NotificationDelivery(router);
            // Persistent notifications are stored by the store's commit loop, with channel history.
            this.notificationService = new NotificationService(router, notifications, store.writer(), Clock.systemUTC());
            serverApi.notifications(notificationService::send);
            new StatusService(router, store.accounts(), readers);
            ChannelAccess channelAccess = new ChannelAccess(store.accounts(), store.friends(), store.groups());
            // Nakama stores the "wants to chat" notification, so it can be listed later.
            ChannelService channels = new ChannelService(router, store.history(), store.writer(), channelAccess, readers,
                    (from, toUserId, subject, content) -> notificationService.sendAllAsync(List.of(new NotificationRequest(
                            toUserId, subject, content, NotificationService.CODE_DM_REQUEST, from.userId(), true))),
                    new ChannelSettings(ChannelSettings.MAX_CONTENT_BYTES,
                            config.get(ConfigKeys.CHANNEL_HISTORY_DEDUP_WINDOW_SEC) * 1000L, 200_000),
                    Clock.systemUTC());
            this.matchmaker = new MatchmakerService(router, sessions, new MatchmakerSettings(
                    config.get(ConfigKeys.MATCHMAKER_INTERVAL_SEC) * 1000L, config.get(ConfigKeys.MATCHMAKER_MAX_INTERVALS),
                    config.get(ConfigKeys.MATCHMAKER_MAX_TICKETS), config.get(ConfigKeys.MATCHMAKER_REV_PRECISION), 65_536),
                    runtime.matchmakerMatched(), runtime.matchmakerProcessor(), serverApi, rpcExecutor, tokens::matchToken);
            serverApi.matchmaker(matchmaker);
            new PartyService(router, config.get(ConfigKeys.NAME), matchmaker);
            MatchListing matchListing = new MatchListing();
            // players matched by the matchmaker join their relayed match with its token
            MatchService matchService = new MatchService(router, matchListing, config.get(ConfigKeys.NAME),
                    token -> tokens.verifyMatchToken(token).orElse(null));
            this.matches = new MatchRegistry(runtime, matchService, router, matchListing, matchWorkers,
                    new MatchSettings(config.get(ConfigKeys.MATCH_INPUT_QUEUE_SIZE), config.get(ConfigKeys.MATCH_MAX_EMPTY_SEC)),
                    serverApi);
            serverApi.matches(matches);
            joined = joinCluster(config, router, sessions);
            this.cluster = joined;
            if (joined != null) {
                matchmaker.pool(joined.matchmakerPool(matchmaker));
            }
            router.start();
            matchmaker.start();

            // The edge calls core services, which hold the rules and reach the store.
            AccountService accounts = new AccountService(store.accounts(), tokens, sessions,
                    config.get(ConfigKeys.SESSION_REFRESH_TOKEN_EXPIRY_SEC), clock, store.friends()::count);
            ApiHooks hooks = new ApiHooks(runtime, serverApi);
            // Leaderboards first: start-up rebuilds each board's current ranks from the store.
            LeaderboardService leaderboards = new LeaderboardService(store.leaderboards(), clock);
            long leaderboardStart = System.nanoTime();
            if (cluster != null) {
                cluster.shareLeaderboards(leaderboards); // before start: no change of another node's is missed
            }
            long ranked = leaderboards.start();
            LOG.info("leaderboards: {} records ranked in {} ms", ranked, (System.nanoTime() - leaderboardStart) / 1_000_000);
            serverApi.leaderboards(new RuntimeLeaderboards(leaderboards));
            serverApi.tournaments(new RuntimeTournaments(leaderboards));
            AccountDeletion deletion = new AccountDeletion(store, sessions,
                    config.get(ConfigKeys.SESSION_REFRESH_TOKEN_EXPIRY_SEC), clock, leaderboards::forgetOwner);
            if (cluster != null) {
                // a logout or deletion on any node holds on every node
                var announce = cluster.accountEvents(store.accounts()::purgeExpiredRevocations,
                        userId -> sessions.closeAllOf(userId, io.gantry.core.session.CloseCodes.NO_STATUS, ""));
                accounts.onRevoked(userId -> announce.accept(userId, false));
                deletion.onDeleted(userId -> announce.accept(userId, true));
            }
            RuntimeAccounts runtimeAccounts = new RuntimeAccounts(accounts, deletion, new WalletService(store.accounts()));
            serverApi.accounts(runtimeAccounts);
            serverApi.users(runtimeAccounts);
            ApiRoutes routes = new ApiRoutes();
            new AccountApi(accounts, deletion, hooks, rpcExecutor).register(routes);
            new ChannelApi(new ChannelHistory(store.history(), channelAccess)).register(routes);
            new NotificationApi(new NotificationInbox(store.notifications())).register(routes);
            new RpcApi(rpc, rpcExecutor).register(routes);
            StorageService storage = new StorageService(store.storage(), new StorageService.Limits(
                    config.get(ConfigKeys.STORAGE_MAX_VALUE_BYTES), config.get(ConfigKeys.STORAGE_MAX_OBJECTS_PER_CALL)));
            serverApi.storage(new RuntimeStorage(storage));
            new StorageApi(storage, hooks, rpcExecutor).register(routes);
            FriendService friends = new FriendService(store.friends(), store.accounts(), sessions,
                    serverApi.notifications(), AccountService::user);
            serverApi.friends(new RuntimeFriends(friends));
            new FriendApi(friends, hooks, rpcExecutor).register(routes);
            // Membership changes become messages in the group's channel, which the channel service keeps.
            GroupService groups = new GroupService(store.groups(), store.accounts(), sessions,
                    serverApi.notifications(), channels, AccountService::user, Clock.systemUTC());
            serverApi.groups(new RuntimeGroups(groups));
            new GroupApi(groups, hooks, rpcExecutor).register(routes);
            new LeaderboardApi(leaderboards, hooks, rpcExecutor).register(routes);
            new MatchApi(matches).register(routes);
            this.metrics = new ServerMetrics(sessions, router, matchmaker, matchListing, store.writer());
            metrics.register(routes);
            Authenticator authenticator = new Authenticator(config.get(ConfigKeys.SOCKET_SERVER_KEY),
                    config.get(ConfigKeys.RUNTIME_HTTP_KEY), accounts);
            // Modules' start-up work (creating their leaderboards and tournaments) before any client comes.
            for (var hook : runtime.startHooks()) {
                hook.accept(serverApi);
            }
            this.edge = new NetworkEdge(edgeSettings(config), routes, authenticator, sessions, router);
            metrics.queue("api", "REST requests waiting for an API thread", edge::apiQueueDepth);
            metrics.queue("store_readers", "Store reads waiting for a reader thread", readers);
            metrics.queue("rpc", "Server function calls waiting for an RPC thread", rpcExecutor);
            if (cluster != null) {
                metrics.cluster(cluster);
                metrics.queue("cluster_bus", "Messages waiting to cross to other nodes", cluster::busQueueDepth);
            }
            this.port = edge.start();
            // Logged-out tokens only need remembering until they expire.
            housekeeping.scheduleWithFixedDelay(this::purgeRevocations, 5, 5, TimeUnit.MINUTES);
            // Match listings: label and size changes become visible once per interval.
            long labelInterval = config.get(ConfigKeys.MATCH_LABEL_UPDATE_INTERVAL_MS);
            housekeeping.scheduleWithFixedDelay(() -> publishMatchListing(matchListing),
                    labelInterval, labelInterval, TimeUnit.MILLISECONDS);
            if (cluster != null) {
                cluster.shareMatchListing(matchListing, labelInterval);
            }
        } catch (RuntimeException | InterruptedException e) {
            housekeeping.shutdownNow();
            if (joined != null) {
                joined.close();
            }
            matchWorkers.close();
            readers.shutdownNow();
            rpcExecutor.shutdownNow();
            store.close();
            throw e;
        }
    }

    /** Joins the cluster {@code cluster.redis} names (before the router starts), or null when it names none. */
    private static io.gantry.cluster.ClusterNode joinCluster(Config config, Router router, SessionRegistry sessions)
            throws InterruptedException {
        String redis = config.get(ConfigKeys.CLUSTER_REDIS);
        if (redis.isEmpty()) {
            return null;
        }
        return io.gantry.cluster.ClusterNode.join(io.gantry.cluster.ClusterSettings.of(config.get(ConfigKeys.NAME), redis,
                config.get(ConfigKeys.CLUSTER_NODE_TTL_MS), config.get(ConfigKeys.CLUSTER_BUS_QUEUE_SIZE)),
                router, sessions, config.get(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE));
    }

    /** This node's cluster membership, or null when it runs alone. */
    public io.gantry.cluster.ClusterNode cluster() {
        return cluster;
    }

    /** Opens the store, starts the router and binds the port. */
    public static GantryServer start(Config config) throws InterruptedException {
        return start(config, new RuntimeRegistry());
    }

    /** Starts a server running the given server code (match handlers, RPC functions). */
    public static GantryServer start(Config config, RuntimeRegistry runtime) throws InterruptedException {
        return start(config, runtime, Clock.systemUTC());
    }

    /**
     * As {@link #start(Config, RuntimeRegistry)}, with the clock that issues session tokens, dates logouts and
     * decides when they expire (tests move it forward instead of waiting).
     */
    public static GantryServer start(Config config, RuntimeRegistry runtime, Clock clock) throws InterruptedException {
        return new GantryServer(config, runtime, clock);
    }

    /** A key for one purpose derived from a configured secret, so cursors survive restarts without a setting of their own. */
    static byte[] derivedKey(String purpose, String secret) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * The store the settings name: PostgreSQL when {@code database.address} is a {@code postgres://}
     * URL (migrated to this version's schema first), else the embedded RocksDB under {@code data_dir}.
     */
    public static Store openStore(Config config) {
        StoreOptions options = new StoreOptions(
                config.get(ConfigKeys.PERSISTENCE_SYNC_WRITES), config.get(ConfigKeys.PERSISTENCE_BCRYPT_COST))
                .withCursorKey(derivedKey("gantry history cursors", config.get(ConfigKeys.SESSION_ENCRYPTION_KEY)))
                .withDedupWindowMs(Math.max(1, config.get(ConfigKeys.CHANNEL_HISTORY_DEDUP_WINDOW_SEC)) * 1000L);
        PostgresSettings postgres = postgresSettings(config);
        return postgres == null ? RocksStore.open(dataDir(config), options) : PostgresStore.open(postgres, options);
    }

    /** The PostgreSQL settings, or null when the store is the embedded one. */
    static PostgresSettings postgresSettings(Config config) {
        String address = config.get(ConfigKeys.DATABASE_ADDRESS);
        if (address.isEmpty()) {
            return null;
        }
        return PostgresSettings.parse(address, config.get(ConfigKeys.DATABASE_MAX_OPEN_CONNS),
                config.get(ConfigKeys.DATABASE_CONNECT_TIMEOUT_MS));
    }

    /** Where the data is, for logs: a directory, or PostgreSQL's URL and user (never a password). */
    public static String storeDescription(Config config) {
        PostgresSettings postgres = postgresSettings(config);
        return postgres == null ? "RocksDB under " + dataDir(config) : "PostgreSQL " + postgres.display();
    }

    static Path dataDir(Config config) {
        return Path.of(config.get(ConfigKeys.DATA_DIR)).toAbsolutePath().normalize();
    }

    static EdgeSettings edgeSettings(Config config) {
        return new EdgeSettings(
                config.get(ConfigKeys.SOCKET_ADDRESS),
                config.get(ConfigKeys.SOCKET_PORT),
                tcpPort(config.get(ConfigKeys.SOCKET_TCP_PORT)),
                config.get(ConfigKeys.SOCKET_SERVER_KEY),
                config.get(ConfigKeys.RUNTIME_HTTP_KEY),
                config.get(ConfigKeys.SOCKET_MAX_MESSAGE_SIZE_BYTES),
                config.get(ConfigKeys.SOCKET_MAX_REQUEST_SIZE_BYTES),
                config.get(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE),
                config.get(ConfigKeys.SOCKET_OUTGOING_HIGH_WATER),
                config.get(ConfigKeys.SOCKET_OUTGOING_LOW_WATER),
                config.get(ConfigKeys.SOCKET_SLOW_CONSUMER_TIMEOUT_MS),
                config.get(ConfigKeys.SOCKET_PING_PERIOD_MS),
                config.get(ConfigKeys.SOCKET_PONG_WAIT_MS),
                config.get(ConfigKeys.SOCKET_IDLE_TIMEOUT_MS),
                0, 8, 1024, SocketIo.ofConfigName(config.get(ConfigKeys.SOCKET_IO)));
    }

    /** socket.tcp_port (0 off, -1 any free port) as the edge takes it (off, or 0 for any free port). */
    private static int tcpPort(int configured) {
        return switch (configured) {
            case 0 -> EdgeSettings.TCP_OFF;
            case -1 -> 0;
            default -> configured;
        };
    }

    private void purgeRevocations() {
        try {
            store.accounts().purgeExpiredRevocations();
        } catch (RuntimeException e) {
            LOG.warn("purging expired token revocations failed", e);
        }
    }

    private static void publishMatchListing(MatchListing listing) {
        try {
            listing.publish();
        } catch (RuntimeException e) {
            LOG.warn("publishing the match listing failed", e);
        }
    }

    /** Authoritative matches, as server code sees them: create, get, list, signal. Any thread. */
    public Matches matches() {
        return matches;
    }

    /** Ends every authoritative match (handlers get terminate, players are told), then stops the match workers. */
    private void stopMatches() {
        try {
            matches.shutdown(0);
        } catch (RuntimeException e) {
            LOG.warn("ending the matches failed", e);
        }
        matchWorkers.close();
        // let the router deliver the players' leave events before the sockets close
        CountDownLatch delivered = new CountDownLatch(1);
        router.execute(delivered::countDown);
        try {
            delivered.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server as server code sees it (matches, notifications, streams). */
    public ServerApi serverApi() {
        return serverApi;
    }

    /** The port REST and the socket listen on. */
    public int port() {
        return port;
    }

    /** The TCP transport's port, or 0 when socket.tcp_port turned it off. */
    public int tcpPort() {
        return edge.tcpPort();
    }

    public Config config() {
        return config;
    }

    /** Where the data is, for logs: {@code RocksDB under <dir>} or {@code PostgreSQL <user>@<url>}. */
    public String storeDescription() {
        return storeDescription(config);
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public Router router() {
        return router;
    }

    /** Sends notifications to users (server code, tests). Any thread. */
    public NotificationService notifications() {
        return notificationService;
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        housekeeping.shutdownNow();
        matchmaker.stop();
        stopMatches();
        try {
            edge.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the network edge failed", e);
        }
        rpcExecutor.shutdown();
        router.close();
        if (cluster != null) {
            // after the router: the leaves of the sockets just closed are published first
            cluster.close();
        }
        readers.shutdown();
        // The store's writer writes every accepted history op and notification before it stops.
        store.close();
        if (metrics != null) {
            metrics.close();
        }
        stopped.countDown();
        LOG.info("Gantry stopped");
    }
}
