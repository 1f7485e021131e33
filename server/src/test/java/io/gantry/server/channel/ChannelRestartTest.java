package io.gantry.server.channel;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Acked means durable: the server runs as a separate JVM, is killed with SIGKILL (no shutdown
 * hook, no clean close of RocksDB), and started again on the same data directory. Every message
 * that was acknowledged must be in history, and a resend of an acknowledged message's
 * {@code client_message_id} must still be recognised.
 */
@SocketScenario
class ChannelRestartTest {

    /** Sends in flight at once. */
    private static final int WINDOW = 10;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path dataDir;
    private final List<ServerProcess> processes = new ArrayList<>();

    /** A Gantry in its own JVM, from this test's class path. */
    static final class ServerProcess {
        final Process process;
        final int port;
        /** The TCP transport's port: the sockets of a run over TCP connect there. */
        final int tcpPort;
        final Path log;

        private ServerProcess(Process process, int port, int tcpPort, Path log) {
            this.process = process;
            this.port = port;
            this.tcpPort = tcpPort;
            this.log = log;
        }

        static ServerProcess start(Path dataDir, Path log) throws IOException, InterruptedException {
            int port = freePort();
            int tcpPort = freePort();
            while (tcpPort == port) {
                tcpPort = freePort();
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"),
                    "io.gantry.server.Main",
                    "--socket.port", Integer.toString(port),
                    "--socket.tcp_port", Integer.toString(tcpPort),
                    "--socket.address", "127.0.0.1",
                    "--data_dir", dataDir.toString(),
                    "--persistence.bcrypt_cost", "4",
                    "--session.token_expiry_sec", "600");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            ServerProcess server = new ServerProcess(process, port, tcpPort, log);
            server.awaitHealthy();
            return server;
        }

        private void awaitHealthy() {
            await("healthy").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(this::healthy);
        }

        private boolean healthy() throws InterruptedException {
            if (!process.isAlive()) {
                fail("server process exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(uri("/healthcheck")).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException notYet) {
                return false; // not listening yet
            }
        }

        URI uri(String pathAndQuery) {
            return URI.create("http://127.0.0.1:" + port + pathAndQuery);
        }

        String logText() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "server process did not die");
        }

        TestUser newUser() {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                                uri("/v2/account/authenticate/device?create=true"))
                        .header("Authorization", TestServer.basic(TestServer.SERVER_KEY))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"dev-" + UUID.randomUUID() + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertEquals(200, response.statusCode(), response::body);
                JsonObject session = JsonParser.parseString(response.body()).getAsJsonObject();
                return TestUser.fromSession(session.get("token").getAsString(), session.get("refresh_token").getAsString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @BeforeEach
    void createDataDir() throws IOException {
        dataDir = Files.createTempDirectory("gantry-restart-");
    }

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        for (ServerProcess server : processes) {
            if (server.process.isAlive()) {
                server.kill();
            }
        }
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private ServerProcess startServer(String name) throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.start(dataDir.resolve("data"), dataDir.resolve(name + ".log"));
        processes.add(server);
        return server;
    }

    @Test
    void everyAckedMessageSurvivesAKillAndItsClientIdIsStillRecognised() throws Exception {
        final int n = 50;
        String name = "durable-" + UUID.randomUUID().toString().substring(0, 8);
        ServerProcess first = startServer("first");
        TestUser alice = first.newUser();
        TestUser bob = first.newUser();
        String channelId;
        Map<String, String> ackedByClientId = new LinkedHashMap<>();
        try (Chat a = Chat.connect(first.port, first.tcpPort, alice)) {
            channelId = a.joinRoomAndOwnEvent(name).get("id").getAsString();
            // pipelined in windows of 10, so the group-commit writer batches them (a window is
            // kept small: see PipelinedSendsTest for what a larger burst does to the socket)
            for (int start = 0; start < n; start += WINDOW) {
                Map<String, String> clientIdByCid = new LinkedHashMap<>();
                for (int i = start; i < Math.min(n, start + WINDOW); i++) {
                    String clientId = "restart-" + i;
                    clientIdByCid.put(a.sendRequest("channel_message_send",
                            Chat.sendWithClientId(channelId, "{\"i\":" + i + "}", clientId)), clientId);
                }
                for (Map.Entry<String, String> sent : clientIdByCid.entrySet()) {
                    JsonObject ack = Chat.ackOf(a.reply(sent.getKey()));
                    assertTrue(ack.get("persistent").getAsBoolean());
                    ackedByClientId.put(sent.getValue(), ack.get("message_id").getAsString());
                }
            }
            first.kill();
        }
        assertEquals(n, ackedByClientId.values().stream().distinct().count());
        List<String> acked = new ArrayList<>(ackedByClientId.values());

        ServerProcess second = startServer("second");
        List<String> forward = History.all(second.port, bob.token(), channelId, 7, true).stream()
                .map(m -> m.get("message_id").getAsString()).toList();
        assertEquals(acked, forward, () -> "history after the kill, forward; log:\n" + second.logText());
        List<String> backward = new ArrayList<>(History.all(second.port, bob.token(), channelId, 9, false).stream()
                .map(m -> m.get("message_id").getAsString()).toList());
        Collections.reverse(backward);
        assertEquals(acked, backward, "history after the kill, backward");

        // the dedup window survived too: resends are acked with the original ids, not delivered again
        try (Chat a = Chat.connect(second.port, second.tcpPort, alice); Chat b = Chat.connect(second.port, second.tcpPort, bob)) {
            a.joinRoomAndOwnEvent(name);
            b.joinRoomAndOwnEvent(name);
            a.awaitPresence(channelId, bob.userId(), true);
            for (String clientId : List.of("restart-0", "restart-25", "restart-49")) {
                JsonObject ack = Chat.ackOf(a.request("channel_message_send",
                        Chat.sendWithClientId(channelId, "{\"resent\":true}", clientId)));
                assertEquals(ackedByClientId.get(clientId), ack.get("message_id").getAsString(), clientId);
            }
            b.expectQuiet();
            a.expectQuiet();
            // a new id is a new message
            String fresh = Chat.ackOf(a.request("channel_message_send",
                    Chat.sendWithClientId(channelId, "{\"new\":true}", "restart-new"))).get("message_id").getAsString();
            b.awaitMessageId(fresh);
            List<String> after = History.allIds(second.port, bob.token(), channelId, true);
            assertEquals(n + 1, after.size());
            assertEquals(acked, after.subList(0, n));
            assertEquals(fresh, after.get(n));
        }
    }

    @Test
    void messagesAckedBeforeAKillInTheMiddleOfTrafficAreAllKept() throws Exception {
        String name = "midflight-" + UUID.randomUUID().toString().substring(0, 8);
        ServerProcess first = startServer("first");
        TestUser alice = first.newUser();
        String channelId;
        List<String> acked = new ArrayList<>();
        try (Chat a = Chat.connect(first.port, first.tcpPort, alice)) {
            channelId = a.joinRoomAndOwnEvent(name).get("id").getAsString();
            int i = 0;
            while (acked.size() < 50) {
                List<String> cids = new ArrayList<>();
                for (int k = 0; k < WINDOW; k++, i++) {
                    cids.add(a.sendRequest("channel_message_send", Chat.send(channelId, "{\"i\":" + i + "}")));
                }
                for (String cid : cids) {
                    acked.add(Chat.ackOf(a.reply(cid)).get("message_id").getAsString());
                }
            }
            for (int k = 0; k < WINDOW; k++, i++) {
                a.sendRequest("channel_message_send", Chat.send(channelId, "{\"i\":" + i + "}"));
            }
            first.kill(); // while the rest are still being written and acked
        }
        ServerProcess second = startServer("second");
        List<String> stored = History.allIds(second.port, alice.token(), channelId, true);
        assertTrue(stored.size() >= acked.size() && stored.size() <= acked.size() + WINDOW,
                () -> stored.size() + " stored, " + acked.size() + " acked");
        assertEquals(acked, stored.subList(0, acked.size()), "every acked message, in order, before any unacked one");
    }
}
