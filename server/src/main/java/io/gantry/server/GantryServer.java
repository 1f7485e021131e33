package io.gantry.server;

import io.gantry.core.router.HeartbeatHandlers;
import io.gantry.core.router.Router;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigKeys;
import io.gantry.transport.EdgeSettings;
import io.gantry.transport.HttpEdge;
import io.gantry.transport.auth.TokenService;
import io.gantry.transport.http.AccountApi;
import io.gantry.transport.http.ApiRoutes;
import io.gantry.transport.http.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

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
    private final RocksStore store;
    private final Router router;
    private final SessionRegistry sessions;
    private final HttpEdge edge;
    private final int port;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private GantryServer(Config config) throws InterruptedException {
        this.config = config;
        Path dataDir = dataDir(config);
        this.store = RocksStore.open(dataDir, new StoreOptions(
                config.get(ConfigKeys.PERSISTENCE_SYNC_WRITES), config.get(ConfigKeys.PERSISTENCE_BCRYPT_COST)));
        try {
            TokenService tokens = new TokenService(
                    config.get(ConfigKeys.SESSION_ENCRYPTION_KEY), config.get(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC),
                    config.get(ConfigKeys.SESSION_REFRESH_ENCRYPTION_KEY), config.get(ConfigKeys.SESSION_REFRESH_TOKEN_EXPIRY_SEC),
                    Clock.systemUTC());
            this.sessions = new SessionRegistry();
            this.router = new Router(config.get(ConfigKeys.ROUTER_RING_SIZE));
            HeartbeatHandlers.register(router);
            router.start();

            ApiRoutes routes = new ApiRoutes();
            new AccountApi(store.accounts(), tokens, sessions).register(routes);
            Authenticator authenticator = new Authenticator(config.get(ConfigKeys.SOCKET_SERVER_KEY),
                    config.get(ConfigKeys.RUNTIME_HTTP_KEY), tokens, store.accounts());
            this.edge = new HttpEdge(edgeSettings(config), routes, authenticator, sessions, router);
            this.port = edge.start();
        } catch (RuntimeException | InterruptedException e) {
            store.close();
            throw e;
        }
    }

    /** Opens the store, starts the router and binds the port. */
    public static GantryServer start(Config config) throws InterruptedException {
        return new GantryServer(config);
    }

    static Path dataDir(Config config) {
        return Path.of(config.get(ConfigKeys.DATA_DIR)).toAbsolutePath().normalize();
    }

    static EdgeSettings edgeSettings(Config config) {
        return new EdgeSettings(
                config.get(ConfigKeys.SOCKET_ADDRESS),
                config.get(ConfigKeys.SOCKET_PORT),
                config.get(ConfigKeys.SOCKET_SERVER_KEY),
                config.get(ConfigKeys.RUNTIME_HTTP_KEY),
                config.get(ConfigKeys.SOCKET_MAX_MESSAGE_SIZE_BYTES),
                config.get(ConfigKeys.SOCKET_MAX_REQUEST_SIZE_BYTES),
                config.get(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE),
                config.get(ConfigKeys.SOCKET_PING_PERIOD_MS),
                config.get(ConfigKeys.SOCKET_PONG_WAIT_MS),
                config.get(ConfigKeys.SOCKET_IDLE_TIMEOUT_MS),
                0, 8, 1024);
    }

    /** The port REST and the socket listen on. */
    public int port() {
        return port;
    }

    public Config config() {
        return config;
    }

    public Path dataDirectory() {
        return store.directory();
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public Router router() {
        return router;
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
        try {
            edge.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the network edge failed", e);
        }
        router.close();
        store.close();
        stopped.countDown();
        LOG.info("Gantry stopped");
    }
}
