package io.gantry.bench.jmh;

import io.gantry.core.match.MatchListing;
import io.gantry.core.match.MatchRegistry;
import io.gantry.core.match.MatchService;
import io.gantry.core.match.MatchSettings;
import io.gantry.core.match.MatchWorkers;
import io.gantry.core.router.Router;
import io.gantry.core.runtime.RuntimeRegistry;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * How many idle authoritative matches at 10 Hz one server holds: creates matches (a handler whose
 * loop does nothing) in batches, and after each batch measures for a few seconds how late ticks
 * start against their schedule, the process's CPU use and its resident memory. Stops when the
 * p99 lateness passes 50 ms, the heap is 85 % full, the CPU is saturated (95 % of every core),
 * or the time budget runs out. The match runtime is the server's (router, match service,
 * registry, one lane per core); there are no sockets, since idle matches have no players.
 *
 * <pre>
 * mvn -q -B -o -pl benchmarks package -DskipTests
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar io.gantry.bench.jmh.IdleMatchCapacity [batch] [max seconds] [measure seconds] [initial matches]
 * </pre>
 */
public final class IdleMatchCapacity {

    /** A match that only ticks. */
    static final class IdleMatch implements MatchHandler<Object> {
        private static final Object STATE = new Object();

        @Override
        public MatchInit<Object> init(MatchContext ctx, Map<String, Object> params) {
            return new MatchInit<>(STATE, 10, "{\"idle\":true}");
        }

        @Override
        public Object join(MatchContext ctx, MatchDispatcher d, long tick, Object state, List<Presence> presences) {
            return state;
        }

        @Override
        public Object leave(MatchContext ctx, MatchDispatcher d, long tick, Object state, List<Presence> presences) {
            return state;
        }

        @Override
        public Object loop(MatchContext ctx, MatchDispatcher d, long tick, Object state, List<MatchMessage> messages) {
            return state;
        }

        @Override
        public Object terminate(MatchContext ctx, MatchDispatcher d, long tick, Object state, int graceSeconds) {
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long maxSeconds = args.length > 1 ? Long.parseLong(args[1]) : 120;
        long measureSeconds = args.length > 2 ? Long.parseLong(args[2]) : 2;
        int initial = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        long limitNanos = TimeUnit.MILLISECONDS.toNanos(50);
        int cores = Runtime.getRuntime().availableProcessors();

        // one recorder per lane thread: a shared one would make the lanes fight over its counters
        List<Recorder> recorders = new java.util.concurrent.CopyOnWriteArrayList<>();
        ThreadLocal<Recorder> laneRecorder = ThreadLocal.withInitial(() -> {
            Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
            recorders.add(recorder);
            return recorder;
        });
        MatchWorkers workers = new MatchWorkers(cores, MatchWorkers.STUCK_CALL_NANOS,
                (scheduled, started) -> laneRecorder.get().recordValue(Math.max(0, started - scheduled)));
        Router router = new Router(65536);
        MatchListing listing = new MatchListing();
        MatchService service = new MatchService(router, listing, "bench", null);
        router.start();
        RuntimeRegistry runtime = new RuntimeRegistry().match("idle", IdleMatch::new);
        runtime.seal();
        MatchRegistry registry = new MatchRegistry(runtime, service, router, listing, workers, MatchSettings.DEFAULTS, null);
        ExecutorService creators = Executors.newFixedThreadPool(4);
        // as the server does: the listing is republished every label update interval
        java.util.concurrent.ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        publisher.scheduleWithFixedDelay(listing::publish, 1, 1, TimeUnit.SECONDS);

        System.out.printf("idle authoritative matches at 10 Hz; %d lanes (cores), heap max %d MB, batches of %d, %d s per measure%n",
                workers.size(), Runtime.getRuntime().maxMemory() >> 20, batch, measureSeconds);
        System.out.printf("%9s %12s %12s %12s %8s %10s %10s%n", "matches", "late p50 ms", "late p99 ms", "late max ms",
                "cpu %", "heap MB", "rss MB");
        long start = System.nanoTime();
        for (int i = 0; i < initial; i++) {
            registry.create("idle", Map.of()); // a head start, so the budget is spent near the limit
        }
        String stop = "time budget of " + maxSeconds + " s";
        int lastGood = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(maxSeconds)) {
            List<Future<?>> created = new ArrayList<>();
            int perThread = batch / 4;
            for (int t = 0; t < 4; t++) {
                int count = t == 3 ? batch - 3 * perThread : perThread;
                created.add(creators.submit(() -> {
                    for (int i = 0; i < count; i++) {
                        registry.create("idle", Map.of());
                    }
                }));
            }
            for (Future<?> f : created) {
                f.get();
            }
            int matches = registry.count();
            Thread.sleep(500); // let the new matches settle into their phase
            recorders.forEach(Recorder::getIntervalHistogram); // reset
            long cpuBefore = processCpuNanos();
            long wallBefore = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(measureSeconds));
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            recorders.forEach(r -> h.add(r.getIntervalHistogram()));
            double cpu = 100.0 * (processCpuNanos() - cpuBefore) / (System.nanoTime() - wallBefore);
            long heapUsed = heapUsed();
            System.out.printf("%9d %12.2f %12.2f %12.2f %8.0f %10d %10d%n", matches,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6,
                    cpu, heapUsed >> 20, rssBytes() >> 20);
            if (h.getValueAtPercentile(99) > limitNanos) {
                stop = "p99 tick lateness over 50 ms";
                break;
            }
            lastGood = matches;
            if (heapUsed > Runtime.getRuntime().maxMemory() * 0.85) {
                stop = "heap 85 % full";
                break;
            }
            if (cpu > 95.0 * cores) {
                stop = "CPU saturated";
                break;
            }
        }
        System.out.printf("stopped: %s; last count within limits: %d matches (%d s)%n", stop, lastGood,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        creators.shutdownNow();
        publisher.shutdownNow();
        registry.shutdown(0);
        workers.close();
        router.close();
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static long heapUsed() {
        System.gc(); // what is live, not what awaits collection
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return 0;
    }
}
