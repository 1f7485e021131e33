package io.gantry.server.cluster;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * One Gantry node as an operating-system process of its own, for the cluster tests: a JVM started
 * from this test's class path running {@code io.gantry.server.Main} with command-line flags, so
 * it can be killed with SIGKILL as a crashed node is.
 *
 * <p>Its flags are the test defaults of {@link TestServer} written as flags ({@code --name},
 * {@code --socket.address 127.0.0.1}, {@code --socket.port} a free port, {@code --socket.tcp_port 0}
 * (no TCP transport), {@code --data_dir} a fresh directory under {@code target/cluster-data/},
 * {@code --persistence.bcrypt_cost 4}), plus {@code --session.token_expiry_sec 600} so tokens
 * outlive a slow test and {@code --runtime.path} a folder that does not exist so no module jars
 * are loaded, followed by the caller's flags (e.g. {@code --cluster.redis redis://…},
 * {@code --database.address postgres://…}). A default the caller's flags name again is left out,
 * as Gantry refuses a repeated flag.
 *
 * <p>The JVM runs with {@code -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} (three of them
 * share a small machine) and {@code -ea} when this JVM has assertions on. Its standard output and
 * error go to {@code target/cluster-logs/NAME-N.log}, a new N for each start, after a first line
 * giving the command. {@link #close()} stops the node and deletes its data directory; every node
 * still running when the test JVM exits is killed.
 *
 * <pre>{@code
 * try (NodeProcess node = new NodeProcess("node1", List.of("--cluster.redis", redis.address())).start()) {
 *     TestUser user = node.newUser();
 *     node.kill();     // SIGKILL
 *     node.start();    // again, on the same port and data directory
 * }
 * }</pre>
 */
public final class NodeProcess implements AutoCloseable {

    /** The class whose {@code main} the node's JVM runs. */
    public static final String MAIN_CLASS = "io.gantry.server.Main";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Ports handed out by {@link #freePort} in this JVM, so two nodes never get the same one. */
    private static final Set<Integer> PORTS_GIVEN = new HashSet<>();
    /** Every child process still running: destroyed when this JVM exits, however a test ended. */
    private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly),
                "cluster-test-processes-stop"));
    }

    private final String name;
    private final int port;
    private final Path dataDir;
    private final List<String> extraFlags;
    private Process process;
    private Path log;

    /**
     * A node named {@code name} (also its {@code --name}) on a free port and a fresh data directory,
     * not started yet: see {@link #start()}. {@code extraFlags} come after the defaults.
     */
    public NodeProcess(String name, List<String> extraFlags) {
        this.name = name;
        this.extraFlags = List.copyOf(extraFlags);
        try {
            this.port = freePort();
            Path parent = Files.createDirectories(target().resolve("cluster-data"));
            this.dataDir = Files.createTempDirectory(parent, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the node's JVM and waits (up to 60 s) until {@code GET /healthcheck} answers 200;
     * fails with the end of its log when it exits first or takes longer. After {@link #kill()} or
     * {@link #stop()}, starts it again on the same port and data directory.
     */
    public synchronized NodeProcess start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            log = newLogFile();
            List<String> command = command();
            // the command line first (the class path shortened), then what the node prints
            Files.writeString(log, "# " + String.join(" ", command)
                    .replace(System.getProperty("java.class.path"), "<the test class path>") + "\n");
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        destroyOnExit(process);
        awaitHealthy();
        return this;
    }

    /** The running process's id (for a test that kills it from elsewhere). */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    public String name() {
        return name;
    }

    /** The port of REST and the WebSocket. */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code http://127.0.0.1:PORT} followed by a path and query, e.g. {@code uri("/healthcheck")}. */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** {@code ws://127.0.0.1:PORT/ws}: add {@code ?token=…} and the other socket parameters. */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** The current (or last) run's log file. */
    public synchronized Path log() {
        return log;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Whether the node is up: {@code GET /healthcheck} answers 200 (false when it does not answer). */
    public boolean healthy() {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/healthcheck")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException down) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, and waits for the process to exit: no shutdown hook runs, nothing is flushed or closed. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not die after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        CHILDREN.remove(process);
    }

    /** SIGTERM (the server's shutdown hook closes it cleanly); after 20 s without exiting, {@link #kill()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                CHILDREN.remove(process);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** The last {@code lines} lines of the current run's log. */
    public synchronized String logTail(int lines) {
        return log == null ? "(not started)" : tail(log, lines);
    }

    /** POST with the server key as basic auth ({@code defaultkey:}). */
    public HttpResponse<String> postWithServerKey(String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery))
                .header("Authorization", TestServer.basic(TestServer.SERVER_KEY))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Sends a request (10 s timeout) and returns the response, whatever its status. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(name + " did not answer " + request.build().uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Authenticates a new device account on this node ({@code POST /v2/account/authenticate/device?create=true}). */
    public TestUser newUser() {
        return authenticateDevice("dev-" + UUID.randomUUID());
    }

    /** Authenticates (creating if need be) the account of this device id on this node. */
    public TestUser authenticateDevice(String deviceId) {
        JsonObject body = new JsonObject();
        body.addProperty("id", deviceId);
        HttpResponse<String> response = postWithServerKey("/v2/account/authenticate/device?create=true", body.toString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("authenticate on " + name + " failed: " + response.statusCode() + " "
                    + response.body());
        }
        JsonObject session = JsonParser.parseString(response.body()).getAsJsonObject();
        return TestUser.fromSession(session.get("token").getAsString(), session.get("refresh_token").getAsString());
    }

    /** Stops the node ({@link #stop()}) and deletes its data directory; its logs stay in {@code target/cluster-logs}. */
    @Override
    public void close() {
        stop();
        deleteRecursively(dataDir);
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover directory under target/ is not worth failing a test for
        }
    }

    @Override
    public String toString() {
        return name + " (port " + port + ")";
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (assertionsEnabled()) {
            command.add("-ea");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS));
        Set<String> given = flagNames(extraFlags);
        addDefault(command, given, "name", name);
        addDefault(command, given, "socket.address", "127.0.0.1");
        addDefault(command, given, "socket.port", Integer.toString(port));
        addDefault(command, given, "socket.tcp_port", "0");
        addDefault(command, given, "data_dir", dataDir.toString());
        addDefault(command, given, "persistence.bcrypt_cost", "4");
        addDefault(command, given, "session.token_expiry_sec", "600");
        addDefault(command, given, "runtime.path", dataDir.resolve("modules").toString());
        command.addAll(extraFlags);
        return command;
    }

    private static void addDefault(List<String> command, Set<String> given, String flag, String value) {
        if (!given.contains(flag)) {
            command.add("--" + flag);
            command.add(value);
        }
    }

    /** The setting names in {@code --a.b value} and {@code --a.b=value} flags. */
    private static Set<String> flagNames(List<String> flags) {
        Set<String> names = new HashSet<>();
        for (String flag : flags) {
            if (flag.startsWith("--")) {
                int equals = flag.indexOf('=');
                names.add(equals < 0 ? flag.substring(2) : flag.substring(2, equals));
            }
        }
        return names;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    @SuppressWarnings({"AssertWithSideEffects", "ConstantConditions"})
    private static boolean assertionsEnabled() {
        boolean enabled = false;
        assert enabled = true;
        return enabled;
    }

    /** {@code target/cluster-logs/NAME-N.log}, N the first number not taken yet (created here, so never shared). */
    private Path newLogFile() throws IOException {
        Path dir = Files.createDirectories(target().resolve("cluster-logs"));
        for (int n = 1; ; n++) {
            try {
                return Files.createFile(dir.resolve(name + "-" + n + ".log"));
            } catch (FileAlreadyExistsException taken) {
                // a log of an earlier start or build: keep it, try the next number
            }
        }
    }

    private void awaitHealthy() {
        try {
            await(name + " answers /healthcheck").atMost(START_TIMEOUT)
                    .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(this::healthyOrFail);
        } catch (ConditionTimeoutException e) {
            kill();
            throw new IllegalStateException(name + " did not answer /healthcheck in " + START_TIMEOUT.toSeconds()
                    + " s; its log " + log + " ends:\n" + logTail(50), e);
        }
    }

    private boolean healthyOrFail() {
        Process running = process;
        if (!running.isAlive()) {
            CHILDREN.remove(running);
            throw new IllegalStateException(name + " exited with " + running.exitValue() + " before it was healthy; its log "
                    + log + " ends:\n" + logTail(50));
        }
        return healthy();
    }

    /** The module's {@code target/} directory (tests run in the module's directory). */
    static Path target() {
        return Path.of("target").toAbsolutePath();
    }

    /** A free loopback port, never one this method returned before in this JVM. */
    static synchronized int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (PORTS_GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    /** Destroys {@code process} (SIGKILL) when this JVM exits, if it still runs then. */
    static void destroyOnExit(Process process) {
        CHILDREN.add(process);
    }

    /** The last {@code lines} lines of a log file. */
    static String tail(Path file, int lines) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - Math.max(0, lines)), all.size()));
    }
}
