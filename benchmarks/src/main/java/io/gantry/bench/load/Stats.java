package io.gantry.bench.load;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** The counters of a run: one {@link LoopStats} per event loop, and the errors by kind. */
final class Stats {
    private final Map<EventExecutor, LoopStats> byLoop = new IdentityHashMap<>();
    final List<LoopStats> loops = new ArrayList<>();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> errorExamples = new ConcurrentHashMap<>();
    /** The phase being measured; deliveries outside it are ignored. */
    volatile Phase phase;

    Stats(EventLoopGroup group) {
        for (EventExecutor e : group) {
            LoopStats s = new LoopStats();
            byLoop.put(e, s);
            loops.add(s);
        }
    }

    LoopStats of(EventLoop loop) {
        LoopStats s = byLoop.get(loop);
        if (s == null) {
            throw new IllegalStateException("event loop not of this run's group");
        }
        return s;
    }

    /** Records one delivery of a message that carried {@code sentNs}; on the receiving loop. */
    void deliver(LoopStats s, long sentNs) {
        Phase p = phase;
        if (sentNs == Long.MIN_VALUE || p == null || !p.measures(sentNs)) {
            LoopStats.inc(s.ignored);
            return;
        }
        long now = System.nanoTime();
        if (now > p.drainEndNs()) {
            LoopStats.inc(s.late);
            return;
        }
        LoopStats.inc(s.delivered);
        s.recordLatency((now - sentNs) / 1000, p.expectedIntervalUs());
    }

    /** Records one send at {@code sentNs} that should reach {@code fanout} receivers; on the sending loop. */
    void sent(LoopStats s, long sentNs, int fanout) {
        Phase p = phase;
        if (p != null && p.measures(sentNs)) {
            LoopStats.inc(s.sent);
            LoopStats.add(s.expected, fanout);
        }
    }

    void error(String kind, String example) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (example != null) {
            errorExamples.putIfAbsent(kind, example);
        }
    }

    long errorCount() {
        long n = 0;
        for (LongAdder a : errors.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Errors by kind: count and the first example seen. */
    Map<String, Object[]> errors() {
        Map<String, Object[]> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, new Object[]{v.sum(), errorExamples.get(k)}));
        return out;
    }

    long sum(java.util.function.Function<LoopStats, java.util.concurrent.atomic.AtomicLong> f) {
        long n = 0;
        for (LoopStats s : loops) {
            n += f.apply(s).get();
        }
        return n;
    }

    /** Everything recorded since the last call, from every loop. */
    Histogram takeInterval(Histogram into, Histogram[] recycle) {
        into.reset();
        for (int i = 0; i < loops.size(); i++) {
            recycle[i] = loops.get(i).interval(recycle[i]);
            into.add(recycle[i]);
        }
        return into;
    }

    /** Resets every loop's counters on its own thread, then sets the phase. */
    void startPhase(EventLoopGroup group, Phase p) throws InterruptedException {
        phase = null;
        for (Map.Entry<EventExecutor, LoopStats> e : byLoop.entrySet()) {
            e.getKey().submit(e.getValue()::reset).await(10, TimeUnit.SECONDS);
        }
        phase = p;
    }

    static Histogram newHistogram() {
        return new Histogram(1, LoopStats.HIGHEST_US, LoopStats.DIGITS);
    }
}
