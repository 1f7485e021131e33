package io.gantry.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code self-test}: the generator against {@link SelfTestServer} in this process, to know the
 * generator's own limits on this machine. First the match-relay shape (default 1000 x 2 @ 10 Hz)
 * for its p99, then the rate raised step by step (x1.5) until a step loses messages, falls
 * short of its offered rate or its p99 passes {@code --max-p99-ms}: the best passing step is
 * the ceiling. A result against a real server near that ceiling is the generator's limit. With
 * {@code --transport tcp} the same over the in-process server's TCP transport.
 */
@Command(name = "self-test", mixinStandardHelpOptions = true,
        description = "Measure the generator itself against an in-process echo server: its p99 at a match-relay shape and its ceiling.")
final class SelfTest implements GantryBench.Scenario {
    @Mixin
    CommonOptions o;

    @Option(names = "--matches", defaultValue = "1000", paramLabel = "M", description = "Matches (default: ${DEFAULT-VALUE}).")
    int matches;

    @Option(names = "--players", defaultValue = "2", paramLabel = "P", description = "Players per match (default: ${DEFAULT-VALUE}).")
    int players;

    @Option(names = "--steps", defaultValue = "8", description = "Most rate steps of the ceiling search (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--step-seconds", defaultValue = "3", description = "Measured seconds per step, after 1 s warm-up (default: ${DEFAULT-VALUE}).")
    double stepSeconds;

    @Option(names = "--step-factor", defaultValue = "1.5", description = "Rate multiplier between steps (default: ${DEFAULT-VALUE}).")
    double stepFactor;

    @Option(names = "--max-p99-ms", defaultValue = "50", description = "A step whose p99 is above this fails (default: ${DEFAULT-VALUE}).")
    double maxP99Ms;

    @Option(names = "--no-ceiling", description = "Only the shape, no ceiling search.")
    boolean noCeiling;

    @Option(names = "--server-threads", defaultValue = "1", description = "Event loops of the in-process server (default: ${DEFAULT-VALUE}).")
    int serverThreads;

    @Override
    public CommonOptions options() {
        return o;
    }

    @Override
    public Integer call() {
        SelfTestServer server;
        try {
            server = SelfTestServer.start("127.0.0.1", 0, serverThreads);
        } catch (Exception e) {
            System.err.println("gantry-bench self-test: cannot start the in-process server: " + e);
            return 3;
        }
        try {
            this.server = server;
            o.host = "127.0.0.1";
            o.port = server.port();
            o.tcpPort = server.tcpPort();
            System.err.printf("self-test server on 127.0.0.1:%d, TCP transport on :%d (%d event loop(s))%n", o.port,
                    o.tcpPort, serverThreads);
            return GantryBench.run(this);
        } finally {
            server.close();
        }
    }

    private SelfTestServer server;

    private record Step(double rate, Meter.Result r, double serverCpuPercent, boolean ok, String why) {
        double framesPerSec() {
            return r.sentPerSec() + r.deliveredPerSec();
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rate_hz", LatencySummary.round3(rate));
            m.put("sent_per_s", LatencySummary.round3(r.sentPerSec()));
            m.put("delivered_per_s", LatencySummary.round3(r.deliveredPerSec()));
            m.put("frames_per_s", LatencySummary.round3(framesPerSec()));
            m.put("lost", r.lost());
            m.put("p99_ms", LatencySummary.round3(r.latency().p99()));
            m.put("max_ms", LatencySummary.round3(r.latency().max()));
            m.put("generator_busiest_loop_cpu_percent", LatencySummary.round3(r.generatorLoopCpuPercent()));
            m.put("selftest_server_cpu_percent", LatencySummary.round3(serverCpuPercent));
            m.put("ok", ok);
            m.put("why", why);
            return m;
        }
    }

    private Step step(Run run, List<VirtualUser> senders, double rate, double warmup, double seconds, String label)
            throws InterruptedException {
        long cpu0 = server.cpuNanos();
        long t0 = System.nanoTime();
        Meter.Result r = run.measure(senders, rate, warmup, seconds, MatchRelay.action(run), label, null);
        double srv = 100.0 * (server.cpuNanos() - cpu0) / (System.nanoTime() - t0);
        double offered = 0;
        for (VirtualUser u : senders) {
            offered += rate * u.fanout;
        }
        String why = null;
        double lostPct = r.expected() == 0 ? 100 : 100.0 * r.lost() / r.expected();
        if (lostPct > 0.1) {
            why = String.format("lost %.2f %%", lostPct);
        } else if (r.deliveredPerSec() < 0.97 * offered) {
            why = String.format("delivered %,.0f/s of %,.0f/s offered", r.deliveredPerSec(), offered);
        } else if (r.latency().p99() > maxP99Ms) {
            why = String.format("p99 %s ms > %s ms", LatencySummary.fmt(r.latency().p99()), MatchRelay.trim(maxP99Ms));
        }
        return new Step(rate, r, srv, why == null, why == null ? "ok" : why);
    }

    @Override
    public Report execute(Run run) throws Exception {
        double rate = o.rate(MatchRelay.DEFAULT_RATE);
        double duration = o.duration(5);
        List<VirtualUser> senders = MatchRelay.setUp(run, matches, players);
        Step shape = step(run, senders, rate, o.warmup(5), duration, "self-test shape");
        List<Step> done = new ArrayList<>();
        done.add(shape);
        if (!noCeiling && shape.ok()) {
            double r = rate;
            for (int k = 0; k < steps; k++) {
                r *= stepFactor;
                Step s = step(run, senders, r, 1, stepSeconds, String.format("ceiling %s Hz", MatchRelay.trim(Math.round(r * 10) / 10.0)));
                done.add(s);
                if (!s.ok()) {
                    break;
                }
            }
        }
        Step best = null;
        for (Step s : done) {
            if (s.ok() && (best == null || s.framesPerSec() > best.framesPerSec())) {
                best = s;
            }
        }
        Map<String, Object> p = MatchRelay.params(matches, players, rate, duration);
        p.put("max_p99_ms", maxP99Ms);
        p.put("step_seconds", stepSeconds);
        p.put("step_factor", stepFactor);
        Report rep = new Report("self-test", MatchRelay.shape(matches, players, rate) + " against the in-process server",
                o, run.client, p);
        rep.inProcessServer = true;
        rep.measured(shape.r(), null, Math.round(1e6 / rate), String.format("sends x %d other players", players - 1));
        rep.line("self-test srv", String.format("%.0f %% of a core (its event loops) at the shape", shape.serverCpuPercent()));
        List<Object> stepMaps = new ArrayList<>();
        for (Step s : done) {
            stepMaps.add(s.toMap());
            rep.line(s == shape ? "shape" : "step", String.format("%7s Hz: sent %,9.0f/s delivered %,9.0f/s = %,9.0f frames/s, p99 %7s ms, gen loop %3.0f %%, server %3.0f %%: %s",
                    MatchRelay.trim(Math.round(s.rate() * 10) / 10.0), s.r().sentPerSec(), s.r().deliveredPerSec(), s.framesPerSec(),
                    LatencySummary.fmt(s.r().latency().p99()), s.r().generatorLoopCpuPercent(), s.serverCpuPercent(), s.why()));
        }
        rep.put("steps", stepMaps);
        Map<String, Object> ceiling = new LinkedHashMap<>();
        if (best != null) {
            ceiling.put("rate_hz", LatencySummary.round3(best.rate()));
            ceiling.put("sent_per_s", LatencySummary.round3(best.r().sentPerSec()));
            ceiling.put("delivered_per_s", LatencySummary.round3(best.r().deliveredPerSec()));
            ceiling.put("frames_per_s", LatencySummary.round3(best.framesPerSec()));
            ceiling.put("p99_ms", LatencySummary.round3(best.r().latency().p99()));
            ceiling.put("searched", !noCeiling);
            boolean reachedEnd = !noCeiling && done.get(done.size() - 1).ok();
            ceiling.put("lower_bound_only", noCeiling || reachedEnd);
            rep.line("ceiling", String.format("%s%,.0f frames/s handled by the generator (%,.0f sends/s + %,.0f deliveries/s) at %s Hz, p99 %s ms",
                    noCeiling || reachedEnd ? ">= " : "", best.framesPerSec(), best.r().sentPerSec(), best.r().deliveredPerSec(),
                    MatchRelay.trim(Math.round(best.rate() * 10) / 10.0), LatencySummary.fmt(best.r().latency().p99())));
        } else {
            rep.line("ceiling", "below the shape itself: " + shape.why());
        }
        rep.put("ceiling", ceiling);
        rep.line("own p99", String.format("%s ms at %s (the goal for a shape whose target p99 is lower is this + 1 ms)",
                LatencySummary.fmt(shape.r().latency().p99()), MatchRelay.shape(matches, players, rate)));
        rep.note("the in-process server shares this machine's cores with the generator; a result against a real "
                + "server near the ceiling above is the generator's limit, not the server's");
        return rep;
    }
}
