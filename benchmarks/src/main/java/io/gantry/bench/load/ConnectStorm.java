package io.gantry.bench.load;

import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code connect-storm}: opens N authenticated sockets as fast as the server accepts them (a
 * bounded number of handshakes in progress), holds them H seconds with an application ping per
 * socket every 10 s (spread out), and reports the connect rate, failures, and with
 * {@code --server-pid} the server's CPU per socket opened, its resident memory per socket and (a
 * JVM server) its live heap per socket.
 *
 * <p>The connect rate is sockets opened per second of the open phase only: tokens are obtained
 * before it (authentication is REST's figure, not the socket's). A socket counts from its TCP
 * connect to the upgrade's 101 (or TCP's {@code connected}); the handshake latency is that span.
 * Resident memory depends on when the server's collector grew its heap (garbage of the storm not
 * yet collected counts), so the live heap, read with {@code jcmd PID GC.class_histogram} (a full
 * collection) before and after the open phase, is reported beside it, class by class.
 */
@Command(name = "connect-storm", mixinStandardHelpOptions = true,
        description = "Open N authenticated sockets as fast as the server accepts them, hold them H seconds with pings.")
final class ConnectStorm implements GantryBench.Scenario {
    @Mixin
    CommonOptions o;

    @Option(names = "--sockets", defaultValue = "1000", paramLabel = "N", description = "Sockets to open (default: ${DEFAULT-VALUE}).")
    int sockets;

    @Option(names = "--hold", paramLabel = "H", description = "Seconds to hold them open (default: --duration, else 10).")
    Double hold;

    @Option(names = "--ping-interval", defaultValue = "10", paramLabel = "S", description = "Seconds between application pings on a socket (default: ${DEFAULT-VALUE}).")
    double pingInterval;

    @Option(names = "--auth-chunk", defaultValue = "20000", description = "Authenticate and connect this many users at a time, so tokens are fresh when used (default: ${DEFAULT-VALUE}).")
    int authChunk;

    @Option(names = "--warmup-sockets", defaultValue = "0", paramLabel = "N",
            description = "First open and close N sockets of other users, unmeasured: the server's (and the generator's) JIT compiles the paths and the server's young generation is in use, as in a server that has run for a while (default: ${DEFAULT-VALUE}).")
    int warmupSockets;

    @Option(names = "--heap-histogram", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --server-pid on a JVM server: its live heap before and after the open phase, by jcmd GC.class_histogram (a full GC in the server) (default: ${DEFAULT-VALUE}).")
    boolean heapHistogram;

    @Override
    public CommonOptions options() {
        return o;
    }

    /** With {@code --ports}, user i of each kind on node i mod n (see {@link Run#users}). */
    @Override
    public boolean multiNode() {
        return true;
    }

    @Override
    public Report execute(Run run) throws Exception {
        if (sockets < 1) {
            throw new Run.SetupException("--sockets must be >= 1");
        }
        double holdSec = hold != null ? hold : o.duration(10);
        if (warmupSockets > 0) {
            List<VirtualUser> warm = run.open(run.users("storm-warm", warmupSockets), false, authChunk);
            run.log.printf("warm-up: %,d sockets opened in %.2f s; closing them%n", warm.size(), run.connectNanos / 1e9);
            run.client.closeAll(warm, 30_000);
            Thread.sleep(2000); // the server handles the disconnects before the measured phase
            run.resetConnectMeasures();
        }
        List<VirtualUser> users = run.users("storm", sockets);
        long rssStart = o.serverPid == null ? -1 : ProcStats.rssBytes(o.serverPid);
        boolean histograms = o.serverPid != null && heapHistogram && HeapHistogram.isJvm(o.serverPid);
        run.histogramBeforeConnect = histograms;
        List<VirtualUser> open = run.open(users, false, authChunk);
        double connectSec = run.connectNanos / 1e9;
        Histogram connectLat;
        synchronized (run.client.connectLatency) {
            connectLat = run.client.connectLatency.copy();
        }
        if (o.serverPid != null) {
            Thread.sleep(1000); // let the server settle before reading its memory
        }
        long rssBefore = run.rssBeforeConnect;
        long rssAfter = o.serverPid == null ? -1 : ProcStats.rssBytes(o.serverPid);
        HeapHistogram heapBefore = run.heapBeforeConnect;
        HeapHistogram heapAfter = histograms && heapBefore != null ? HeapHistogram.take(o.serverPid) : null;
        run.log.printf("%,d sockets open in %.2f s (%,.0f/s)%s%n", open.size(), connectSec, open.size() / connectSec,
                rssAfter > 0 ? String.format("; server RSS %,d KB -> %,d KB", rssBefore / 1024, rssAfter / 1024) : "");

        Stats stats = run.stats;
        Wire wire = run.wire;
        Meter.Result r = run.measure(open, 1.0 / pingInterval, 0, holdSec, (u, now) -> {
            if (u.pingSentNs != 0) {
                stats.error("timeout: pong", "no pong before the socket's next ping");
            }
            u.pingSentNs = now;
            stats.sent(u.loopStats, now, 1);
            u.request(wire::ping).whenComplete((reply, err) -> {
                if (reply != null && "pong".equals(reply.type())) {
                    if (u.pingSentNs == now) {
                        u.pingSentNs = 0;
                    }
                    stats.deliver(u.loopStats, now);
                } else if (reply != null) {
                    stats.error("ping: " + reply, reply.message());
                }
            });
        }, "connect-storm (pings)", () -> String.format("open %,d", open.stream().filter(VirtualUser::connected).count()));
        long stillOpen = open.stream().filter(VirtualUser::connected).count();
        long rssEnd = o.serverPid == null ? -1 : ProcStats.rssBytes(o.serverPid);

        Map<String, Object> p = new LinkedHashMap<>();
        p.put("sockets", sockets);
        p.put("hold_s", holdSec);
        p.put("ping_interval_s", pingInterval);
        p.put("connect_concurrency", o.connectConcurrency);
        p.put("warmup_sockets", warmupSockets);
        Report rep = new Report("connect-storm", String.format("%,d sockets held %s s", sockets, MatchRelay.trim(holdSec)),
                o, run.client, p);
        LatencySummary cl = LatencySummary.of(connectLat);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("requested", sockets);
        c.put("connected", open.size());
        c.put("failed", sockets - open.size());
        c.put("connect_s", LatencySummary.round3(connectSec));
        c.put("connects_per_s", LatencySummary.round3(open.size() / connectSec));
        c.put("handshake_latency_ms", cl.toMap());
        c.put("open_at_end", stillOpen);
        double serverCpuUs = run.serverConnectCpuNanos < 0 || open.isEmpty() ? -1 : run.serverConnectCpuNanos / 1e3 / open.size();
        c.put("server_cpu_percent", run.serverConnectCpuNanos < 0 ? null
                : LatencySummary.round3(100.0 * run.serverConnectCpuNanos / run.connectNanos));
        c.put("server_cpu_us_per_socket", serverCpuUs < 0 ? null : LatencySummary.round3(serverCpuUs));
        c.put("generator_cpu_percent", LatencySummary.round3(100.0 * run.generatorConnectCpuNanos / run.connectNanos));
        rep.put("connect", c);
        rep.line("sockets", String.format("%,d of %,d open (%,d failed) in %.2f s: %,.0f connects/s (tokens obtained before; TCP connect to 101)",
                open.size(), sockets, sockets - open.size(), connectSec, open.size() / connectSec));
        rep.line("handshake", cl.line());
        if (serverCpuUs >= 0) {
            rep.line("open cpu", String.format("server %.1f %% of one core, %.1f CPU-µs per socket (%,.0f sockets/s per core); generator %.1f %%",
                    100.0 * run.serverConnectCpuNanos / run.connectNanos, serverCpuUs, 1e6 / Math.max(serverCpuUs, 1e-3),
                    100.0 * run.generatorConnectCpuNanos / run.connectNanos));
        } else {
            rep.line("open cpu", String.format("generator %.1f %% (give --server-pid PID for the server's)",
                    100.0 * run.generatorConnectCpuNanos / run.connectNanos));
        }
        rep.line("held", String.format("%,d still open after %s s", stillOpen, MatchRelay.trim(holdSec)));
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("rss_start_bytes", rssStart < 0 ? null : rssStart);
        mem.put("rss_before_connect_bytes", rssBefore < 0 ? null : rssBefore);
        mem.put("rss_after_connect_bytes", rssAfter < 0 ? null : rssAfter);
        mem.put("rss_end_bytes", rssEnd < 0 ? null : rssEnd);
        Double perSocket = null;
        if (rssBefore > 0 && rssAfter > 0 && !open.isEmpty()) {
            perSocket = (rssAfter - rssBefore) / (double) open.size();
        }
        mem.put("rss_per_socket_bytes", perSocket == null ? null : Math.round(perSocket));
        Double heapPerSocket = null;
        if (heapBefore != null && heapAfter != null && !open.isEmpty()) {
            heapPerSocket = (heapAfter.totalBytes() - heapBefore.totalBytes()) / (double) open.size();
            mem.put("live_heap_before_connect_bytes", heapBefore.totalBytes());
            mem.put("live_heap_after_connect_bytes", heapAfter.totalBytes());
            Map<String, Object> byClass = new LinkedHashMap<>();
            heapAfter.growthPer(heapBefore, open.size(), 25).forEach((k, v) ->
                    byClass.put(k, Map.of("bytes_per_socket", LatencySummary.round3(v[0]), "instances_per_socket", LatencySummary.round3(v[1]))));
            mem.put("live_heap_growth_per_socket_by_class", byClass);
        }
        mem.put("live_heap_per_socket_bytes", heapPerSocket == null ? null : Math.round(heapPerSocket));
        rep.put("server_memory", mem);
        if (perSocket != null) {
            rep.line("server memory", String.format("VmRSS %,d KB before connecting, %,d KB with %,d sockets: %.1f KB per socket (%,d KB at the end)",
                    rssBefore / 1024, rssAfter / 1024, open.size(), perSocket / 1024, rssEnd / 1024));
        } else {
            rep.line("server memory", "(give --server-pid PID to measure)");
        }
        if (heapPerSocket != null) {
            rep.line("live heap", String.format("%,d KB before connecting, %,d KB with %,d sockets: %.2f KB per socket (jcmd GC.class_histogram, after a full GC)",
                    heapBefore.totalBytes() / 1024, heapAfter.totalBytes() / 1024, open.size(), heapPerSocket / 1024));
            StringBuilder top = new StringBuilder();
            heapAfter.growthPer(heapBefore, open.size(), 8).forEach((k, v) ->
                    top.append(String.format("%s%s %.0f B", top.length() == 0 ? "" : ", ", k.substring(k.lastIndexOf('.') + 1), v[0])));
            rep.line("heap by class", top.toString());
        } else if (o.serverPid != null) {
            rep.line("live heap", histograms ? "(jcmd failed)" : "(not a JVM, or --no-heap-histogram)");
        }
        rep.measured(r, o.serverPid, 0, "pings, each answered by one pong");
        rep.note("in connect-storm, sent/delivered/latency are application pings and their pongs during the hold");
        return rep;
    }
}
