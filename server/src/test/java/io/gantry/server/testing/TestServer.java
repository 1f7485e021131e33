package io.gantry.server.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.persistence.PostgresTestServer;
import io.gantry.server.GantryServer;
import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A real Gantry on a free loopback port with its own data directory, for integration tests.
 * bcrypt runs at its lowest cost so tests stay fast; everything else is the default unless the
 * test changes it.
 */
public final class TestServer implements AutoCloseable {

    public static final String SERVER_KEY = "defaultkey";

    /**
     * The transport that {@link #connect} opens sockets on: {@code -Dgantry.test.transport=tcp}
     * runs the shared socket scenarios over the TCP transport (see {@code server/pom.xml}), anything
     * else over WebSockets.
     */
    public static final boolean TCP = "tcp".equals(System.getProperty("gantry.test.transport"));

    /**
     * Whether servers keep their data in PostgreSQL: {@code -Dgantry.test.store=postgres} runs the
     * tests again with every server on a database of its own on the JVM's test PostgreSQL
     * ({@code postgres-store} run of {@code server/pom.xml}); anything else, the embedded RocksDB.
     */
    public static final boolean POSTGRES = "postgres".equals(System.getProperty("gantry.test.store"));

    private final Path dataDir;
    private final Config config;
    private GantryServer server;
    /** Issues session tokens and decides when they expire: {@link #clock()} moves it forward. */
    private final TestClock clock = new TestClock();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final java.util.function.Consumer<io.gantry.core.runtime.RuntimeRegistry> registrations;

    private TestServer(Path dataDir, Config config,
                       java.util.function.Consumer<io.gantry.core.runtime.RuntimeRegistry> registrations) throws InterruptedException {
        this.dataDir = dataDir;
        this.config = config;
        this.registrations = registrations;
        this.server = GantryServer.start(config, registry(), clock);
    }

    private io.gantry.core.runtime.RuntimeRegistry registry() {
        io.gantry.core.runtime.RuntimeRegistry registry = new io.gantry.core.runtime.RuntimeRegistry();
        registrations.accept(registry);
        return registry;
    }

    /** Starts a server running server code: {@code TestServer.withRuntime(r -> r.match("arena", Arena::new))}. */
    public static TestServer withRuntime(java.util.function.Consumer<io.gantry.core.runtime.RuntimeRegistry> registrations)
            throws InterruptedException {
        return start(UnaryOperator.identity(), registrations);
    }

    public static TestServer start() throws InterruptedException {
        return start(UnaryOperator.identity());
    }

    /** Starts a server with test defaults changed by {@code customize}. */
    public static TestServer start(UnaryOperator<Config> customize) throws InterruptedException {
        return start(customize, registry -> {
        });
    }

    /** Starts a server with test defaults changed by {@code customize}, running server code. */
    public static TestServer start(UnaryOperator<Config> customize,
                                   java.util.function.Consumer<io.gantry.core.runtime.RuntimeRegistry> registrations)
            throws InterruptedException {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("gantry-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Config config = Config.defaults()
                .with(ConfigKeys.SOCKET_ADDRESS, "127.0.0.1")
                .with(ConfigKeys.SOCKET_PORT, 0)
                .with(ConfigKeys.SOCKET_TCP_PORT, -1)
                .with(ConfigKeys.DATA_DIR, dataDir.toString())
                .with(ConfigKeys.PERSISTENCE_BCRYPT_COST, 4);
        if (POSTGRES) {
            config = config.with(ConfigKeys.DATABASE_ADDRESS,
                    PostgresTestServer.address(PostgresTestServer.shared().freshDatabase()));
        }
        return new TestServer(dataDir, customize.apply(config), registrations);
    }

    /** Stops the server the clean way and starts it again on the same data directory and port. */
    public void restart() throws InterruptedException {
        int port = server.port();
        int tcpPort = server.tcpPort();
        server.close();
        server = GantryServer.start(config.with(ConfigKeys.SOCKET_PORT, port)
                .with(ConfigKeys.SOCKET_TCP_PORT, tcpPort), registry(), clock);
    }

    public GantryServer server() {
        return server;
    }

    /** The server's token clock: {@code server.clock().advance(...)} lets tokens expire without waiting. */
    public TestClock clock() {
        return clock;
    }

    public int port() {
        return server.port();
    }

    /** The TCP transport's port (0 when a test turned it off). */
    public int tcpPort() {
        return server.tcpPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public URI wsUri(String token, String format) {
        return URI.create("ws://127.0.0.1:" + port() + "/ws?lang=en&status=false&token=" + token
                + (format == null ? "" : "&format=" + format));
    }

    public HttpClient http() {
        return http;
    }

    /** POST with the server key as basic auth. */
    public HttpResponse<String> postWithServerKey(String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery))
                .header("Authorization", basic(SERVER_KEY))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** GET with a bearer token. */
    public HttpResponse<String> getWithToken(String pathAndQuery, String token) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + token).GET());
    }

    /** POST with a bearer token. */
    public HttpResponse<String> postWithToken(String pathAndQuery, String token, String body) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** Authenticates a new device account and returns the session JSON. */
    public TestUser newUser() {
        return newUser("dev-" + UUID.randomUUID(), null);
    }

    public TestUser newUser(String deviceId, String username) {
        HttpResponse<String> response = postWithServerKey("/v2/account/authenticate/device?create=true"
                + (username == null ? "" : "&username=" + java.net.URLEncoder.encode(username, StandardCharsets.UTF_8)),
                "{\"id\":\"" + deviceId + "\"}");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("authenticate failed: " + response.statusCode() + " " + response.body());
        }
        JsonObject session = JsonParser.parseString(response.body()).getAsJsonObject();
        return TestUser.fromSession(session.get("token").getAsString(), session.get("refresh_token").getAsString());
    }

    /** Opens a socket for a user (status=false): a JSON WebSocket, or a TCP connection (see {@link #TCP}). */
    public SocketClient connect(TestUser user) {
        return connect(user, "json");
    }

    /** As {@link #connect(TestUser)}, in this format on a WebSocket (a TCP connection is always protobuf). */
    public SocketClient connect(TestUser user, String format) {
        return connect(user, format, false);
    }

    /**
     * Opens a socket for a user, appearing online or not: a WebSocket in this format, or, when
     * the tests run over TCP ({@link #TCP}), a TCP connection (protobuf whatever the format).
     */
    public SocketClient connect(TestUser user, String format, boolean status) {
        return connect(port(), tcpPort(), user.token(), format, status);
    }

    /**
     * As {@link #connect(TestUser, String, boolean)}, to a server this fixture did not start (one
     * in a JVM of its own, killed and started again): its WebSocket port and its TCP port.
     */
    public static SocketClient connect(int port, int tcpPort, String token, String format, boolean status) {
        if (TCP) {
            return SocketClient.connectTcp(tcpPort, token, status, "en");
        }
        return SocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws?lang=en&status=" + status
                + "&token=" + token + (format == null ? "" : "&format=" + format)));
    }

    @Override
    public void close() {
        server.close();
        deleteRecursively(dataDir);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is not worth failing a test for
        }
    }
}
