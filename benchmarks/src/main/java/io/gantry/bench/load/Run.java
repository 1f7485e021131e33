package io.gantry.bench.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * What every scenario shares: the options, the wire format, the client's sockets and stats,
 * authentication, the hard deadline, and the measured phase (pacer + meter + drain).
 */
final class Run implements AutoCloseable {
    /** A run that cannot start (the server refused, nothing connected…): exit status 3. */
    static final class SetupException extends Exception {
        SetupException(String message) {
            super(message);
        }
    }

    final CommonOptions o;
    final String scenario;
    final Wire wire;
    final BenchClient client;
    final Stats stats;
    final PrintStream log;
    final Watchdog watchdog;
    private final Auth auth;
    private final List<VirtualUser> all = new ArrayList<>();
    /** Time spent opening sockets (the connect part of {@link #open}), in nanoseconds. */
    long connectNanos;
    /** Server resident memory just before the first socket opened, or -1. */
    long rssBeforeConnect = -1;
    /** The server's live heap just before the first socket opened (a JVM server, when asked), or null. */
    HeapHistogram heapBeforeConnect;
    /** Whether {@link #open} takes {@link #heapBeforeConnect} (a full GC in the server). */
    boolean histogramBeforeConnect;
    /** Server CPU (user + system) spent while sockets were opening, in nanoseconds, or -1. */
    long serverConnectCpuNanos = -1;
    /** This generator's CPU (the whole process) spent while sockets were opening, in nanoseconds. */
    long generatorConnectCpuNanos;

    /** Forgets what {@link #open} measured so far (a warm-up's sockets). */
    void resetConnectMeasures() {
        connectNanos = 0;
        rssBeforeConnect = -1;
        heapBeforeConnect = null;
        serverConnectCpuNanos = -1;
        generatorConnectCpuNanos = 0;
        synchronized (client.connectLatency) {
            client.connectLatency.reset();
        }
    }

    Run(String scenario, CommonOptions o, PrintStream log) throws Exception {
        this.o = o;
        this.scenario = scenario;
        this.log = log;
        if (o.serverPid != null && !ProcStats.exists(o.serverPid)) {
            throw new SetupException("no process " + o.serverPid + " (--server-pid)");
        }
        if (o.sidePid != null && !ProcStats.exists(o.sidePid)) {
            throw new SetupException("no process " + o.sidePid + " (--side-pid)");
        }
        if (o.plot != null && !o.plot.toLowerCase(java.util.Locale.ROOT).endsWith(".html")
                && !o.plot.toLowerCase(java.util.Locale.ROOT).endsWith(".htm")) {
            throw new SetupException("--plot writes an HTML page (inline SVG): give a FILE.html");
        }
        this.wire = Wire.of(o.format, o.tcp());
        int[] restPorts = new int[o.nodes()];
        int[] socketPorts = new int[o.nodes()];
        for (int k = 0; k < restPorts.length; k++) {
            restPorts[k] = o.portOf(k);
            socketPorts[k] = o.socketPortOf(k);
        }
        this.auth = new Auth(o.host, restPorts, o.serverKey, o.authConcurrency);
        this.client = new BenchClient(o.host, socketPorts, o.tcp(), o.threads, o.io, o.sourceAddresses, wire);
        this.stats = client.stats;
        this.watchdog = new Watchdog();
        watchdog.arm(o.setupTimeout + 60, "set-up took longer than --setup-timeout + 60 s");
    }

    /**
     * {@code n} new users with device ids {@code <prefix>-<tag>-<000001>}; with {@code --ports},
     * user i of the list on node i mod n (a scenario may place them otherwise before opening).
     */
    List<VirtualUser> users(String tag, int n) {
        List<VirtualUser> us = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VirtualUser u = new VirtualUser(all.size(), String.format("%s-%s-%06d", o.devicePrefix, tag, i));
            u.node = i % o.nodes();
            u.bind(wire, stats);
            us.add(u);
            all.add(u);
        }
        return us;
    }

    /** Authenticates {@code users} (untimed) without opening sockets; returns those with a token. */
    List<VirtualUser> authenticate(List<VirtualUser> users) throws InterruptedException {
        auth.authenticate(users, stats, setupDeadlineMs(), n -> {
        });
        List<VirtualUser> ok = new ArrayList<>();
        for (VirtualUser u : users) {
            if (u.token != null) {
                ok.add(u);
            }
        }
        return ok;
    }

    long setupDeadlineMs() {
        return Math.round(o.setupTimeout * 1000);
    }

    /**
     * Authenticates (untimed) and connects the users, {@code chunk} at a time so tokens are fresh
     * when their socket opens (0: all at once). With {@code status} the users appear online
     * ({@code status=true} on the socket URL, or in TCP's {@code connect}). Returns the users
     * whose socket is open.
     */
    List<VirtualUser> open(List<VirtualUser> users, boolean status, int chunk) throws InterruptedException, SetupException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(setupDeadlineMs());
        int step = chunk <= 0 ? users.size() : chunk;
        for (int from = 0; from < users.size(); from += step) {
            List<VirtualUser> part = users.subList(from, Math.min(users.size(), from + step));
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            int base = from;
            int failedAuth = auth.authenticate(part, stats, Math.max(1, left),
                    progress("authenticated", base, users.size()));
            log.printf("authenticated %,d/%,d%s%n", base + part.size() - failedAuth, users.size(),
                    failedAuth == 0 ? "" : String.format(" (%,d failed)", failedAuth));
            if (failedAuth == part.size()) {
                throw new SetupException("authentication failed for every user: " + firstError("auth"));
            }
            if (rssBeforeConnect < 0 && o.serverPid != null) {
                if (histogramBeforeConnect) {
                    // first: its full GC may give heap back, which the RSS read after it then shows
                    heapBeforeConnect = HeapHistogram.take(o.serverPid);
                }
                rssBeforeConnect = ProcStats.rssBytes(o.serverPid);
            }
            left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            long cpu0 = o.serverPid == null ? -1 : ProcStats.cpuNanos(o.serverPid);
            long gen0 = ProcStats.cpuNanos("self");
            long t0 = System.nanoTime();
            int notOpen = client.connect(part, status, o.connectConcurrency, Math.max(1, left),
                    progress("connected", base, users.size()));
            connectNanos += System.nanoTime() - t0;
            long cpu1 = o.serverPid == null ? -1 : ProcStats.cpuNanos(o.serverPid);
            if (cpu0 >= 0 && cpu1 >= 0) {
                serverConnectCpuNanos = Math.max(0, serverConnectCpuNanos) + (cpu1 - cpu0);
            }
            generatorConnectCpuNanos += Math.max(0, ProcStats.cpuNanos("self") - gen0);
            if (chunk > 0 && chunk < users.size()) {
                log.printf("connected %,d/%,d%n", base + part.size() - notOpen, users.size());
            }
        }
        List<VirtualUser> open = new ArrayList<>();
        for (VirtualUser u : users) {
            if (u.connected()) {
                open.add(u);
            }
        }
        log.printf("%,d of %,d sockets open%s%n", open.size(), users.size(),
                open.size() == users.size() ? "" : " (see the errors in the summary)");
        if (open.isEmpty()) {
            throw new SetupException("no socket could be opened: " + firstError(""));
        }
        return open;
    }

    String firstError(String prefix) {
        for (var e : stats.errors().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                return e.getKey() + (e.getValue()[1] == null ? "" : " (" + e.getValue()[1] + ")");
            }
        }
        return "unknown";
    }

    /** A progress printer while something is under way: at most one line a second. */
    IntConsumer progress(String what, int base, int total) {
        long[] last = {System.nanoTime()};
        return n -> {
            long now = System.nanoTime();
            int done = base + n;
            if (!o.quiet && done < total && now - last[0] >= 1_000_000_000L) {
                synchronized (last) {
                    if (now - last[0] >= 1_000_000_000L) {
                        last[0] = now;
                        log.printf("%s %,d/%,d …%n", what, done, total);
                    }
                }
            }
        };
    }

    /** Waits for every future (until the set-up deadline); returns them in order, null for failures. */
    <T> List<T> awaitAll(List<CompletableFuture<T>> fs, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(setupDeadlineMs());
        List<T> out = new ArrayList<>(fs.size());
        for (CompletableFuture<T> f : fs) {
            long left = deadline - System.nanoTime();
            try {
                out.add(f.get(Math.max(1, left), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                stats.error("timeout: " + what, "no reply within --setup-timeout");
                out.add(null);
            } catch (java.util.concurrent.ExecutionException e) {
                stats.error(what + ": " + e.getCause().getClass().getSimpleName(), e.getCause().getMessage());
                out.add(null);
            }
        }
        return out;
    }

    /**
     * Sends at {@code rate} Hz from every sender for warm-up + duration, then waits for the
     * drain; returns what the meter saw.
     */
    Meter.Result measure(List<VirtualUser> senders, double rate, double warmup, double duration, Pacer.Action action,
                         String label, Supplier<String> extra) throws InterruptedException {
        Phase p = Phase.starting(System.nanoTime() + 50_000_000L, warmup, duration, o.drain, rate);
        stats.startPhase(client.group, p);
        watchdog.arm(warmup + duration + o.drain + 60, "measured run over by 60 s");
        Meter meter = new Meter(client, p, o.serverPid, o.sidePid, log, o.quiet, label, extra);
        meter.start();
        Pacer pacer = new Pacer(senders, rate, p.startNs(), p.sendStopNs(), o.tickMicros, action);
        pacer.start();
        long waitMs = TimeUnit.NANOSECONDS.toMillis(p.sendStopNs() - System.nanoTime()) + 5_000;
        if (!pacer.await(waitMs)) {
            pacer.cancel();
            stats.error("generator: senders did not stop on time", null);
        }
        sleepUntil(p.drainEndNs());
        Meter.Result r = meter.finish();
        stats.phase = null;
        return r;
    }

    static void sleepUntil(long ns) throws InterruptedException {
        long left;
        while ((left = ns - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
        }
    }

    /** Prints the summary and writes the files. */
    void finish(Report r) throws java.io.IOException {
        if (o.ports != null) {
            r.nodes(o, all);
        }
        r.errors(stats);
        r.print(System.out);
        r.write(o, System.out);
    }

    @Override
    public void close() {
        try {
            client.closeAll(all, 2_000);
            client.close();
        } finally {
            watchdog.close();
        }
    }
}
