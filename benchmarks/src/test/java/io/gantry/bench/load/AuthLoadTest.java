package io.gantry.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code auth} scenario end to end: closed loop (one request per connection, and pipelined),
 * open loop at a rate, against the in-process self-test server's fake tokens; against a stub whose
 * measured replies are wrong, to show that each is counted by kind and none as answered; a set-up
 * that fails stops the run; bad flags are refused.
 */
@Timeout(60)
class AuthLoadTest {
    @TempDir
    Path dir;

    private JsonObject run(String... flags) throws Exception {
        Path json = dir.resolve("auth.json");
        List<String> args = new ArrayList<>(List.of("auth", "--warmup", "0", "--drain", "1", "--quiet",
                "--json", json.toString()));
        args.addAll(List.of(flags));
        int code = new CommandLine(new GantryBench()).execute(args.toArray(String[]::new));
        assertEquals(0, code, "exit status");
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    private static void assertEveryRequestAnswered(JsonObject s) {
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0, "sent something");
        assertEquals(sent, s.get("delivered").getAsLong(), "every request answered 200 with a token");
        assertEquals(0, s.get("failed_requests").getAsLong());
        assertEquals(0, s.get("unanswered_at_drain_end").getAsLong());
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
        assertEquals(sent, s.getAsJsonObject("latency_ms").get("count").getAsLong(), "a latency per request");
        assertTrue(s.get("requests_per_s").getAsDouble() > 0);
        assertTrue(s.getAsJsonArray("timeline").size() >= 1, "per-second points");
    }

    @ParameterizedTest
    @CsvSource({"4,4", "2,16"})
    void aClosedLoopAgainstTheSelfTargetAnswersEveryRequest(int connections, int concurrency) throws Exception {
        JsonObject s = run("--target", "self", "--connections", Integer.toString(connections),
                "--concurrency", Integer.toString(concurrency), "--accounts", "50", "--duration", "2");
        assertEveryRequestAnswered(s);
        JsonObject p = s.getAsJsonObject("parameters");
        assertEquals("closed", p.get("mode").getAsString());
        assertEquals(concurrency, p.get("concurrency").getAsInt());
        assertEquals(connections, p.get("connections_open").getAsInt());
    }

    @Test
    void anOpenLoopSendsAtItsRate() throws Exception {
        JsonObject s = run("--target", "self", "--connections", "4", "--rate", "500", "--accounts", "50",
                "--duration", "2");
        assertEveryRequestAnswered(s);
        long sent = s.get("sent").getAsLong();
        assertTrue(sent >= 990 && sent <= 1010, "500/s for 2 s: " + sent);
        assertEquals("open", s.getAsJsonObject("parameters").get("mode").getAsString());
    }

    /**
     * A stub of device authentication: the first {@code good} requests are answered with a token,
     * every later one {@code status} with {@code body}; {@code devices} collects the ids it saw.
     */
    private static HttpServer stub(int good, int status, String body, AtomicInteger wrong, Set<String> devices)
            throws IOException {
        AtomicInteger seen = new AtomicInteger();
        HttpServer srv = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        srv.setExecutor(Executors.newFixedThreadPool(4));
        srv.createContext("/v2/account/authenticate/device", ex -> {
            String id = Auth.field(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), "id");
            devices.add(id);
            boolean basic = ("Basic " + java.util.Base64.getEncoder().encodeToString("defaultkey:".getBytes(StandardCharsets.UTF_8)))
                    .equals(ex.getRequestHeaders().getFirst("Authorization"));
            if (seen.getAndIncrement() < good && basic && "true".equals(ex.getRequestURI().getQuery().replace("create=", ""))) {
                answer(ex, 200, "{\"token\":\"" + SelfTestServer.fakeToken(id) + "\",\"refresh_token\":\"r\"}");
            } else {
                wrong.incrementAndGet();
                answer(ex, status, body);
            }
        });
        srv.start();
        return srv;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "401|{\"code\":16,\"message\":\"Server key invalid\"}|auth: HTTP 401",
            "200|{\"refresh_token\":\"r\"}|auth: HTTP 200 with 0 tokens, not 1"})
    void everyWrongReplyIsCountedByKindAndNoneAsAnswered(int status, String body, String kind) throws Exception {
        AtomicInteger wrong = new AtomicInteger();
        Set<String> devices = ConcurrentHashMap.newKeySet();
        HttpServer srv = stub(3, status, body, wrong, devices);
        try {
            JsonObject s = run("--port", Integer.toString(srv.getAddress().getPort()), "--connections", "2",
                    "--accounts", "3", "--duration", "1");
            long sent = s.get("sent").getAsLong();
            assertTrue(sent > 0, "sent something");
            assertEquals(0, s.get("delivered").getAsLong(), "no wrong reply counts as answered");
            JsonObject errors = s.getAsJsonObject("errors");
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.has(kind), errors.toString());
            assertEquals(wrong.get(), errors.getAsJsonObject(kind).get("count").getAsLong(),
                    "every wrong reply the stub gave is counted, warm-up and drain included");
            assertEquals(wrong.get(), s.get("failed_requests").getAsLong());
            if (status != 200) {
                assertTrue(errors.getAsJsonObject(kind).get("example").getAsString().contains("Server key invalid"));
            }
            assertEquals(Set.of("gbench-auth-000000", "gbench-auth-000001", "gbench-auth-000002"), devices,
                    "the set-up's devices, and only those, round-robin");
        } finally {
            srv.stop(0);
        }
    }

    @Test
    void aSetUpThatFailsStopsTheRunBeforeItStarts() throws Exception {
        AtomicInteger wrong = new AtomicInteger();
        HttpServer srv = stub(1, 503, "{\"code\":14,\"message\":\"Server is busy; retry later.\"}", wrong,
                ConcurrentHashMap.newKeySet());
        try {
            int code = new CommandLine(new GantryBench()).execute("auth", "--port",
                    Integer.toString(srv.getAddress().getPort()), "--connections", "2", "--accounts", "5", "--quiet",
                    "--setup-timeout", "10");
            assertEquals(3, code, "4 of the 5 devices were refused: the run cannot start");
            assertEquals(4, wrong.get(), "nothing was sent after the set-up");
        } finally {
            srv.stop(0);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--connections|0", "--accounts|0", "--max-pipeline|0", "--max-pipeline|2000", "--concurrency|0",
            "--concurrency|100000", "--rate|0", "--target|elsewhere"})
    void badFlagsAreRefusedBeforeAnythingConnects(String flag, String value) {
        int code = new CommandLine(new GantryBench()).execute("auth", "--port", "1", "--quiet", flag, value);
        assertEquals(2, code, "bad flags: exit status 2");
    }

    @Test
    void aRateAndAConcurrencyTogetherAreRefused() {
        int code = new CommandLine(new GantryBench()).execute("auth", "--port", "1", "--quiet", "--rate", "100",
                "--concurrency", "4");
        assertEquals(2, code);
    }
}
