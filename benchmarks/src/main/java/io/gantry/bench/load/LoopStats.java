package io.gantry.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and the latency recorder of one event loop. Only that loop's thread writes them
 * (plain ordered stores, no read-modify-write contention); the reporter thread reads them.
 */
final class LoopStats {
    /** Latencies are recorded in microseconds, up to an hour. */
    static final long HIGHEST_US = 3_600_000_000L;
    static final int DIGITS = 3;

    final SingleWriterRecorder latency = new SingleWriterRecorder(1, HIGHEST_US, DIGITS);
    /** Messages sent in the measured window. */
    final AtomicLong sent = new AtomicLong();
    /** Deliveries those sends should cause (the sum of their fan-outs). */
    final AtomicLong expected = new AtomicLong();
    /** Deliveries of messages sent in the measured window, received before the drain deadline. */
    final AtomicLong delivered = new AtomicLong();
    /** Deliveries of measured messages that arrived after the drain deadline (not counted). */
    final AtomicLong late = new AtomicLong();
    /** Deliveries of messages sent during warm-up or another phase, or not carrying our payload. */
    final AtomicLong ignored = new AtomicLong();

    static void inc(AtomicLong a) {
        a.lazySet(a.get() + 1);
    }

    static void add(AtomicLong a, long n) {
        a.lazySet(a.get() + n);
    }

    void recordLatency(long micros, long expectedIntervalUs) {
        long v = Math.min(Math.max(micros, 0), HIGHEST_US);
        if (expectedIntervalUs > 0) {
            latency.recordValueWithExpectedInterval(v, expectedIntervalUs);
        } else {
            latency.recordValue(v);
        }
    }

    /** Resets everything; call on the owning loop's thread. */
    void reset() {
        latency.reset();
        sent.set(0);
        expected.set(0);
        delivered.set(0);
        late.set(0);
        ignored.set(0);
    }

    Histogram interval(Histogram recycle) {
        return latency.getIntervalHistogram(recycle);
    }
}
