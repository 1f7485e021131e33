package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code leaderboard}: Nakama's REST leaderboard calls on one large board, closed loop with
 * {@code --in-flight} requests in flight (one per keep-alive connection), as {@link StorageLoad}
 * and {@link SocialLoad} do.
 *
 * <p>Set-up, untimed: boards are created by server code only, so the board ({@code --board},
 * default {@code bench-100k} for 100,000 records) is created through the server-to-server RPC
 * {@code leaderboard_create} with the HTTP key (SET operator, highest score first, never reset; a
 * no-op when it exists: Gantry's {@code examples/leaderboards} module and the reference's
 * {@code leaderboards.lua} both offer it). Its {@code rank_count} is read from the first page; if
 * it is below {@code --records}, the missing records are written through the RPC
 * {@code leaderboard_record_write} with random owner UUIDs (records need no account),
 * {@code --in-flight} at a time. {@code --users} users are device-authenticated (the same device
 * ids each run, so a rerun does not grow the board; again after seeding, whose minutes may outlast
 * a session) and each writes its own record over REST, so that around-owner has an owner to
 * centre on.
 *
 * <ul>
 *   <li>{@code write}: {@code POST /v2/leaderboard/{id}} as the users in turn, body
 *   {@code {"score":"<random nine digits>","subscore":"0"}} (from a pool of pre-encoded bodies);
 *   counted when the reply is a 2xx record (one {@code "owner_id":} field).</li>
 *   <li>{@code around}: {@code GET /v2/leaderboard/{id}/owner/{self}?limit=N} as the users in
 *   turn; counted when the reply is a 2xx page of exactly {@code --limit} records.</li>
 * </ul>
 *
 * {@code --target self} runs the same shape against the in-process {@link SelfTestServer}'s canned
 * replies ({@link CannedLeaderboard}): the generator's own ceiling.
 */
@Command(name = "leaderboard", mixinStandardHelpOptions = true,
        description = "REST leaderboard record writes or around-owner lists on a large board, closed loop with a fixed number of requests in flight.")
final class LeaderboardLoad implements GantryBench.Scenario {
    static final List<String> OPS = List.of("write", "around");
    /** Write bodies in the pool: different scores, so consecutive writes move records in the ranks. */
    static final int WRITE_BODIES = 4096;
    private static final Pattern RANK_COUNT = Pattern.compile("\"rank_count\"\\s*:\\s*\"?(\\d+)");
    private static final byte[] OWNER_ID = RestLoad.marker("owner_id");

    @Mixin
    CommonOptions o;

    @Option(names = "--op", defaultValue = "write", description = "write or around (default: ${DEFAULT-VALUE}).")
    String op;

    @Option(names = "--board", paramLabel = "ID", description = "The board's id (default: bench-<records>, e.g. bench-100k).")
    String board;

    @Option(names = "--records", defaultValue = "100000", paramLabel = "N",
            description = "Records the board holds at least before the run; seeded when it holds fewer (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--users", defaultValue = "256", paramLabel = "U", description = "Users the requests go as, round-robin, each with a record (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--limit", defaultValue = "20", description = "around: the page's limit, 1-100 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--in-flight", defaultValue = "64", description = "Requests in flight: keep-alive connections, one request each (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--http-key", defaultValue = "defaulthttpkey", description = "The server's HTTP key, for the set-up RPCs (default: ${DEFAULT-VALUE}).")
    String httpKey;

    @Mixin
    RestTarget target;

    @Override
    public CommonOptions options() {
        return o;
    }

    @Override
    public Integer call() {
        String bad = check();
        if (bad != null) {
            System.err.println("gantry-bench leaderboard: " + bad);
            return 2;
        }
        return target.run("leaderboard", this, o, s -> s.cannedLeaderboard(records));
    }

    /** The flags' problem, or null. */
    String check() {
        if (!OPS.contains(op)) {
            return "--op must be write or around, not '" + op + "'";
        }
        String badTarget = target.checkTarget();
        if (badTarget != null) {
            return badTarget;
        }
        if (inFlight < 1 || inFlight > 10_000) {
            return "--in-flight must be 1-10000";
        }
        if (users < 1 || users > 100_000) {
            return "--users must be 1-100000";
        }
        if (records < 0 || records > 100_000_000) {
            return "--records must be 0-100000000";
        }
        if (limit < 1 || limit > 100) {
            return "--limit must be 1-100 (Nakama's list limit)";
        }
        if (board != null && (board.isEmpty() || board.length() > 128 || !board.matches("[A-Za-z0-9._-]+"))) {
            return "--board must be 1-128 letters, digits, '.', '_' or '-'";
        }
        if (o.rate != null) {
            return "--rate does not apply: leaderboard is a closed loop (--in-flight requests in flight)";
        }
        return target.checkServerThreads();
    }

    /** {@code bench-100k}, {@code bench-1m}: the default board of a record count. */
    static String defaultBoard(int records) {
        if (records > 0 && records % 1_000_000 == 0) {
            return "bench-" + records / 1_000_000 + "m";
        }
        if (records > 0 && records % 1000 == 0) {
            return "bench-" + records / 1000 + "k";
        }
        return "bench-" + records;
    }

    String board() {
        return board != null ? board : defaultBoard(records);
    }

    String shape() {
        return switch (op) {
            case "write" -> "record write (SET)";
            default -> String.format("around owner limit %d", limit);
        } + String.format(" on %s (>= %,d records), %,d users, %d in flight", board(), records, users, inFlight);
    }

    @Override
    public Report execute(Run run) throws Exception {
        String id = board();
        String hostHeader = Auth.hostForUri(o.host) + ":" + o.port;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://" + hostHeader;
        // the board: created by server code, a no-op when it exists
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/rpc/leaderboard_create?http_key=" + httpKey))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(LeaderboardRequests.rpcBody(LeaderboardRequests.createPayload(id))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            run.stats.error("leaderboard create: HTTP " + created.statusCode(), created.body());
            throw new Run.SetupException("leaderboard_create answered HTTP " + created.statusCode() + " " + created.body()
                    + (created.statusCode() == 404 ? ": the server has no leaderboard_create RPC (load the leaderboards module)" : ""));
        }

        List<VirtualUser> us = run.authenticate(run.users("lb-" + id, users));
        run.log.printf("authenticated %,d/%,d (device ids %s…)%n", us.size(), users, us.isEmpty() ? "-" : us.get(0).deviceId);
        if (us.size() < users) {
            throw new Run.SetupException("authentication failed for " + (users - us.size()) + " users: " + run.firstError("auth"));
        }
        for (VirtualUser v : us) {
            if (v.userId == null) {
                throw new Run.SetupException("no user id (uid claim) in the session token of " + v.deviceId);
            }
        }
        long before = rankCount(http, base, id, us.get(0).token);
        RestLoad load = new RestLoad(run.client, o.host, o.port, inFlight, OWNER_ID);
        try {
            int open = load.open(run.setupDeadlineMs());
            run.log.printf("%d of %d HTTP connections open%n", open, inFlight);
            if (open == 0) {
                throw new Run.SetupException("no HTTP connection could be opened: " + run.firstError("connect"));
            }
            long seed = Math.max(0, records - before);
            double seedSec = 0;
            if (seed > 0) {
                long t0 = System.nanoTime();
                AtomicLong next = new AtomicLong();
                load.setup(run, "leaderboard seed", (c, s) -> {
                    long g = next.getAndIncrement();
                    if (g >= seed) {
                        return null;
                    }
                    SplittableRandom rnd = new SplittableRandom(g * 0x9E3779B97F4A7C15L + System.nanoTime());
                    return LeaderboardRequests.rpc(hostHeader, httpKey, "leaderboard_record_write", LeaderboardRequests.seedPayload(
                            id, LeaderboardRequests.randomOwner(rnd), LeaderboardRequests.SCORE_MIN + rnd.nextLong(LeaderboardRequests.SCORE_SPAN)));
                }, seed, "leaderboard");
                seedSec = (System.nanoTime() - t0) / 1e9;
            }
            run.log.printf("board %s: %,d records before, %,d seeded (RPC leaderboard_record_write) in %.1f s%n", id, before, seed, seedSec);
            if (seed > 0) {
                // sessions may have expired while seeding (the reference's last 60 s by default): new ones
                for (VirtualUser v : us) {
                    v.token = null;
                }
                if (run.authenticate(us).size() < us.size()) {
                    throw new Run.SetupException("authentication after seeding failed: " + run.firstError("auth"));
                }
            }

            ByteBuf[] bodies = LeaderboardRequests.writeBodies(WRITE_BODIES, System.nanoTime());
            RestLoad.Req[] writes = new RestLoad.Req[us.size()];
            RestLoad.Req[] arounds = new RestLoad.Req[us.size()];
            for (int k = 0; k < us.size(); k++) {
                VirtualUser v = us.get(k);
                writes[k] = new RestLoad.Req(LeaderboardRequests.writeHead(hostHeader, id, v.token), bodies[k % WRITE_BODIES], 1);
                arounds[k] = new RestLoad.Req(LeaderboardRequests.aroundHead(hostHeader, id, v.userId, v.token, limit), null, limit);
            }
            AtomicLong nextUser = new AtomicLong();
            load.setup(run, "leaderboard user records", (c, s) -> {
                long g = nextUser.getAndIncrement();
                return g < writes.length ? writes[(int) g] : null;
            }, writes.length, "leaderboard");
            long after = rankCount(http, base, id, us.get(0).token);
            run.log.printf("board %s: %,d records ranked (rank_count) before the run%n", id, after);
            if (op.equals("around") && after < limit) {
                throw new Run.SetupException("the board ranks " + after + " records, fewer than --limit " + limit);
            }

            int n = us.size();
            int conns = load.connections();
            // connection c goes as users c, c + conns, … (mod n); a write's body walks the pool
            RestLoad.Source source = op.equals("write")
                    ? (c, s) -> {
                        long g = c + s * conns;
                        RestLoad.Req w = writes[(int) (g % n)];
                        return new RestLoad.Req(w.head(), bodies[(int) ((g / n + g) % WRITE_BODIES)], 1);
                    }
                    : (c, s) -> arounds[(int) ((c + s * conns) % n)];
            RestLoad.Window w = load.measure(run, source, "leaderboard " + op, target.serverCore, target.self());
            long end;
            try {
                end = rankCount(http, base, id, us.get(0).token);
            } catch (Run.SetupException e) { // the session may have expired by now: the run's figures stand
                run.log.println("rank_count after the run: " + e.getMessage());
                end = -1;
            }
            return report(run, w, open, before, seed, seedSec, after, end);
        } finally {
            load.close();
        }
    }

    /** The board's {@code rank_count}, from its first page read as {@code token}'s user (0 when absent: Nakama omits zeros). */
    private long rankCount(HttpClient http, String base, String id, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + LeaderboardRequests.listPath(id, 1)))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new Run.SetupException("GET " + LeaderboardRequests.listPath(id, 1) + " answered HTTP " + r.statusCode() + " " + r.body());
        }
        return rankCount(r.body());
    }

    static long rankCount(String body) {
        Matcher m = RANK_COUNT.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private Report report(Run run, RestLoad.Window w, int open, long before, long seeded, double seedSec, long after, long end) {
        Meter.Result r = w.result();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("op", op);
        params.put("board", board());
        params.put("records", records);
        params.put("users", users);
        params.put("limit", op.equals("around") ? limit : null);
        params.put("in_flight", inFlight);
        params.put("connections_open", open);
        params.put("target", target.target);
        params.put("duration_s", o.duration(10));
        Report rep = Report.rest("leaderboard", shape() + (target.self() != null ? " against the in-process server" : ""), o,
                run.client, params);
        rep.inProcessServer = target.self() != null;
        String counted = op.equals("write") ? "one counted reply per request: 2xx with the record"
                : "one counted reply per request: 2xx with " + limit + " records";
        rep.measured(r, o.serverPid, 0, counted);
        rep.put("requests_per_s", LatencySummary.round3(r.deliveredPerSec()));
        rep.put("failed_requests", w.failed());
        rep.put("rank_count", Map.of("before_setup", before, "seeded", seeded, "before_run", after, "after_run", end));
        rep.put("seed_s", LatencySummary.round3(seedSec));
        rep.line("requests", String.format("%,.1f/s answered 2xx %s; %,d failed (any phase, by kind under errors)",
                r.deliveredPerSec(), op.equals("write") ? "with the record" : "with " + limit + " records", w.failed()));
        rep.line("board", String.format("%s: rank_count %,d before set-up, %,d seeded in %.1f s, %,d at the start, %,d at the end",
                board(), before, seeded, seedSec, after, end));
        w.describe(rep, target.serverCore);
        rep.note("closed loop: each of the " + inFlight + " connections sends its next request when the previous reply "
                + "has arrived, so latency is per request with no coordinated-omission correction");
        return rep;
    }
}
