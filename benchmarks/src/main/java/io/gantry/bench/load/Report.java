package io.gantry.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The end-of-run summary: printed as text, and as JSON with {@code --json}. */
final class Report {
    final Map<String, Object> root = new LinkedHashMap<>();
    private final List<String> lines = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final String title;
    private Meter.Result plotted;

    Report(String scenario, String shape, CommonOptions o, BenchClient c, Map<String, Object> params) {
        this(scenario, shape, o, c, params, false);
    }

    /** The report of a REST scenario: HTTP/1.1 keep-alive to {@code --port}, JSON bodies, no socket. */
    static Report rest(String scenario, String shape, CommonOptions o, BenchClient c, Map<String, Object> params) {
        return new Report(scenario, shape, o, c, params, true);
    }

    private Report(String scenario, String shape, CommonOptions o, BenchClient c, Map<String, Object> params, boolean rest) {
        this.title = "gantry-bench " + scenario + ": " + shape;
        root.put("scenario", scenario);
        root.put("shape", shape);
        root.put("target", o.target());
        root.put("transport", rest ? "http" : c.transportName());
        root.put("socket", rest ? null : c.remoteName());
        root.put("format", rest ? "json" : o.format);
        root.put("parameters", params);
        if (o.ports != null) {
            root.put("ports", o.ports);
            if (o.tcpPorts != null) {
                root.put("tcp_ports", o.tcpPorts);
            }
        }
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("event_loops", c.loopThreadIds.length);
        gen.put("io", c.ioName());
        gen.put("source_addresses", o.sourceAddresses == null ? List.of() : o.sourceAddresses);
        root.put("generator", gen);
        root.put("started_at", java.time.Instant.now().toString());
        line("transport", rest ? String.format("HTTP/1.1 keep-alive to %s (REST, JSON bodies)", o.target()) : c.tcp
                ? String.format("tcp to %s (length-prefixed protobuf envelopes); REST on %s", c.remoteName(), o.target())
                : String.format("ws to %s/ws (%s); REST on the same port%s", c.remoteName(), o.format,
                        o.ports == null ? "" : "s"));
    }

    void line(String label, String value) {
        lines.add(String.format("%-16s %s", label, value));
    }

    void note(String s) {
        notes.add(s);
    }

    void put(String key, Object value) {
        root.put(key, value);
    }

    /** The common figures of a rated phase. {@code fanoutText} explains the expected count. */
    void measured(Meter.Result r, String serverPid, long expectedIntervalUs, String fanoutText) {
        plotted = r;
        root.put("warmup_s", LatencySummary.round3(r.warmupSec()));
        root.put("duration_s", LatencySummary.round3(r.measuredSec()));
        root.put("sent", r.sent());
        root.put("sent_per_s", LatencySummary.round3(r.sentPerSec()));
        root.put("expected", r.expected());
        root.put("delivered", r.delivered());
        root.put("delivered_per_s", LatencySummary.round3(r.deliveredPerSec()));
        root.put("lost", r.lost());
        root.put("extra", r.extra());
        root.put("late", r.late());
        root.put("latency_ms", r.latency().toMap());
        root.put("latency_expected_interval_ms", expectedIntervalUs / 1000.0);
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("pid", serverPid);
        server.put("cpu_percent", r.serverCpuPercent() < 0 ? null : LatencySummary.round3(r.serverCpuPercent()));
        server.put("cpu_us_per_delivered", r.serverCpuUsPerDelivered() < 0 ? null : LatencySummary.round3(r.serverCpuUsPerDelivered()));
        List<Object> each = new ArrayList<>();
        List<Object> side = new ArrayList<>();
        for (Meter.ProcessCpu pc : r.processes()) {
            (pc.server() ? each : side).add(pc.toMap());
        }
        if (!each.isEmpty()) {
            server.put("processes", each);
        }
        root.put("server", server);
        if (!side.isEmpty()) {
            root.put("side_processes", side);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> gen = (Map<String, Object>) root.get("generator");
        gen.put("process_cpu_percent", r.generatorCpuPercent() < 0 ? null : LatencySummary.round3(r.generatorCpuPercent()));
        gen.put("busiest_loop_cpu_percent", r.generatorLoopCpuPercent() < 0 ? null : LatencySummary.round3(r.generatorLoopCpuPercent()));
        List<Object> tl = new ArrayList<>();
        for (Meter.Point p : r.timeline()) {
            tl.add(p.toMap());
        }
        root.put("timeline", tl);
        double[] perSecond = perSecondP99(r.timeline(), r.measuredSec());
        if (perSecond != null) {
            Map<String, Object> ps = new LinkedHashMap<>();
            ps.put("median", LatencySummary.round3(perSecond[0]));
            ps.put("max", LatencySummary.round3(perSecond[1]));
            ps.put("max_at_s", LatencySummary.round3(perSecond[2]));
            root.put("per_second_p99_ms", ps);
        }

        line("measured", String.format("%.1f s (after %.1f s of warm-up)", r.measuredSec(), r.warmupSec()));
        line("sent", String.format("%,d (%,.1f/s)", r.sent(), r.sentPerSec()));
        line("delivered", String.format("%,d of %,d expected (%,.1f/s)%s", r.delivered(), r.expected(), r.deliveredPerSec(),
                fanoutText == null ? "" : "  [" + fanoutText + "]"));
        double lostPct = r.expected() == 0 ? 0 : 100.0 * r.lost() / r.expected();
        line("lost", String.format("%,d (%.3f %%)%s%s", r.lost(), lostPct,
                r.late() > 0 ? String.format(", %,d more arrived after the drain deadline", r.late()) : "",
                r.extra() > 0 ? String.format(", %,d more deliveries than expected", r.extra()) : ""));
        line("latency", r.latency().line());
        if (perSecond != null) {
            line("per second", String.format("p99 of each measured second: median %s ms, worst %s ms (second %.0f)",
                    LatencySummary.fmt(perSecond[0]), LatencySummary.fmt(perSecond[1]), perSecond[2]));
        }
        if (expectedIntervalUs > 0) {
            line("", String.format("(HdrHistogram, corrected for coordinated omission at an expected interval of %s ms)",
                    LatencySummary.fmt(expectedIntervalUs / 1000.0)));
        }
        serverLine(r.serverCpuPercent(), r.serverCpuUsPerDelivered(), serverPid);
        for (Meter.ProcessCpu pc : r.processes()) {
            processLine(pc);
        }
        generatorLine(r.generatorLoopCpuPercent(), r.generatorCpuPercent(), gen);
    }

    /** Set for the self-test, whose server runs in this process: no server CPU line. */
    boolean inProcessServer;

    void serverLine(double cpuPercent, double usPerMsg, String serverPid) {
        if (inProcessServer) {
            return;
        }
        if (serverPid == null) {
            line("server cpu", "(give --server-pid PID to measure)");
        } else if (cpuPercent < 0) {
            line("server cpu", serverPid.indexOf(',') < 0 ? "could not read /proc/" + serverPid + "/stat"
                    : "could not read /proc/PID/stat of one of the pids " + serverPid);
        } else {
            line("server cpu", String.format("%.1f %% of one core%s  (%s)", cpuPercent,
                    usPerMsg < 0 ? "" : String.format(", %.2f CPU-µs per delivered message", usPerMsg),
                    serverPid.indexOf(',') < 0 ? "pid " + serverPid : "sum over pids " + serverPid));
        }
    }

    /** One of several server processes (indented under the server's sum), or a side process. */
    void processLine(Meter.ProcessCpu pc) {
        String label = pc.server() ? "" : "side cpu";
        if (pc.cpuPercent() < 0) {
            line(label, String.format("pid %s: could not read /proc/%s/stat", pc.pid(), pc.pid()));
        } else {
            line(label, String.format("pid %s: %.1f %% of one core%s", pc.pid(), pc.cpuPercent(),
                    pc.cpuUsPerDelivered() < 0 ? "" : String.format(", %.2f CPU-µs per delivered message", pc.cpuUsPerDelivered())));
        }
    }

    void generatorLine(double loopPct, double processPct, Map<String, Object> gen) {
        line("generator", String.format("%s event loop(s) on %s; busiest loop %.0f %% of a core, process %.0f %%",
                gen.get("event_loops"), gen.get("io"), loopPct, processPct));
        if (loopPct >= 85) {
            note(String.format("the generator's busiest event loop used %.0f %% of a core: this result is probably "
                    + "the generator's limit, not the server's (compare with ./scripts/bench self-test; add --threads "
                    + "or another machine)", loopPct));
        }
    }

    /**
     * With {@code --ports}: how many times a send crosses the bus (Redis pub/sub, once per other
     * node holding receivers: {@link VirtualUser#peerNodes}), averaged over the senders (all at
     * the same rate), and the crossings per second that makes at the measured send rate. From
     * where the users are, not read from the servers.
     */
    void crossings(List<VirtualUser> senders, Meter.Result r) {
        double perSend = 0;
        for (VirtualUser u : senders) {
            perSend += u.peerNodes;
        }
        perSend = senders.isEmpty() ? 0 : perSend / senders.size();
        Map<String, Object> bus = new LinkedHashMap<>();
        bus.put("crossings_per_send", LatencySummary.round3(perSend));
        bus.put("crossings_per_s", LatencySummary.round3(perSend * r.sentPerSec()));
        root.put("bus", bus);
        line("bus", String.format("each send crosses to %.2f other node(s): %,.1f crossings/s at the measured send rate "
                + "(from where the users are)", perSend, perSend * r.sentPerSec()));
    }

    /**
     * With {@code --ports}: the sockets opened on each node (JSON {@code nodes}: port, sockets),
     * so the spread of the users is on record.
     */
    void nodes(CommonOptions o, List<VirtualUser> users) {
        int n = o.nodes();
        long[] open = new long[n];
        for (VirtualUser u : users) {
            if (u.node < n && u.handshake.isDone() && !u.handshake.isCompletedExceptionally()) {
                open[u.node]++;
            }
        }
        List<Object> list = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("port", o.portOf(k));
            if (o.tcp()) {
                m.put("tcp_port", o.socketPortOf(k));
            }
            m.put("sockets", open[k]);
            list.add(m);
            sb.append(k == 0 ? "" : ", ").append(String.format("node %d (:%d) %,d", k + 1, o.socketPortOf(k), open[k]));
        }
        root.put("nodes", list);
        line("nodes", "sockets opened: " + sb);
    }

    void errors(Stats stats) {
        Map<String, Object[]> errs = stats.errors();
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object[]> e : errs.entrySet()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("count", e.getValue()[0]);
            v.put("example", e.getValue()[1]);
            m.put(e.getKey(), v);
        }
        root.put("errors", m);
        if (errs.isEmpty()) {
            line("errors", "none");
        } else {
            boolean first = true;
            for (Map.Entry<String, Object[]> e : errs.entrySet()) {
                String ex = e.getValue()[1] == null ? "" : "  e.g. " + abbreviate(String.valueOf(e.getValue()[1]), 100);
                line(first ? "errors" : "", String.format("%,d × %s%s", (Long) e.getValue()[0], e.getKey(), ex));
                first = false;
            }
        }
    }

    private static String abbreviate(String s, int n) {
        s = s.replace('\n', ' ');
        return s.length() <= n ? s : s.substring(0, n) + "…";
    }

    void print(PrintStream out) {
        root.put("notes", notes);
        out.println();
        out.println("== " + title + " ==");
        for (String l : lines) {
            out.println(l);
        }
        for (String n : notes) {
            out.println("NOTE: " + n);
        }
        out.flush();
    }

    void write(CommonOptions o, PrintStream out) throws IOException {
        root.put("notes", notes);
        if (o.json != null) {
            Files.writeString(Path.of(o.json), Json.write(root));
            out.println("summary written to " + o.json);
        }
        if (o.plot != null) {
            List<Meter.Point> pts = plotted == null ? List.of() : plotted.timeline();
            Files.writeString(Path.of(o.plot), Plot.html(title, String.format("%s, %s over %s, target %s, %s",
                    root.get("shape"), root.get("format"), root.get("transport"),
                    root.get("socket") != null ? root.get("socket") : root.get("target"), root.get("started_at")), pts));
            out.println("plot written to " + o.plot);
        }
    }

    /**
     * The median and the worst of the per-second p99s of the measured window's seconds that
     * recorded deliveries, and the second of the worst; null when there are none. A stall shows
     * here even when the window's p99 hides it.
     */
    static double[] perSecondP99(List<Meter.Point> timeline, double measuredSec) {
        List<Meter.Point> inWindow = new ArrayList<>();
        for (Meter.Point p : timeline) {
            if (p.t() > 0 && p.t() <= measuredSec + 0.5 && p.samples() > 0) {
                inWindow.add(p);
            }
        }
        if (inWindow.isEmpty()) {
            return null;
        }
        double[] p99s = new double[inWindow.size()];
        Meter.Point worst = inWindow.get(0);
        for (int i = 0; i < p99s.length; i++) {
            Meter.Point p = inWindow.get(i);
            p99s[i] = p.p99();
            if (p.p99() > worst.p99()) {
                worst = p;
            }
        }
        java.util.Arrays.sort(p99s);
        return new double[] {p99s[p99s.length / 2], worst.p99(), worst.t()};
    }
}
