package io.gantry.server.cluster;

import org.awaitility.core.ConditionTimeoutException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis for the cluster tests: Debian's {@code redis-server} on a free loopback port, with
 * no persistence (no RDB snapshots, no append-only file) and a working directory of its own under
 * {@code target/redis-data/} that {@link #close} deletes. Its log goes to
 * {@code target/cluster-logs/redis-PORT.log}.
 *
 * <p>The binary is the {@code gantry.test.redis_server} system property when set, else
 * {@code redis-server} on the {@code PATH}; {@code scripts/test} installs Debian's package when it
 * is missing.
 *
 * <pre>{@code
 * try (RedisTestServer redis = RedisTestServer.start()) {
 *     String flag = "--cluster.redis=" + redis.address();    // redis://127.0.0.1:PORT
 *     redis.kill();                                         // SIGKILL: Redis is gone at once
 *     redis.restart();                                      // back on the same port, empty
 * }
 * RedisTestServer.shared().command("KEYS", "*");            // one per test JVM
 * }</pre>
 *
 * <p>{@link #command} speaks RESP over a plain socket, for tests that look at what the nodes
 * wrote; there is no Redis client library on the test class path.
 */
public final class RedisTestServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int SOCKET_TIMEOUT_MS = 5000;
    private static RedisTestServer shared;

    private final Path binary;
    private final int port;
    private final Path dir;
    private final Path log;
    private Process process;

    private RedisTestServer(Path binary, int port, Path dir, Path log) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.log = log;
    }

    /** Starts a Redis of its own on a free loopback port and waits until it answers {@code PING}. */
    public static RedisTestServer start() throws IOException {
        Path binary = binary();
        int port = NodeProcess.freePort();
        Path target = NodeProcess.target();
        Path dir = Files.createTempDirectory(Files.createDirectories(target.resolve("redis-data")), "redis-" + port + "-");
        Path log = Files.createDirectories(target.resolve("cluster-logs")).resolve("redis-" + port + ".log");
        RedisTestServer server = new RedisTestServer(binary, port, dir, log);
        server.launch();
        return server;
    }

    /** The Redis of this JVM, started at the first call and stopped when the JVM exits. */
    public static synchronized RedisTestServer shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RedisTestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-test-server-stop"));
        }
        return shared;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}: the form {@code --cluster.redis} takes. */
    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** Whether the redis-server process is running. */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then waits for the process to exit (forcibly after 20 s). Nothing is saved. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** SIGKILL, and waits for the process to exit: Redis is gone at once, as in a crash. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts Redis again on the same port (stopping it first if it still runs) and waits until it
     * answers. Without persistence it comes back empty, as a Redis that lost its memory does.
     */
    public synchronized void restart() throws IOException {
        if (isAlive()) {
            stop();
        }
        launch();
    }

    /**
     * Sends one command and returns its reply as the raw RESP lines joined by {@code \n}, e.g.
     * {@code +PONG} for {@code PING}, or {@code *2\n$1\na\n$1\nb} for {@code KEYS *}. An error
     * reply ({@code -ERR …}) is returned as it is, not thrown.
     */
    public String command(String... args) throws IOException {
        List<String> lines = new ArrayList<>();
        exchange(args, lines, new ArrayList<>());
        return String.join("\n", lines);
    }

    /** The keys matching a glob pattern ({@code KEYS pattern}), e.g. {@code keys("*")}. */
    public List<String> keys(String pattern) throws IOException {
        List<String> values = new ArrayList<>();
        exchange(new String[]{"KEYS", pattern}, new ArrayList<>(), values);
        return values;
    }

    /** The last lines of Redis's log, for failure messages. */
    public String logTail(int lines) {
        return NodeProcess.tail(log, lines);
    }

    /** Stops Redis and deletes its working directory (the log stays in {@code target/cluster-logs}). */
    @Override
    public synchronized void close() {
        stop();
        NodeProcess.deleteRecursively(dir);
    }

    private static Path binary() {
        String configured = System.getProperty("gantry.test.redis_server");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("gantry.test.redis_server=" + configured + " is not an executable file");
            }
            return path;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("redis-server is not installed (not on the PATH, and no "
                + "-Dgantry.test.redis_server=/path/to/redis-server): the cluster tests need a real Redis. "
                + "Install Debian's redis-server (apt-get install redis-server); scripts/test installs it.");
    }

    private synchronized void launch() throws IOException {
        List<String> command = List.of(binary.toString(),
                "--bind", "127.0.0.1",
                "--port", Integer.toString(port),
                "--save", "",
                "--appendonly", "no",
                "--dir", dir.toString(),
                "--daemonize", "no",
                "--protected-mode", "no",
                "--logfile", log.toString());
        // what Redis prints before it opens its log (a bad flag, a port in use) lands there too
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        NodeProcess.destroyOnExit(process);
        awaitReady();
    }

    /** Polls {@code PING} until {@code +PONG}, failing with the log when Redis exits or takes too long. */
    private void awaitReady() {
        try {
            await("redis-server on port " + port + " answers PING").atMost(READY_TIMEOUT)
                    .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(this::answersPing);
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-server on port " + port + " did not answer PING in "
                    + READY_TIMEOUT.toSeconds() + " s; its log " + log + " ends:\n" + logTail(50), e);
        }
    }

    private boolean answersPing() {
        if (!process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " exited with "
                    + process.exitValue() + "; its log " + log + " ends:\n" + logTail(50));
        }
        try {
            return "+PONG".equals(command("PING"));
        } catch (IOException notYet) {
            return false; // not listening yet
        }
    }

    private void exchange(String[] args, List<String> lines, List<String> values) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            readReply(new BufferedInputStream(socket.getInputStream()), lines, values);
        }
    }

    /** A RESP array of bulk strings: how a client sends a command. */
    private static byte[] encode(String[] args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] value = arg.getBytes(StandardCharsets.UTF_8);
            bytes.writeBytes(("$" + value.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            bytes.writeBytes(value);
            bytes.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /**
     * Reads one complete reply (arrays recursively), adding each raw line to {@code lines} and each
     * bulk or simple string's value to {@code values}.
     */
    private static void readReply(InputStream in, List<String> lines, List<String> values) throws IOException {
        String line = readLine(in);
        lines.add(line);
        if (line.isEmpty()) {
            throw new IOException("empty RESP line");
        }
        switch (line.charAt(0)) {
            case '+' -> values.add(line.substring(1));
            case '-', ':' -> {
                // error or integer: the line is the whole reply
            }
            case '$' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length >= 0) {
                    byte[] value = in.readNBytes(length + 2); // the value and its CRLF
                    if (value.length != length + 2) {
                        throw new IOException("connection closed inside a bulk string");
                    }
                    String text = new String(value, 0, length, StandardCharsets.UTF_8);
                    lines.add(text);
                    values.add(text);
                }
            }
            case '*' -> {
                int count = Integer.parseInt(line.substring(1));
                for (int i = 0; i < count; i++) {
                    readReply(in, lines, values);
                }
            }
            default -> throw new IOException("unexpected RESP reply line: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }
}
