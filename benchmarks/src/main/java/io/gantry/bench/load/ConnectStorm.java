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
 * {@code --server-pid} the server's resident memory per socket.
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

    @Override
    public CommonOptions options() {
        return o;
    }

    @Override
    public Report execute(Run run) throws Exception {
        if (sockets < 1) {
            throw new Run.SetupException("--sockets must be >= 1");
        }
        double holdSec = hold != null ? hold : o.duration(10);
        List<VirtualUser> users = run.users("storm", sockets);
        long rssStart = o.serverPid == null ? -1 : ProcStats.rssBytes(o.serverPid);
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
        rep.put("connect", c);
        rep.line("sockets", String.format("%,d of %,d open (%,d failed) in %.2f s: %,.0f connects/s",
                open.size(), sockets, sockets - open.size(), connectSec, open.size() / connectSec));
        rep.line("handshake", cl.line());
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
        rep.put("server_memory", mem);
        if (perSocket != null) {
            rep.line("server memory", String.format("VmRSS %,d KB before connecting, %,d KB with %,d sockets: %.1f KB per socket (%,d KB at the end)",
                    rssBefore / 1024, rssAfter / 1024, open.size(), perSocket / 1024, rssEnd / 1024));
        } else {
            rep.line("server memory", "(give --server-pid PID to measure)");
        }
        rep.measured(r, o.serverPid, 0, "pings, each answered by one pong");
        rep.note("in connect-storm, sent/delivered/latency are application pings and their pongs during the hold");
        return rep;
    }
}
