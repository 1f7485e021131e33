package io.gantry.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code storage}: Nakama's REST storage calls, closed loop with {@code --in-flight} requests in
 * flight (one per keep-alive connection), as {@code --users} users round-robin: {@code write}
 * ({@code PUT /v2/storage}, N objects), {@code read} ({@code POST /v2/storage}, N object ids that
 * exist) or {@code list} ({@code GET /v2/storage/{collection}?user_id=<self>&limit=N}). Set-up
 * authenticates the users and, for read and list, writes {@code --fill} objects per user.
 * Reports requests/s, p50/p99/max over the window and per second, and every failed request by
 * status. {@code --target self} runs the same shape against the in-process
 * {@link SelfTestServer}'s canned storage replies: the generator's own ceiling at that shape.
 */
@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "REST storage writes, reads or lists, closed loop with a fixed number of requests in flight.")
final class StorageLoad implements GantryBench.Scenario {
    @Mixin
    CommonOptions o;

    @Option(names = "--op", defaultValue = "write", description = "write, read or list (default: ${DEFAULT-VALUE}).")
    String op;

    @Option(names = "--objects-per-call", defaultValue = "10", paramLabel = "N",
            description = "Objects written or read per call, or the list limit (default: ${DEFAULT-VALUE}).")
    int perCall;

    @Option(names = "--in-flight", defaultValue = "64", description = "Requests in flight: keep-alive connections, one request each (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--users", defaultValue = "256", paramLabel = "U", description = "Users the requests go as, round-robin (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--fill", defaultValue = "100", description = "Objects per user written in set-up for read and list (default: ${DEFAULT-VALUE}).")
    int fill;

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
            System.err.println("gantry-bench storage: " + bad);
            return 2;
        }
        return target.run("storage", this, o, s -> { });
    }

    private String check() {
        if (!List.of("write", "read", "list").contains(op)) {
            return "--op must be write, read or list, not '" + op + "'";
        }
        String badTarget = target.checkTarget();
        if (badTarget != null) {
            return badTarget;
        }
        if (perCall < 1 || perCall > 100) {
            return "--objects-per-call must be 1-100 (Nakama's list limit is 100)";
        }
        if (inFlight < 1 || inFlight > 10_000) {
            return "--in-flight must be 1-10000";
        }
        if (users < 1 || users > 100_000) {
            return "--users must be 1-100000";
        }
        if (fill < 1 || fill > 1000) {
            return "--fill must be 1-1000";
        }
        if (op.equals("read") && perCall > fill) {
            return "--op read needs --objects-per-call <= --fill (it reads objects that exist)";
        }
        if (o.rate != null) {
            return "--rate does not apply: storage is a closed loop (--in-flight requests in flight)";
        }
        return target.checkServerThreads();
    }

    String shape() {
        return switch (op) {
            case "write" -> String.format("write %d object%s per call", perCall, perCall == 1 ? "" : "s");
            case "read" -> String.format("read %d object%s per call", perCall, perCall == 1 ? "" : "s");
            default -> String.format("list limit %d of %d per user", perCall, fill);
        } + String.format(", %d in flight, %,d users", inFlight, users);
    }

    @Override
    public Report execute(Run run) throws Exception {
        List<VirtualUser> us = run.authenticate(run.users("storage", users));
        run.log.printf("authenticated %,d/%,d%n", us.size(), users);
        if (us.isEmpty()) {
            throw new Run.SetupException("authentication failed for every user: " + run.firstError("auth"));
        }
        for (VirtualUser u : us) {
            if (u.userId == null) {
                throw new Run.SetupException("no user id (uid claim) in the session token of " + u.deviceId);
            }
        }
        String hostHeader = Auth.hostForUri(o.host) + ":" + o.port;
        RestLoad load = new RestLoad(run.client, o.host, o.port, inFlight);
        try {
            int open = load.open(run.setupDeadlineMs());
            run.log.printf("%d of %d HTTP connections open%n", open, inFlight);
            if (open == 0) {
                throw new Run.SetupException("no HTTP connection could be opened: " + run.firstError("connect"));
            }
            if (!op.equals("write")) {
                fill(run, load, hostHeader, us);
            }
            return measure(run, load, StorageRequests.measured(op, hostHeader, us, perCall, fill), open);
        } finally {
            load.close();
        }
    }

    /** Writes every user's {@code --fill} objects; any failure stops the run before it starts. */
    private void fill(Run run, RestLoad load, String hostHeader, List<VirtualUser> us)
            throws InterruptedException, Run.SetupException {
        List<RestLoad.Req> reqs = StorageRequests.fill(hostHeader, us, fill);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(run.setupDeadlineMs());
        CountDownLatch idle = load.start("storage fill", (conn, seq) -> {
            int i = next.getAndIncrement();
            return i < reqs.size() ? reqs.get(i) : null;
        }, deadline);
        load.awaitIdle(idle, deadline + 5_000_000_000L, "within --setup-timeout (fill)");
        long failed = load.failed.sum();
        if (failed > 0 || idle.getCount() > 0 || next.get() < reqs.size()) {
            throw new Run.SetupException(String.format("the fill failed: %,d of %,d writes failed: %s", failed, reqs.size(),
                    run.firstError("storage")));
        }
        run.log.printf("filled %,d objects per user (%,d writes of up to %d objects) in %.1f s%n", fill, reqs.size(),
                StorageRequests.FILL_PER_CALL, (System.nanoTime() - t0) / 1e9);
        load.ok.reset();
    }

    private Report measure(Run run, RestLoad load, RestLoad.Req[][] reqs, int open) throws Exception {
        int n = reqs.length;
        int conns = load.connections();
        // connection c sends as users c, c + conns, c + 2 conns, … (mod n), each user's variants in turn
        RestLoad.Window w = load.measure(run, (c, seq) -> {
            long g = c + seq * conns;
            RestLoad.Req[] mine = reqs[(int) (g % n)];
            return mine[(int) ((g / n) % mine.length)];
        }, "storage " + op, target.serverCore, target.self());
        Meter.Result r = w.result();
        long failed = w.failed();
        double duration = o.duration(10);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("op", op);
        params.put("objects_per_call", perCall);
        params.put("in_flight", inFlight);
        params.put("connections_open", open);
        params.put("users", users);
        params.put("fill", op.equals("write") ? null : fill);
        params.put("target", target.target);
        params.put("duration_s", duration);
        Report rep = Report.rest("storage", shape() + (target.self() != null ? " against the in-process server" : ""), o,
                run.client, params);
        rep.inProcessServer = target.self() != null;
        rep.measured(r, o.serverPid, 0, "one counted reply per request: 2xx with the expected objects");
        rep.put("requests_per_s", LatencySummary.round3(r.deliveredPerSec()));
        rep.put("failed_requests", failed);
        rep.line("requests", String.format("%,.1f/s answered 2xx with the expected objects; %,d failed (any phase, by "
                + "kind under errors)", r.deliveredPerSec(), failed));
        rep.line("objects", String.format("%,.1f/s", r.deliveredPerSec() * (op.equals("list") ? Math.min(perCall, fill) : perCall)));
        w.describe(rep, target.serverCore);
        rep.note("closed loop: each of the " + inFlight + " connections sends its next request when the previous reply "
                + "has arrived, so latency is per request with no coordinated-omission correction");
        return rep;
    }
}
