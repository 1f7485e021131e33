package io.gantry.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code leaderboard} scenario end to end: both shapes against the in-process self-test
 * server's canned replies ({@code --target self}), and against stub servers that hold fewer records
 * than asked (the set-up seeds the difference through the RPC), have no {@code leaderboard_create},
 * or answer a page one record short.
 */
@Timeout(60)
class LeaderboardLoadTest {
    @TempDir
    Path dir;

    private JsonObject run(String... flags) throws Exception {
        Path json = dir.resolve("leaderboard.json");
        List<String> args = new ArrayList<>(List.of("leaderboard", "--warmup", "0", "--drain", "1", "--quiet",
                "--json", json.toString()));
        args.addAll(List.of(flags));
        int code = new CommandLine(new GantryBench()).execute(args.toArray(String[]::new));
        assertEquals(0, code, "exit status");
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    @ParameterizedTest
    @ValueSource(strings = {"write", "around"})
    void theSelfTargetAnswersEveryRequestOfTheShape(String op) throws Exception {
        JsonObject s = run("--target", "self", "--op", op, "--records", "5000", "--users", "8", "--in-flight", "4",
                "--duration", "1");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0, "sent something");
        assertEquals(sent, s.get("delivered").getAsLong(), "every request answered 2xx with its records");
        assertEquals(0, s.get("failed_requests").getAsLong());
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
        assertEquals(0, s.getAsJsonObject("rank_count").get("seeded").getAsLong(), "the canned board holds 5,000 already");
        assertEquals("bench-5k", s.getAsJsonObject("parameters").get("board").getAsString());
    }

    /**
     * A leaderboard server stub holding {@code held} records, one more for each record written (all
     * new owners, as the set-up's are), whose around-owner pages hold {@code page} records.
     */
    private static Function<String, Object[]> board(int held, int page) {
        AtomicInteger rankCount = new AtomicInteger(held);
        return line -> {
            if (line.startsWith("POST /v2/rpc/leaderboard_create")) {
                return new Object[]{200, "{\"payload\":\"{\\\"id\\\":\\\"b\\\"}\"}"};
            }
            if (line.startsWith("POST /v2/rpc/leaderboard_record_write")) {
                rankCount.incrementAndGet();
                return new Object[]{200, "{\"payload\":\"{\\\"owner_id\\\":\\\"x\\\"}\"}"};
            }
            if (line.startsWith("POST /v2/leaderboard/")) {
                rankCount.incrementAndGet();
                return new Object[]{200, "{\"leaderboard_id\":\"b\", \"owner_id\":\"x\", \"score\":\"1\"}"};
            }
            int n = line.contains("/owner/") ? page : 1;
            StringBuilder sb = new StringBuilder("{\"records\":[");
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ",").append("{\"owner_id\":\"o").append(i).append("\", \"metadata\":\"{\\\"owner_id\\\":1}\"}");
            }
            return new Object[]{200, sb.append("], \"rank_count\":\"").append(rankCount.get()).append("\"}").toString()};
        };
    }

    @Test
    void aBoardHoldingFewerRecordsIsSeededThroughTheRpcWithDistinctOwners() throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
        HttpServer srv = SocialLoadTest.stub(board(3, 5), seen, bodies);
        try {
            JsonObject s = run("--port", Integer.toString(srv.getAddress().getPort()), "--op", "around", "--board", "b",
                    "--records", "40", "--users", "4", "--limit", "5", "--http-key", "k3y", "--in-flight", "3", "--duration", "1");
            assertEquals(s.get("sent").getAsLong(), s.get("delivered").getAsLong(), "pages of 5 records count");
            assertTrue(s.get("delivered").getAsLong() > 0);
            assertEquals(37, s.getAsJsonObject("rank_count").get("seeded").getAsLong());
            assertEquals(44, s.getAsJsonObject("rank_count").get("before_run").getAsLong(), "3 held, 37 seeded, 4 users'");
        } finally {
            srv.stop(0);
        }
        assertTrue(bodies.peek().startsWith("POST /v2/rpc/leaderboard_create?http_key=k3y \"{\\\"id\\\":\\\"b\\\","), bodies.peek());
        Set<String> owners = new HashSet<>();
        int seeds = 0;
        for (String b : bodies) {
            if (b.startsWith("POST /v2/rpc/leaderboard_record_write?http_key=k3y ")) {
                seeds++;
                String body = b.substring(b.indexOf(' ', b.indexOf(' ') + 1) + 1);
                assertTrue(body.startsWith("\"{\\\"id\\\":\\\"b\\\",\\\"owner_id\\\":\\\""), "the payload as a JSON string: " + body);
                owners.add(body.substring(body.indexOf("owner_id") + 13, body.indexOf("owner_id") + 49));
            }
        }
        assertEquals(37, seeds, "40 records asked, 3 held");
        assertEquals(37, owners.size(), "each seeded record has its own owner: " + owners);
        assertEquals(4, seen.stream().filter(x -> x.startsWith("POST /v2/leaderboard/b ")).count(), "each user wrote its record in set-up");
        assertTrue(seen.stream().filter(x -> x.contains("/owner/")).allMatch(x -> x.contains("?limit=5 Bearer ")), seen.toString());
    }

    @Test
    void aServerWithoutTheRpcStopsTheRunBeforeAnyUserIsMade() throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        HttpServer srv = SocialLoadTest.stub(line -> new Object[]{404, "{\"code\":5,\"message\":\"RPC function not found\"}"}, seen);
        try {
            int code = new CommandLine(new GantryBench()).execute("leaderboard", "--port",
                    Integer.toString(srv.getAddress().getPort()), "--quiet", "--setup-timeout", "10");
            assertEquals(3, code, "the run cannot start");
        } finally {
            srv.stop(0);
        }
        assertEquals(List.of("POST /v2/rpc/leaderboard_create?http_key=defaulthttpkey null"), List.copyOf(seen));
    }

    @Test
    void aPageOneRecordShortIsCountedAsAnError() throws Exception {
        AtomicInteger pages = new AtomicInteger();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        Function<String, Object[]> b = board(100, 19);
        HttpServer srv = SocialLoadTest.stub(line -> {
            if (line.contains("/owner/")) {
                pages.incrementAndGet();
            }
            return b.apply(line);
        }, seen);
        try {
            JsonObject s = run("--port", Integer.toString(srv.getAddress().getPort()), "--op", "around", "--records", "100",
                    "--users", "2", "--in-flight", "2", "--duration", "1");
            assertEquals(0, s.get("delivered").getAsLong());
            assertEquals(pages.get(), s.get("failed_requests").getAsLong());
            assertTrue(s.getAsJsonObject("errors").has("leaderboard around: HTTP 200 with 19 objects, not 20"),
                    s.getAsJsonObject("errors").toString());
        } finally {
            srv.stop(0);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"--op|delete", "--target|elsewhere", "--in-flight|0", "--users|0", "--limit|101",
            "--records|-1", "--board|a/b", "--rate|5"})
    void badFlagsAreRefusedBeforeAnythingConnects(String flag, String value) {
        int code = new CommandLine(new GantryBench()).execute("leaderboard", "--port", "1", "--quiet", flag, value);
        assertEquals(2, code, "bad flags: exit status 2");
    }

    @Test
    void defaultBoardsAreNamedAfterTheirSize() {
        assertEquals("bench-100k", LeaderboardLoad.defaultBoard(100_000));
        assertEquals("bench-1m", LeaderboardLoad.defaultBoard(1_000_000));
        assertEquals("bench-1500", LeaderboardLoad.defaultBoard(1500));
        assertEquals(7, LeaderboardLoad.rankCount("{\"records\":[], \"rank_count\":\"7\"}"));
        assertEquals(0, LeaderboardLoad.rankCount("{\"records\":[]}"));
    }
}
