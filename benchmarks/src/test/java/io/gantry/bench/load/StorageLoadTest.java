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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code storage} scenario end to end: against the in-process self-test server's canned
 * storage replies ({@code --target self}), and against a stub server whose replies are wrong, to
 * show that every failed request is counted by kind and none is counted as answered.
 */
@Timeout(60)
class StorageLoadTest {
    @TempDir
    Path dir;

    private JsonObject run(String... flags) throws Exception {
        Path json = dir.resolve("storage.json");
        List<String> args = new ArrayList<>(List.of("storage", "--warmup", "0", "--drain", "1", "--quiet",
                "--json", json.toString()));
        args.addAll(List.of(flags));
        int code = new CommandLine(new GantryBench()).execute(args.toArray(String[]::new));
        assertEquals(0, code, "exit status");
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    @ParameterizedTest
    @CsvSource({"write,1", "write,10", "read,10", "read,100", "list,10"})
    void theSelfTargetAnswersEveryRequestOfTheShape(String op, int perCall) throws Exception {
        JsonObject s = run("--target", "self", "--op", op, "--objects-per-call", Integer.toString(perCall),
                "--in-flight", "8", "--users", "20", "--duration", "2");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0, "sent something");
        assertEquals(sent, s.get("delivered").getAsLong(), "every request answered 2xx with its objects");
        assertTrue(s.get("requests_per_s").getAsDouble() > 0);
        assertEquals(0, s.get("failed_requests").getAsLong());
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
        assertEquals(sent, s.getAsJsonObject("latency_ms").get("count").getAsLong(), "a latency per request");
        assertEquals("http", s.get("transport").getAsString());
        assertEquals(op, s.getAsJsonObject("parameters").get("op").getAsString());
        assertTrue(s.getAsJsonArray("timeline").size() >= 1, "per-second points");
    }

    /**
     * A stub REST server: device authentication answers a fake token; every storage call answers
     * {@code status} with {@code body}.
     */
    private static HttpServer stub(int status, String body, ConcurrentLinkedQueue<String> seen) throws IOException {
        HttpServer srv = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        srv.setExecutor(Executors.newFixedThreadPool(4));
        srv.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] req = ex.getRequestBody().readAllBytes();
            if (path.equals("/v2/account/authenticate/device")) {
                String id = Auth.field(new String(req, StandardCharsets.UTF_8), "id");
                answer(ex, 200, "{\"token\":\"" + SelfTestServer.fakeToken(id) + "\"}");
            } else {
                seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Authorization"));
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
            "409|{\"code\":3,\"message\":\"Storage write rejected.\"}|storage write: HTTP 409",
            "200|{\"acks\":[{\"collection\":\"c\",\"key\":\"k\"}]}|storage write: HTTP 200 with 1 objects, not 10"})
    void everyWrongReplyIsCountedByKindAndNoneAsAnswered(int status, String body, String kind) throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        HttpServer srv = stub(status, body, seen);
        try {
            JsonObject s = run("--port", Integer.toString(srv.getAddress().getPort()), "--op", "write",
                    "--in-flight", "2", "--users", "3", "--duration", "1");
            long sent = s.get("sent").getAsLong();
            assertTrue(sent > 0, "sent something");
            assertEquals(0, s.get("delivered").getAsLong(), "no wrong reply counts as answered");
            assertEquals(sent, s.get("lost").getAsLong());
            JsonObject errors = s.getAsJsonObject("errors");
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.has(kind), errors.toString());
            assertEquals(seen.size(), errors.getAsJsonObject(kind).get("count").getAsLong(),
                    "every reply the stub gave is counted, warm-up and drain included");
            assertEquals(seen.size(), s.get("failed_requests").getAsLong());
            if (status != 200) {
                assertTrue(errors.getAsJsonObject(kind).get("example").getAsString().contains("Storage write rejected."));
            }
        } finally {
            srv.stop(0);
        }
        // each request went as one of the 3 users, round-robin, as an unconditional write
        String first = seen.peek();
        assertTrue(first.startsWith("PUT /v2/storage Bearer "), first);
        assertEquals(3, seen.stream().map(x -> x.substring(x.lastIndexOf(' ') + 1)).distinct().count(),
                "requests go as every user");
    }

    @Test
    void aFillThatFailsStopsTheRunBeforeItStarts() throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        HttpServer srv = stub(500, "{\"code\":13,\"message\":\"Internal error\"}", seen);
        try {
            int code = new CommandLine(new GantryBench()).execute("storage", "--port",
                    Integer.toString(srv.getAddress().getPort()), "--op", "read", "--users", "2", "--in-flight", "2",
                    "--quiet", "--setup-timeout", "10");
            assertEquals(3, code, "the read shape needs its objects: the run cannot start");
            assertTrue(seen.stream().allMatch(x -> x.startsWith("PUT /v2/storage ")), "only fill writes were sent");
        } finally {
            srv.stop(0);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--op|delete", "--objects-per-call|0", "--objects-per-call|101", "--target|elsewhere", "--in-flight|0",
            "--users|0"})
    void badFlagsAreRefusedBeforeAnythingConnects(String flag, String value) {
        int code = new CommandLine(new GantryBench()).execute("storage", "--port", "1", "--quiet", flag, value);
        assertEquals(2, code, "bad flags: exit status 2");
    }
}
