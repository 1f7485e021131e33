package io.gantry.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gantry.examples.leaderboards.LeaderboardsModule;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.LeaderboardCreate;
import io.gantry.runtime.LeaderboardRecordWrite;
import io.gantry.runtime.Operator;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.ServerApi;
import io.gantry.runtime.SortOrder;
import io.gantry.runtime.TournamentCreate;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leaderboards and tournaments over REST ({@code /v2/leaderboard/..}, {@code /v2/tournament..}), on
 * a real server with the leaderboards example module: operators, ranks and ties, pages and cursors
 * both ways, around-owner pages, resets (the test clock moved a week), tournaments' windows, joins,
 * sizes and score limits, the refusals (each checked to change nothing), and what survives a
 * restart and an account deletion. The reference's own answers are asserted by the interop files
 * {@code interop/tests/leaderboards.test.js} and {@code tournaments.test.js}, run against both.
 */
class LeaderboardsTest {

    static TestServer server;
    static volatile ServerApi api;
    static final List<String> HOOKED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r.module(new LeaderboardsModule()).onStart(s -> api = s)
                // hooks that act on the boards "hooked-…" only, so the other tests see plain calls
                .before(ApiCall.WRITE_LEADERBOARD_RECORD, (ctx, write) -> {
                    if (!write.boardId().startsWith("hooked-")) {
                        return write;
                    }
                    if (write.score() > 1000) {
                        throw new RefusedException(ErrorCode.INVALID_ARGUMENT, "Scores over 1000 are not believed.");
                    }
                    return new LeaderboardRecordWrite(write.boardId(), write.ownerId(), write.username(),
                            write.score() * 2, write.subscore(), write.metadata(), write.operator());
                })
                .after(ApiCall.WRITE_LEADERBOARD_RECORD, (ctx, write, record) -> {
                    if (write.boardId().startsWith("hooked-")) {
                        HOOKED.add(ctx.userId() + " " + record.score() + " " + record.rank());
                    }
                })
                .before(ApiCall.LIST_TOURNAMENTS, (ctx, request) -> request.categoryStart() != null
                        && request.categoryStart() == 99 ? null : request));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- helpers ------------------------------------------------------------------------------

    static HttpResponse<String> call(String method, String path, TestUser user, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        if (user != null) {
            request.header("Authorization", "Bearer " + user.token());
        }
        return server.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    static JsonObject ok(String method, String path, TestUser user, String body) {
        HttpResponse<String> response = call(method, path, user, body);
        assertOk(response);
        return json(response);
    }

    static String board(SortOrder order, Operator operator) {
        String id = "lb-" + UUID.randomUUID();
        api.leaderboards().create(new LeaderboardCreate(id, false, order, operator, "", null));
        return id;
    }

    static JsonObject write(String board, TestUser user, long score, long subscore) {
        return ok("POST", "/v2/leaderboard/" + board, user,
                "{\"score\":\"" + score + "\",\"subscore\":\"" + subscore + "\"}");
    }

    static JsonArray records(JsonObject list) {
        return list.has("records") ? list.getAsJsonArray("records") : new JsonArray();
    }

    static List<String> owners(JsonObject list) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : records(list)) {
            out.add(e.getAsJsonObject().get("owner_id").getAsString());
        }
        return out;
    }

    static List<Long> ranks(JsonObject list) {
        List<Long> out = new ArrayList<>();
        for (JsonElement e : records(list)) {
            out.add(e.getAsJsonObject().get("rank").getAsLong());
        }
        return out;
    }

    /** A record's score; 0 is omitted, as protojson omits defaults. */
    static long score(JsonObject record) {
        return record.has("score") ? record.get("score").getAsLong() : 0;
    }

    static long subscore(JsonObject record) {
        return record.has("subscore") ? record.get("subscore").getAsLong() : 0;
    }

    // ---- operators ----------------------------------------------------------------------------

    @Test
    void eachOperatorCombinesWritesAsTheReferenceDoes() {
        TestUser u = server.newUser();
        String best = board(SortOrder.DESCENDING, Operator.BEST);
        write(best, u, 10, 1);
        JsonObject r = write(best, u, 1, 20);
        assertEquals(10, score(r));
        assertEquals(20, subscore(r), "best keeps the better score and, separately, the better subscore");
        assertEquals(2, r.get("num_score").getAsInt());

        String bestAsc = board(SortOrder.ASCENDING, Operator.BEST);
        write(bestAsc, u, 10, 5);
        r = write(bestAsc, u, 20, 1);
        assertEquals(10, score(r));
        assertEquals(1, subscore(r));

        String set = board(SortOrder.DESCENDING, Operator.SET);
        write(set, u, 10, 1);
        r = write(set, u, 3, 0);
        assertEquals(3, score(r));
        assertEquals(0, subscore(r));

        String incr = board(SortOrder.DESCENDING, Operator.INCREMENT);
        write(incr, u, 10, 1);
        r = write(incr, u, 1, 5);
        assertEquals(11, score(r));
        assertEquals(6, subscore(r));

        String decr = board(SortOrder.DESCENDING, Operator.DECREMENT);
        r = write(decr, u, 10, 1);
        assertEquals(0, score(r), "a first decrement stores 0");
        r = write(decr, u, 5, 5);
        assertEquals(0, score(r), "decrement floors at 0");
        assertEquals(1, r.get("rank").getAsInt());
    }

    @Test
    void anUnchangedWriteCountsNothingAndKeepsTheMetadata() {
        TestUser u = server.newUser();
        String id = board(SortOrder.DESCENDING, Operator.BEST);
        JsonObject first = ok("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"10\",\"metadata\":\"{\\\"a\\\":1}\"}");
        assertEquals("{\"a\":1}", first.get("metadata").getAsString());
        assertEquals(u.username(), first.get("username").getAsString());
        assertEquals(id, first.get("leaderboard_id").getAsString());
        assertFalse(first.has("expiry_time"), "a board that never resets has no expiry");
        JsonObject same = ok("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"5\",\"metadata\":\"{\\\"b\\\":2}\"}");
        assertEquals(1, same.get("num_score").getAsInt());
        assertEquals("{\"a\":1}", same.get("metadata").getAsString(), "nothing was written");
        JsonObject better = ok("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"11\"}");
        assertEquals("{\"a\":1}", better.get("metadata").getAsString(), "a write without metadata keeps it");
        assertEquals(2, better.get("num_score").getAsInt());
    }

    @Test
    void aWriteMayOverrideTheBoardsOperator() {
        TestUser u = server.newUser();
        String id = board(SortOrder.DESCENDING, Operator.BEST);
        write(id, u, 10, 0);
        JsonObject r = ok("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"3\",\"operator\":\"SET\"}");
        assertEquals(3, score(r));
        r = ok("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"4\",\"operator\":3}");
        assertEquals(7, score(r), "INCREMENT by its number");
    }

    // ---- ranks, pages, cursors ----------------------------------------------------------------

    /** Six users, two pairs of exact ties: ranks by score, subscore, then owner id (descending here). */
    @Test
    void ranksBreakTiesByOwnerIdAndCursorsWalkBothWays() {
        String id = board(SortOrder.DESCENDING, Operator.SET);
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            users.add(server.newUser());
        }
        long[][] scores = {{50, 0}, {40, 1}, {40, 1}, {40, 0}, {10, 0}, {10, 0}};
        for (int i = 0; i < users.size(); i++) {
            write(id, users.get(i), scores[i][0], scores[i][1]);
        }
        List<Integer> expected = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
        expected.sort(Comparator.<Integer>comparingLong(i -> -scores[i][0]).thenComparingLong(i -> -scores[i][1])
                .thenComparing(i -> users.get(i).userId(), Comparator.reverseOrder()));
        List<String> order = expected.stream().map(i -> users.get(i).userId()).toList();

        TestUser viewer = users.get(0);
        JsonObject all = ok("GET", "/v2/leaderboard/" + id + "?limit=100", viewer, null);
        assertEquals(order, owners(all));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ranks(all));
        assertEquals(6, all.get("rank_count").getAsLong());
        assertFalse(all.has("next_cursor"));

        JsonObject p1 = ok("GET", "/v2/leaderboard/" + id + "?limit=2", viewer, null);
        assertEquals(order.subList(0, 2), owners(p1));
        assertFalse(p1.has("prev_cursor"));
        JsonObject p2 = ok("GET", "/v2/leaderboard/" + id + "?limit=2&cursor=" + p1.get("next_cursor").getAsString(), viewer, null);
        assertEquals(order.subList(2, 4), owners(p2));
        assertEquals(List.of(3L, 4L), ranks(p2));
        JsonObject p3 = ok("GET", "/v2/leaderboard/" + id + "?limit=2&cursor=" + p2.get("next_cursor").getAsString(), viewer, null);
        assertEquals(order.subList(4, 6), owners(p3));
        assertFalse(p3.has("next_cursor"));
        JsonObject back = ok("GET", "/v2/leaderboard/" + id + "?limit=2&cursor=" + p3.get("prev_cursor").getAsString(), viewer, null);
        assertEquals(order.subList(2, 4), owners(back));
        assertEquals(List.of(3L, 4L), ranks(back));

        JsonObject byDefault = ok("GET", "/v2/leaderboard/" + id, viewer, null);
        assertEquals(order.subList(0, 1), owners(byDefault), "a client's default limit is 1");

        JsonObject mine = ok("GET", "/v2/leaderboard/" + id + "?owner_ids=" + users.get(4).userId()
                + "&owner_ids=" + users.get(0).userId(), viewer, null);
        assertEquals(0, records(mine).size(), "owners alone: no page");
        JsonArray ownerRecords = mine.getAsJsonArray("owner_records");
        assertEquals(2, ownerRecords.size());
        assertEquals(users.get(0).userId(), ownerRecords.get(0).getAsJsonObject().get("owner_id").getAsString());
        assertEquals(1, ownerRecords.get(0).getAsJsonObject().get("rank").getAsLong());
        assertEquals(order.indexOf(users.get(4).userId()) + 1, ownerRecords.get(1).getAsJsonObject().get("rank").getAsLong());
    }

    @Test
    void aroundOwnerCentresTheOwnersRecord() {
        String id = board(SortOrder.DESCENDING, Operator.SET);
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestUser u = server.newUser();
            users.add(u);
            write(id, u, 100 - i, 0); // user i has rank i+1
        }
        TestUser fifth = users.get(4);
        JsonObject around = ok("GET", "/v2/leaderboard/" + id + "/owner/" + fifth.userId() + "?limit=3", fifth, null);
        assertEquals(List.of(4L, 5L, 6L), ranks(around));
        assertTrue(around.has("prev_cursor") && around.has("next_cursor"));
        JsonObject top = ok("GET", "/v2/leaderboard/" + id + "/owner/" + users.get(0).userId() + "?limit=3", fifth, null);
        assertEquals(List.of(1L, 2L, 3L), ranks(top));
        JsonObject bottom = ok("GET", "/v2/leaderboard/" + id + "/owner/" + users.get(9).userId() + "?limit=4", fifth, null);
        assertEquals(List.of(7L, 8L, 9L, 10L), ranks(bottom));
        JsonObject one = ok("GET", "/v2/leaderboard/" + id + "/owner/" + fifth.userId(), fifth, null);
        assertEquals(List.of(5L), ranks(one), "a client's default limit is 1");
        JsonObject next = ok("GET", "/v2/leaderboard/" + id + "/owner/" + fifth.userId() + "?limit=3&cursor="
                + around.get("next_cursor").getAsString(), fifth, null);
        assertEquals(List.of(7L, 8L, 9L), ranks(next));
        JsonObject nobody = ok("GET", "/v2/leaderboard/" + id + "/owner/" + UUID.randomUUID(), fifth, null);
        assertEquals(0, records(nobody).size());
    }

    @Test
    void deletingOnesRecordTakesItOutOfTheRanks() {
        String id = board(SortOrder.DESCENDING, Operator.BEST);
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        write(id, a, 10, 0);
        write(id, b, 5, 0);
        assertOk(call("DELETE", "/v2/leaderboard/" + id, a, null));
        JsonObject list = ok("GET", "/v2/leaderboard/" + id + "?limit=10", b, null);
        assertEquals(List.of(b.userId()), owners(list));
        assertEquals(List.of(1L), ranks(list));
        assertOk(call("DELETE", "/v2/leaderboard/" + id, a, null)); // nothing left to delete: still fine
    }

    // ---- refusals ------------------------------------------------------------------------------

    @Test
    void badInputIsRefusedWithTheReferencesWordsAndChangesNothing() {
        TestUser u = server.newUser();
        String id = board(SortOrder.DESCENDING, Operator.BEST);
        write(id, u, 10, 0);
        String before = ok("GET", "/v2/leaderboard/" + id + "?limit=100", u, null).toString();

        assertError(call("POST", "/v2/leaderboard/nope-" + UUID.randomUUID(), u, "{\"score\":\"1\"}"), 404, 5,
                "Leaderboard not found.");
        assertError(call("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"50\",\"metadata\":\"[1]\"}"), 400, 3,
                "Metadata value must be JSON, if provided.");
        assertError(call("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"50\",\"metadata\":\"{nope\"}"), 400, 3,
                "Metadata value must be JSON, if provided.");
        assertError(call("GET", "/v2/leaderboard/" + id + "?limit=101", u, null), 400, 3,
                "Invalid limit - limit must be between 1 and 100.");
        assertError(call("GET", "/v2/leaderboard/" + id + "?owner_ids=nope", u, null), 400, 3,
                "One or more owner IDs are invalid.");
        assertError(call("GET", "/v2/leaderboard/" + id + "?cursor=%21%21", u, null), 400, 3,
                "Cursor is invalid or expired.");
        String other = board(SortOrder.DESCENDING, Operator.BEST);
        write(other, u, 1, 0);
        write(other, server.newUser(), 2, 0);
        String otherCursor = ok("GET", "/v2/leaderboard/" + other + "?limit=1", u, null).get("next_cursor").getAsString();
        assertError(call("GET", "/v2/leaderboard/" + id + "?cursor=" + otherCursor, u, null), 400, 3,
                "Cursor is invalid or expired.");
        assertError(call("GET", "/v2/leaderboard/" + id + "/owner/nope", u, null), 400, 3, "Invalid owner ID provided.");
        assertError(call("GET", "/v2/leaderboard/" + id + "/owner/" + u.userId() + "?limit=0", u, null), 400, 3,
                "Invalid limit - limit must be between 1 and 100.");
        assertError(call("DELETE", "/v2/leaderboard/nope-" + UUID.randomUUID(), u, null), 404, 5, "Leaderboard not found.");

        String authoritative = "auth-" + UUID.randomUUID();
        api.leaderboards().create(new LeaderboardCreate(authoritative, true, SortOrder.DESCENDING, Operator.BEST, "", null));
        assertError(call("POST", "/v2/leaderboard/" + authoritative, u, "{\"score\":\"1\"}"), 403, 7,
                "Leaderboard only allows authoritative score submissions.");
        api.leaderboards().writeRecord(new LeaderboardRecordWrite(authoritative, u.userId(), "server", 7, 0, null, null));
        assertError(call("DELETE", "/v2/leaderboard/" + authoritative, u, null), 403, 7,
                "Leaderboard only allows authoritative score deletions.");
        assertEquals(7, score(ok("GET", "/v2/leaderboard/" + authoritative, u, null).getAsJsonArray("records")
                .get(0).getAsJsonObject()));

        assertEquals(before, ok("GET", "/v2/leaderboard/" + id + "?limit=100", u, null).toString());
    }

    /** Server code's hooks see, change and refuse a client's write, and may hide a listing. */
    @Test
    void hooksChangeRefuseAndSeeClientCalls() {
        TestUser u = server.newUser();
        String id = "hooked-" + UUID.randomUUID();
        api.leaderboards().create(new LeaderboardCreate(id, false, SortOrder.DESCENDING, Operator.SET, "", null));
        JsonObject r = write(id, u, 21, 0);
        assertEquals(42, score(r), "the before hook doubled the score");
        assertEquals(List.of(u.userId() + " 42 1"), HOOKED, "the after hook saw the caller and the record");
        assertError(call("POST", "/v2/leaderboard/" + id, u, "{\"score\":\"2000\"}"), 400, 3,
                "Scores over 1000 are not believed.");
        assertEquals(42, score(ok("GET", "/v2/leaderboard/" + id, u, null).getAsJsonArray("records")
                .get(0).getAsJsonObject()), "a refused write changes nothing");
        assertEquals(1, HOOKED.size(), "no after hook for a refused call");
        assertError(call("GET", "/v2/tournament?category_start=99", u, null), 404, 5,
                "Requested resource was not found.");
    }

    // ---- resets, restarts, deletions ----------------------------------------------------------

    @Test
    void aResetStartsANewPeriodAndTheOldOneStaysListable() {
        String id = "reset-" + UUID.randomUUID();
        api.leaderboards().create(new LeaderboardCreate(id, false, SortOrder.DESCENDING, Operator.BEST, "0 0 * * 1", null));
        TestUser u = server.newUser();
        JsonObject r = write(id, u, 10, 0);
        long expiry = java.time.Instant.parse(r.get("expiry_time").getAsString()).getEpochSecond();
        java.time.ZonedDateTime end = java.time.Instant.ofEpochSecond(expiry).atZone(java.time.ZoneOffset.UTC);
        assertEquals(java.time.DayOfWeek.MONDAY, end.getDayOfWeek());
        assertEquals(0, end.getHour() + end.getMinute() + end.getSecond());
        assertTrue(expiry > server.clock().instant().getEpochSecond());

        server.clock().advance(Duration.ofDays(7));
        TestUser fresh = server.newUser(); // tokens are dated by the same clock
        JsonObject now = ok("GET", "/v2/leaderboard/" + id + "?limit=10", fresh, null);
        assertEquals(0, records(now).size(), "the new period is empty");
        JsonObject old = ok("GET", "/v2/leaderboard/" + id + "?limit=10&expiry=" + expiry, fresh, null);
        assertEquals(List.of(u.userId()), owners(old));
        JsonObject next = write(id, fresh, 3, 0);
        assertEquals(1, next.get("rank").getAsInt());
    }

    @Test
    void recordsAndRanksSurviveARestart() throws InterruptedException {
        String id = board(SortOrder.ASCENDING, Operator.BEST);
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        write(id, a, 30, 0);
        write(id, b, 20, 0);
        server.restart();
        JsonObject list = ok("GET", "/v2/leaderboard/" + id + "?limit=10", a, null);
        assertEquals(List.of(b.userId(), a.userId()), owners(list));
        assertEquals(2, list.get("rank_count").getAsLong());
        assertEquals(1, write(id, a, 5, 0).get("rank").getAsInt(), "ranks rebuilt from the store take new writes");
    }

    @Test
    void deletingAnAccountDeletesItsRecords() {
        String id = board(SortOrder.DESCENDING, Operator.BEST);
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        write(id, a, 30, 0);
        write(id, b, 20, 0);
        assertOk(call("DELETE", "/v2/account", a, null));
        JsonObject list = ok("GET", "/v2/leaderboard/" + id + "?limit=10", b, null);
        assertEquals(List.of(b.userId()), owners(list));
        assertEquals(List.of(1L), ranks(list));
    }

    /** Many clients writing one board at once: the ranks end as a sort of the stored scores would give. */
    @Test
    void concurrentWritesKeepRanksExact() throws Exception {
        String id = board(SortOrder.DESCENDING, Operator.INCREMENT);
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(server.newUser());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        write(id, users.get((seed + i) % users.size()), 1 + (seed * 7 + i) % 5, 0);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        JsonObject list = ok("GET", "/v2/leaderboard/" + id + "?limit=100", users.get(0), null);
        JsonArray records = records(list);
        assertEquals(8, records.size());
        long total = 0;
        for (int i = 0; i < records.size(); i++) {
            JsonObject r = records.get(i).getAsJsonObject();
            assertEquals(i + 1, r.get("rank").getAsLong());
            if (i > 0) {
                assertTrue(score(records.get(i - 1).getAsJsonObject()) >= score(r));
            }
            total += score(r);
        }
        long expected = 0;
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 25; i++) {
                expected += 1 + (t * 7 + i) % 5;
            }
        }
        assertEquals(expected, total, "every increment counted once");
    }

    // ---- tournaments ---------------------------------------------------------------------------

    static String tournament(boolean joinRequired, int maxSize, int maxNumScore, long start, long end, int duration) {
        String id = "t-" + UUID.randomUUID();
        api.tournaments().create(new TournamentCreate(id, false, SortOrder.DESCENDING, Operator.BEST, "", null,
                "title", "description", 3, start, end, duration, maxSize, maxNumScore, joinRequired));
        return id;
    }

    @Test
    void tournamentsEnforceJoinsSizesScoresAndWindows() {
        long now = server.clock().instant().getEpochSecond();
        TestUser a = server.newUser();
        TestUser b = server.newUser();

        String joined = tournament(true, 1, 2, 0, 0, 3600);
        assertError(call("POST", "/v2/tournament/" + joined, a, "{\"score\":\"1\"}"), 400, 9,
                "Must join tournament before attempting to write value.");
        assertOk(call("POST", "/v2/tournament/" + joined + "/join", a, null));
        assertOk(call("POST", "/v2/tournament/" + joined + "/join", a, null)); // again: nothing
        assertError(call("POST", "/v2/tournament/" + joined + "/join", b, null), 400, 3,
                "Tournament cannot be joined as it has reached its max size.");
        JsonObject r = ok("PUT", "/v2/tournament/" + joined, a, "{\"score\":\"5\"}");
        assertEquals(5, score(r));
        assertEquals(2, r.get("max_num_score").getAsInt());
        ok("PUT", "/v2/tournament/" + joined, a, "{\"score\":\"6\"}");
        JsonObject third = ok("PUT", "/v2/tournament/" + joined, a, "{\"score\":\"9\"}");
        assertEquals(6, score(third), "past max_num_score a joined owner's write changes nothing");

        String open = tournament(false, 0, 1, 0, 0, 3600);
        ok("POST", "/v2/tournament/" + open, a, "{\"score\":\"5\"}");
        assertError(call("POST", "/v2/tournament/" + open, a, "{\"score\":\"7\"}"), 400, 9,
                "Reached allowed max number of score attempts.");

        String small = tournament(false, 1, 0, 0, 0, 3600);
        ok("POST", "/v2/tournament/" + small, a, "{\"score\":\"5\"}");
        assertError(call("POST", "/v2/tournament/" + small, b, "{\"score\":\"7\"}"), 400, 9,
                "Tournament has reached max size.");

        String later = tournament(false, 0, 0, now + 3600, 0, 600);
        assertError(call("POST", "/v2/tournament/" + later, a, "{\"score\":\"1\"}"), 400, 9,
                "Tournament is not active and cannot accept new scores.");
        String ended = tournament(false, 0, 0, now - 7200, now - 3600, 600);
        assertError(call("POST", "/v2/tournament/" + ended, a, "{\"score\":\"1\"}"), 404, 5,
                "Tournament not found or has ended.");
        assertError(call("GET", "/v2/tournament/" + ended, a, null), 404, 5, "Tournament has ended.");
        assertError(call("POST", "/v2/tournament/nope-" + UUID.randomUUID(), a, "{\"score\":\"1\"}"), 404, 5,
                "Tournament not found.");
        assertError(call("POST", "/v2/tournament/nope-" + UUID.randomUUID() + "/join", a, null), 404, 5,
                "Tournament not found.");

        JsonObject records = ok("GET", "/v2/tournament/" + joined + "?limit=10", a, null);
        assertEquals(List.of(a.userId()), owners(records));
        JsonObject around = ok("GET", "/v2/tournament/" + joined + "/owner/" + a.userId(), a, null);
        assertEquals(List.of(1L), ranks(around));

        JsonObject list = ok("GET", "/v2/tournament?category_start=3&category_end=3&limit=100", a, null);
        boolean sawJoined = false;
        for (JsonElement e : list.getAsJsonArray("tournaments")) {
            JsonObject t = e.getAsJsonObject();
            assertEquals(3, t.get("category").getAsInt());
            if (t.get("id").getAsString().equals(joined)) {
                sawJoined = true;
                assertEquals(1, t.get("size").getAsInt());
                assertEquals(1, t.get("max_size").getAsInt());
                assertFalse(t.has("can_enter"), "full: can_enter false (omitted)");
            }
            assertFalse(t.get("id").getAsString().equals(ended), "ended tournaments are not listed by default");
        }
        assertTrue(sawJoined);
        assertError(call("GET", "/v2/tournament?category_end=128", a, null), 400, 3,
                "Tournament category end must be >=0 and <128.");
        assertError(call("GET", "/v2/tournament?category_start=5&category_end=4", a, null), 400, 3,
                "Tournament category end must be greater than category start.");
        assertError(call("GET", "/v2/tournament?limit=0", a, null), 400, 3, "Limit must be between 1 and 100.");
    }

    @Test
    void serverCodeCreatesBoardsIdempotentlyAndRefusesBadOnes() {
        String id = board(SortOrder.DESCENDING, Operator.BEST);
        var again = api.leaderboards().create(new LeaderboardCreate(id, true, SortOrder.ASCENDING, Operator.SET, "", null));
        assertEquals(SortOrder.DESCENDING, again.sortOrder(), "creating an existing id answers the board as it is");
        assertThrows(RefusedException.class, () -> api.leaderboards().create(
                new LeaderboardCreate("bad-" + UUID.randomUUID(), false, SortOrder.DESCENDING, Operator.BEST, "not cron", null)));
        assertThrows(RefusedException.class, () -> api.tournaments().create(new TournamentCreate("t-" + UUID.randomUUID(),
                false, SortOrder.DESCENDING, Operator.BEST, "", null, "", "", 0, 0, 0, 0, 0, 0, false)));
        assertThrows(RefusedException.class, () -> api.tournaments().create(new TournamentCreate(id,
                false, SortOrder.DESCENDING, Operator.BEST, "", null, "", "", 0, 0, 0, 60, 0, 0, false)),
                "a leaderboard's id is not a tournament's");
        assertNotNull(api.leaderboards().get(List.of("global", "weekly")));
        assertEquals(2, api.leaderboards().get(List.of("global", "weekly")).size(), "the example module's boards");
        assertEquals(1, api.tournaments().get(List.of("weekly-cup")).size());
    }
}
