package io.gantry.bench.load;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches one {@link Phase}: every second it gathers the loops' interval histograms and
 * counters, prints a progress line and keeps a timeline point; it snapshots the server's and the
 * generator's CPU time at the start of the measured window, at its end, and at the drain
 * deadline. {@link #finish()} returns the {@link Result}.
 */
final class Meter {
    record Point(double t, long sentPerS, long deliveredPerS, double p50, double p99, double max, long samples) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", LatencySummary.round3(t));
            m.put("sent_per_s", sentPerS);
            m.put("delivered_per_s", deliveredPerS);
            m.put("p50_ms", LatencySummary.round3(p50));
            m.put("p99_ms", LatencySummary.round3(p99));
            m.put("max_ms", LatencySummary.round3(max));
            m.put("samples", samples);
            return m;
        }
    }

    /**
     * One process's CPU over the phase, as {@link Result#serverCpuPercent} and
     * {@link Result#serverCpuUsPerDelivered} (-1 when unknown): each of several
     * {@code --server-pid}s ({@code server} true), and each {@code --side-pid}.
     */
    record ProcessCpu(String pid, boolean server, double cpuPercent, double cpuUsPerDelivered) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", pid);
            m.put("cpu_percent", cpuPercent < 0 ? null : LatencySummary.round3(cpuPercent));
            m.put("cpu_us_per_delivered", cpuUsPerDelivered < 0 ? null : LatencySummary.round3(cpuUsPerDelivered));
            return m;
        }
    }

    /**
     * What a phase measured. CPU figures are -1 when unknown; the server's are the sum over the
     * {@code --server-pid}s, {@code processes} each one's when there are several, and the side ones.
     */
    record Result(double warmupSec, double measuredSec, long sent, long expected, long delivered, long late, long ignored,
                  LatencySummary latency, Histogram histogram, List<Point> timeline,
                  double serverCpuPercent, double serverCpuUsPerDelivered,
                  double generatorCpuPercent, double generatorLoopCpuPercent, List<ProcessCpu> processes) {

        Result(double warmupSec, double measuredSec, long sent, long expected, long delivered, long late, long ignored,
               LatencySummary latency, Histogram histogram, List<Point> timeline,
               double serverCpuPercent, double serverCpuUsPerDelivered,
               double generatorCpuPercent, double generatorLoopCpuPercent) {
            this(warmupSec, measuredSec, sent, expected, delivered, late, ignored, latency, histogram, timeline,
                    serverCpuPercent, serverCpuUsPerDelivered, generatorCpuPercent, generatorLoopCpuPercent, List.of());
        }

        long lost() {
            return Math.max(0, expected - delivered);
        }

        long extra() {
            return Math.max(0, delivered - expected);
        }

        double sentPerSec() {
            return sent / measuredSec;
        }

        double deliveredPerSec() {
            return delivered / measuredSec;
        }
    }

    private final BenchClient client;
    private final Stats stats;
    private final Phase phase;
    private final String serverPid;
    private final PrintStream out;
    private final boolean quiet;
    private final String label;
    private final ScheduledExecutorService timer;
    private final Histogram total = Stats.newHistogram();
    private final Histogram interval = Stats.newHistogram();
    private final Histogram[] recycle;
    private final List<Point> timeline = new ArrayList<>();
    private long lastSent;
    private long lastDelivered;
    private long lastTickNs;
    private final long[] serverCpu = {-1, -1, -1};
    /** Each process of several --server-pids, then each --side-pid; their CPU at the three snapshots. */
    private final String[] each;
    private final int eachServers;
    private final long[][] eachCpu = new long[3][];
    private final long[] selfCpu = {-1, -1, -1};
    private final long[][] loopCpu = new long[3][];
    /** Extra text for the progress line (e.g. sockets open). */
    private final java.util.function.Supplier<String> extra;

    /**
     * {@code serverPid}: the server's process, or a comma list of them (the CPU figures are the
     * sum, with each one's too); {@code sidePid}: null, or processes measured apart (a comma list).
     */
    Meter(BenchClient client, Phase phase, String serverPid, String sidePid, PrintStream out, boolean quiet, String label,
          java.util.function.Supplier<String> extra) {
        this.client = client;
        this.stats = client.stats;
        this.phase = phase;
        this.serverPid = serverPid;
        String[] servers = serverPid != null && serverPid.indexOf(',') >= 0 ? ProcStats.pids(serverPid) : new String[0];
        String[] sides = sidePid == null ? new String[0] : ProcStats.pids(sidePid);
        this.each = new String[servers.length + sides.length];
        System.arraycopy(servers, 0, each, 0, servers.length);
        System.arraycopy(sides, 0, each, servers.length, sides.length);
        this.eachServers = servers.length;
        this.out = out;
        this.quiet = quiet;
        this.label = label;
        this.extra = extra;
        this.recycle = new Histogram[stats.loops.size()];
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-meter");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        lastTickNs = phase.startNs();
        long now = System.nanoTime();
        snapshotAt(0, phase.measureStartNs() - now);
        snapshotAt(1, phase.sendStopNs() - now);
        // ticks on whole seconds from the start of the measured window (the first ones may fall in the warm-up)
        long k0 = (long) Math.ceil((phase.startNs() + 500_000_000L - phase.measureStartNs()) / 1e9);
        long first = phase.measureStartNs() + k0 * 1_000_000_000L - now;
        timer.scheduleAtFixedRate(this::tickSafely, Math.max(0, first), 1_000_000_000L, TimeUnit.NANOSECONDS);
    }

    private void snapshotAt(int slot, long delayNs) {
        timer.schedule(() -> snapshot(slot), Math.max(0, delayNs), TimeUnit.NANOSECONDS);
    }

    private void snapshot(int slot) {
        serverCpu[slot] = serverPid == null ? -1 : ProcStats.cpuNanos(serverPid);
        long[] e = new long[each.length];
        for (int i = 0; i < each.length; i++) {
            e[i] = ProcStats.cpuNanos(each[i]);
        }
        eachCpu[slot] = e;
        selfCpu[slot] = ProcStats.cpuNanos("self");
        loopCpu[slot] = ProcStats.threadsCpuEach(client.loopThreadIds);
    }

    private void tickSafely() {
        try {
            tick(false);
        } catch (RuntimeException e) {
            out.println("bench: meter error: " + e);
        }
    }

    private synchronized void tick(boolean last) {
        long now = System.nanoTime();
        stats.takeInterval(interval, recycle);
        total.add(interval);
        long sent = stats.sum(s -> s.sent);
        long delivered = stats.sum(s -> s.delivered);
        double dt = Math.max(1e-3, (now - lastTickNs) / 1e9);
        long sentRate = Math.round((sent - lastSent) / dt);
        long delRate = Math.round((delivered - lastDelivered) / dt);
        lastSent = sent;
        lastDelivered = delivered;
        lastTickNs = now;
        LatencySummary iv = LatencySummary.of(interval);
        // ticks fall on whole seconds of the measured window: a tick reports the second before it
        long half = 500_000_000L;
        String stage = now < phase.measureStartNs() + half ? "warmup" : now < phase.sendStopNs() + half ? "run" : "drain";
        if (now >= phase.measureStartNs() + half && !last) {
            timeline.add(new Point((now - phase.measureStartNs()) / 1e9, sentRate, delRate,
                    iv.p50(), iv.p99(), iv.max(), iv.count()));
        }
        if (!quiet && !last && stage.equals("warmup")) {
            long left = Math.max(0, Math.round((phase.measureStartNs() - now) / 1e9));
            out.printf("[%6.1fs %-6s] %s sending, not measured%s | errors %,d%n", (now - phase.startNs()) / 1e9, stage,
                    label, left > 0 ? " for " + left + " s more" : "", stats.errorCount());
            out.flush();
        } else if (!quiet && !last) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("[%6.1fs %-6s] %s sent %,d/s delivered %,d/s | total %,d / %,d | errors %,d | p99 %s ms max %s ms",
                    (now - phase.startNs()) / 1e9, stage, label, sentRate, delRate, sent, delivered,
                    stats.errorCount(), LatencySummary.fmt(iv.p99()), LatencySummary.fmt(iv.max())));
            if (extra != null) {
                String x = extra.get();
                if (x != null && !x.isEmpty()) {
                    sb.append(" | ").append(x);
                }
            }
            out.println(sb);
            out.flush();
        }
    }

    /** Call once the drain deadline has passed. */
    Result finish() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        snapshot(2);
        tick(true);
        double measured = phase.measuredSeconds();
        long sent = stats.sum(s -> s.sent);
        long expected = stats.sum(s -> s.expected);
        long delivered = stats.sum(s -> s.delivered);
        long late = stats.sum(s -> s.late);
        long ignored = stats.sum(s -> s.ignored);
        double windowNs = phase.sendStopNs() - phase.measureStartNs();
        double srvPct = -1;
        double srvPerMsg = -1;
        if (serverCpu[0] >= 0 && serverCpu[1] >= 0) {
            srvPct = 100.0 * (serverCpu[1] - serverCpu[0]) / windowNs;
        }
        if (serverCpu[0] >= 0 && serverCpu[2] >= 0 && delivered > 0) {
            srvPerMsg = (serverCpu[2] - serverCpu[0]) / 1000.0 / delivered;
        }
        double genPct = selfCpu[0] >= 0 && selfCpu[1] >= 0 ? 100.0 * (selfCpu[1] - selfCpu[0]) / windowNs : -1;
        double loopPct = -1;
        if (loopCpu[0] != null && loopCpu[1] != null) {
            for (int i = 0; i < loopCpu[0].length; i++) {
                loopPct = Math.max(loopPct, 100.0 * (loopCpu[1][i] - loopCpu[0][i]) / windowNs);
            }
        }
        List<ProcessCpu> processes = new ArrayList<>();
        for (int i = 0; i < each.length; i++) {
            double pct = -1;
            double perMsg = -1;
            if (eachCpu[0] != null && eachCpu[1] != null && eachCpu[0][i] >= 0 && eachCpu[1][i] >= 0) {
                pct = 100.0 * (eachCpu[1][i] - eachCpu[0][i]) / windowNs;
            }
            if (eachCpu[0] != null && eachCpu[2] != null && eachCpu[0][i] >= 0 && eachCpu[2][i] >= 0 && delivered > 0) {
                perMsg = (eachCpu[2][i] - eachCpu[0][i]) / 1000.0 / delivered;
            }
            processes.add(new ProcessCpu(each[i], i < eachServers, pct, perMsg));
        }
        return new Result((phase.measureStartNs() - phase.startNs()) / 1e9, measured, sent, expected, delivered, late, ignored, LatencySummary.of(total), total.copy(),
                List.copyOf(timeline), srvPct, srvPerMsg, genPct, loopPct, List.copyOf(processes));
    }
}
