package io.gantry.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code auth}: device authentication of existing accounts over REST
 * ({@code POST /v2/account/authenticate/device?create=true}, basic auth of the server key) on
 * {@code --connections} keep-alive connections. Set-up (not timed) authenticates each of the
 * {@code --accounts} devices once, creating the accounts that do not exist yet; the measured phase
 * then authenticates them round-robin, open loop at {@code --rate} requests per second (in total;
 * latency from each request's intended send time, so a server that falls behind shows it) or
 * closed loop with {@code --concurrency} requests in flight. A reply counts when it is a 200 whose
 * body carries one {@code "token":} field; every other reply is an error by status. Reports
 * requests/s, p50/p99/max over the window and per second, the server's CPU ({@code --server-pid})
 * and the generator's. {@code --target self} runs the same shape against the in-process
 * {@link SelfTestServer}'s fake tokens: the generator's own ceiling.
 */
@Command(name = "auth", mixinStandardHelpOptions = true,
        description = "REST device authentication of existing accounts, open loop (--rate) or closed loop (--concurrency).")
final class AuthLoad implements GantryBench.Scenario {
    @Mixin
    CommonOptions o;

    @Option(names = "--connections", defaultValue = "64", paramLabel = "N",
            description = "Keep-alive HTTP/1.1 connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--accounts", defaultValue = "10000", paramLabel = "K",
            description = "Devices authenticated round-robin; created in the untimed set-up when missing (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--concurrency", paramLabel = "C",
            description = "Closed loop: requests in flight, spread over the connections (pipelined when C > N). "
                    + "Default when --rate is absent: one per connection.")
    Integer concurrency;

    @Option(names = "--max-pipeline", defaultValue = "32", paramLabel = "D",
            description = "Open loop: at most D requests in flight on one connection; a send finding every connection "
                    + "full waits (its latency still counts from its intended time) (default: ${DEFAULT-VALUE}).")
    int maxPipeline;

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
            System.err.println("gantry-bench auth: " + bad);
            return 2;
        }
        return target.run("auth", this, o, s -> { });
    }

    /** The flags' problem, or null. */
    String check() {
        String badTarget = target.checkTarget();
        if (badTarget != null) {
            return badTarget;
        }
        if (connections < 1 || connections > 10_000) {
            return "--connections must be 1-10000";
        }
        if (accounts < 1 || accounts > 1_000_000) {
            return "--accounts must be 1-1000000";
        }
        if (o.rate != null && concurrency != null) {
            return "give --rate (open loop) or --concurrency (closed loop), not both";
        }
        if (o.rate != null && (o.rate <= 0 || o.rate > 10_000_000)) {
            return "--rate must be above 0 and at most 10000000 requests/s";
        }
        if (concurrency != null && (concurrency < 1 || concurrency > AuthDriver.MAX_PIPELINE * connections)) {
            return "--concurrency must be 1-" + AuthDriver.MAX_PIPELINE + " x --connections";
        }
        if (maxPipeline < 1 || maxPipeline > AuthDriver.MAX_PIPELINE) {
            return "--max-pipeline must be 1-" + AuthDriver.MAX_PIPELINE;
        }
        return target.checkServerThreads();
    }

    boolean openLoop() {
        return o.rate != null;
    }

    int inFlight() {
        return concurrency != null ? concurrency : connections;
    }

    String shape() {
        return String.format("%,d existing devices, %d connections, %s", accounts, connections,
                openLoop() ? String.format("open loop at %,.0f requests/s", o.rate)
                        : String.format("closed loop, %d in flight", inFlight()));
    }

    @Override
    public Report execute(Run run) throws Exception {
        AuthDriver driver = new AuthDriver(run.client, o.host, o.port, o.serverKey, connections,
                AuthDriver.devices(o.devicePrefix, accounts));
        try {
            int open = driver.open(run.setupDeadlineMs());
            run.log.printf("%d of %d HTTP connections open%n", open, connections);
            if (open == 0) {
                throw new Run.SetupException("no HTTP connection could be opened: " + run.firstError("connect"));
            }
            long t0 = System.nanoTime();
            long missing = driver.setup(run.setupDeadlineMs());
            if (missing > 0) {
                throw new Run.SetupException(String.format("the set-up failed: %,d of %,d devices not authenticated: %s",
                        missing, accounts, run.firstError("auth")));
            }
            run.log.printf("set-up: %,d devices authenticated (created when missing) in %.1f s%n", accounts,
                    (System.nanoTime() - t0) / 1e9);
            return measure(run, driver, open);
        } finally {
            driver.close();
        }
    }

    private Report measure(Run run, AuthDriver driver, int open) throws Exception {
        double duration = o.duration(10);
        Phase p = Phase.starting(System.nanoTime() + 50_000_000L, o.warmup(2), duration, o.drain, 0);
        run.stats.startPhase(run.client.group, p);
        run.watchdog.arm(o.warmup(2) + duration + o.drain + 60, "measured run over by 60 s");
        Meter meter = new Meter(run.client, p, o.serverPid, o.sidePid, run.log, o.quiet, "auth",
                () -> String.format("in flight %d", driver.inFlight()));
        meter.start();
        long failedBefore = driver.failed.sum();
        SelfTestServer self = target.self();
        if (openLoop()) {
            driver.startOpen(o.rate, o.tickMicros, maxPipeline, p.startNs(), p.sendStopNs());
        } else {
            driver.startClosed(inFlight(), p.startNs(), p.sendStopNs());
        }
        Run.sleepUntil(p.measureStartNs());
        long core0 = target.serverCore < 0 ? -1 : ProcStats.coreBusyNanos(target.serverCore);
        long selfCpu0 = self == null ? 0 : self.cpuNanos();
        Run.sleepUntil(p.sendStopNs());
        long core1 = target.serverCore < 0 ? -1 : ProcStats.coreBusyNanos(target.serverCore);
        long selfCpu1 = self == null ? 0 : self.cpuNanos();
        Run.sleepUntil(p.drainEndNs());
        long unanswered = driver.stop();
        Meter.Result r = meter.finish();
        run.stats.phase = null;
        double window = p.sendStopNs() - p.measureStartNs();
        RestLoad.Window w = new RestLoad.Window(r, driver.failed.sum() - failedBefore, r.delivered(),
                core0 >= 0 && core1 >= 0 ? 100.0 * (core1 - core0) / window : -1,
                self == null ? -1 : 100.0 * (selfCpu1 - selfCpu0) / window);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("accounts", accounts);
        params.put("connections", connections);
        params.put("connections_open", open);
        params.put("mode", openLoop() ? "open" : "closed");
        params.put("rate", o.rate);
        params.put("concurrency", openLoop() ? null : inFlight());
        params.put("max_pipeline", openLoop() ? maxPipeline : null);
        params.put("target", target.target);
        params.put("duration_s", duration);
        Report rep = Report.rest("auth", shape() + (self != null ? " against the in-process server" : ""), o,
                run.client, params);
        rep.inProcessServer = self != null;
        rep.measured(r, o.serverPid, 0, "one counted reply per request: 200 with a token");
        rep.put("requests_per_s", LatencySummary.round3(r.deliveredPerSec()));
        rep.put("failed_requests", w.failed());
        rep.put("unanswered_at_drain_end", unanswered);
        rep.line("requests", String.format("%,.1f/s answered 200 with a token; %,d failed (any phase, by kind under errors)",
                r.deliveredPerSec(), w.failed()));
        w.describe(rep, target.serverCore);
        if (openLoop()) {
            rep.note(String.format("open loop: %,.0f requests/s in total, spread evenly over time and connections; latency "
                    + "counts from each request's intended send time, so a server (or generator) that falls behind shows "
                    + "it in the latency and in sent < the rate", o.rate));
        } else {
            rep.note("closed loop: each of the " + inFlight() + " requests in flight is followed by the next when its "
                    + "reply arrives; latency is per request with no coordinated-omission correction");
        }
        return rep;
    }
}
