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
import org.junit.jupiter.params.provider.ValueSource;
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
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code social} scenario end to end: every shape against the in-process self-test server's
 * canned replies ({@code --target self}), and against stub servers that answer wrongly, have no
 * groups, or list users in the ways a reply can hide a {@code "user":} field.
 */
@Timeout(60)
class SocialLoadTest {
    @TempDir
    Path dir;

    private JsonObject run(String... flags) throws Exception {
        Path json = dir.resolve("social.json");
        List<String> args = new ArrayList<>(List.of("social", "--warmup", "0", "--drain", "1", "--quiet",
                "--json", json.toString()));
        args.addAll(List.of(flags));
        int code = new CommandLine(new GantryBench()).execute(args.toArray(String[]::new));
        assertEquals(0, code, "exit status");
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    @ParameterizedTest
    @CsvSource({"friend-add,--users,2000", "friend-list,--friends,10", "group-join,--groups,1000", "group-users,--members,30"})
    void theSelfTargetAnswersEveryRequestOfTheShape(String op, String flag, String value) throws Exception {
        JsonObject s = run("--target", "self", "--op", op, flag, value, "--in-flight", "4", "--duration", "1");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0, "sent something");
        assertEquals(sent, s.get("delivered").getAsLong(), "every request answered 2xx with its users");
        assertEquals(0, s.get("failed_requests").getAsLong());
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
        assertFalse(s.get("pool_ran_out").getAsBoolean());
        assertEquals(op, s.getAsJsonObject("parameters").get("op").getAsString());
        assertEquals("http", s.get("transport").getAsString());
    }

    /** A stub REST server: device authentication answers a fake token; every other call what {@code answer} says. */
    static HttpServer stub(Function<String, Object[]> answer, ConcurrentLinkedQueue<String> seen) throws IOException {
        return stub(answer, seen, new ConcurrentLinkedQueue<>());
    }

    /** As above, keeping the body of every call but the authentications in {@code bodies}, as {@code "<line> <body>"}. */
    static HttpServer stub(Function<String, Object[]> answer, ConcurrentLinkedQueue<String> seen,
                           ConcurrentLinkedQueue<String> bodies) throws IOException {
        HttpServer srv = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        srv.setExecutor(Executors.newFixedThreadPool(4));
        srv.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] req = ex.getRequestBody().readAllBytes();
            if (path.equals("/v2/account/authenticate/device")) {
                String id = Auth.field(new String(req, StandardCharsets.UTF_8), "id");
                answer(ex, 200, "{\"token\":\"" + SelfTestServer.fakeToken(id) + "\"}");
            } else {
                String line = ex.getRequestMethod() + " " + ex.getRequestURI();
                seen.add(line + " " + ex.getRequestHeaders().getFirst("Authorization"));
                bodies.add(line + " " + new String(req, StandardCharsets.UTF_8));
                Object[] a = answer.apply(line);
                answer(ex, (Integer) a[0], (String) a[1]);
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
    @ValueSource(strings = {"group-join", "group-users"})
    void aServerWithoutGroupsStopsTheRunInSetUpWithItsStatus(String op) throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        HttpServer srv = stub(line -> new Object[]{404, "{\"code\":5,\"message\":\"Not Found\"}"}, seen);
        try {
            int code = new CommandLine(new GantryBench()).execute("social", "--op", op, "--port",
                    Integer.toString(srv.getAddress().getPort()), op.equals("group-join") ? "--users" : "--members", "3", "--groups", "2", "--quiet",
                    "--setup-timeout", "10");
            assertEquals(3, code, "the run cannot start");
            assertTrue(seen.stream().allMatch(x -> x.startsWith("POST /v2/group ")), "only group creates were sent: " + seen);
        } finally {
            srv.stop(0);
        }
    }

    @Test
    void everyRefusedAddIsCountedByStatusAndNoneAsAnswered() throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        HttpServer srv = stub(line -> new Object[]{400, "{\"code\":3,\"message\":\"Invalid user ID.\"}"}, seen);
        try {
            JsonObject s = run("--port", Integer.toString(srv.getAddress().getPort()), "--op", "friend-add",
                    "--in-flight", "2", "--users", "40", "--duration", "1");
            long sent = s.get("sent").getAsLong();
            assertTrue(sent > 0);
            assertEquals(0, s.get("delivered").getAsLong());
            JsonObject errors = s.getAsJsonObject("errors");
            assertEquals(1, errors.size(), errors.toString());
            assertEquals(seen.size(), errors.getAsJsonObject("social friend-add: HTTP 400").get("count").getAsLong());
            assertEquals(seen.size(), s.get("failed_requests").getAsLong());
        } finally {
            srv.stop(0);
        }
        assertTrue(seen.stream().allMatch(x -> x.startsWith("POST /v2/friend?ids=")), seen.peek());
    }

    @Test
    void aSmallPoolRunsOutVisibly() throws Exception {
        JsonObject s = run("--target", "self", "--op", "friend-add", "--users", "5", "--in-flight", "2", "--duration", "1");
        assertTrue(s.get("pool_ran_out").getAsBoolean());
        assertEquals(10, s.get("pool").getAsLong(), "5 users: 5 x 2 pairs");
        assertEquals(10, s.get("pool_used").getAsLong());
        assertTrue(s.getAsJsonObject("errors").has("social friend-add: the pool ran out"), s.getAsJsonObject("errors").toString());
    }

    /**
     * Listed users are counted by their {@code "user":} field only: not a longer name ending in
     * it, nor one inside an escaped metadata string; a list one short is an error.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"group_users\":[{\"user\":{\"id\":\"a\", \"metadata\":\"{\\\"user\\\":1}\"}, \"state\":0}, {\"user\":{\"username\":\"u\"}, \"state\":2}]}|0",
            "{\"group_users\":[{\"user\":{\"id\":\"a\"}, \"state\":0}]}|1"})
    void membersAreCountedByTheirUserField(String body, int errors) throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        HttpServer srv = stub(line -> line.startsWith("GET ") ? new Object[]{200, body}
                : line.equals("POST /v2/group") ? new Object[]{200, "{\"id\":\"g-" + System.nanoTime() + "\"}"}
                : new Object[]{200, "{}"}, seen);
        try {
            JsonObject s = run("--port", Integer.toString(srv.getAddress().getPort()), "--op", "group-users",
                    "--members", "2", "--groups", "1", "--in-flight", "2", "--duration", "1");
            long sent = s.get("sent").getAsLong();
            assertTrue(sent > 0);
            assertEquals(errors == 0 ? sent : 0, s.get("delivered").getAsLong());
            assertEquals(errors, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
            if (errors > 0) {
                assertTrue(s.getAsJsonObject("errors").has("social group-users: HTTP 200 with 1 objects, not 2"),
                        s.getAsJsonObject("errors").toString());
            }
        } finally {
            srv.stop(0);
        }
        assertTrue(seen.stream().anyMatch(x -> x.startsWith("POST /v2/group/g-") && x.contains("/join ")), "the second member joined");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--op|delete", "--target|elsewhere", "--in-flight|0", "--users|1", "--friends|3", "--friends|102",
            "--members|1", "--groups|0", "--rate|5"})
    void badFlagsAreRefusedBeforeAnythingConnects(String flag, String value) {
        String op = flag.equals("--friends") ? "friend-list" : flag.equals("--members") ? "group-users" : "friend-add";
        List<String> args = new ArrayList<>(List.of("social", "--port", "1", "--quiet", flag, value));
        if (!flag.equals("--op")) {
            args.addAll(List.of("--op", op));
        }
        int code = new CommandLine(new GantryBench()).execute(args.toArray(String[]::new));
        assertEquals(2, code, "bad flags: exit status 2");
    }
}
