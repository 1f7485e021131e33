package io.gantry.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The arithmetic of the summary: percentiles, coordinated-omission correction, loss, phases. */
class SummaryMathTest {

    @Test
    void percentilesOfAKnownDistribution() {
        Histogram h = Stats.newHistogram();
        for (int us = 1; us <= 10_000; us++) { // 1 µs .. 10 ms, uniformly
            h.recordValue(us);
        }
        LatencySummary s = LatencySummary.of(h);
        assertEquals(10_000, s.count());
        assertEquals(5.0, s.p50(), 0.01);
        assertEquals(9.0, s.p90(), 0.01);
        assertEquals(9.9, s.p99(), 0.01);
        assertEquals(9.99, s.p999(), 0.01);
        assertEquals(10.0, s.max(), 0.01);
        assertEquals(5.0, s.mean(), 0.01);
    }

    @Test
    void emptyHistogramSummarisesToZeros() {
        LatencySummary s = LatencySummary.of(Stats.newHistogram());
        assertEquals(0, s.count());
        assertEquals("no samples", s.line());
    }

    @Test
    void aStallIsBackFilledAtTheExpectedInterval() {
        // One sample 1 s late at 10 Hz (100 ms apart): the samples a stalled sender could not take
        // are added (900, 800, …, 100 ms), as HdrHistogram's coordinated-omission correction does.
        LoopStats loop = new LoopStats();
        loop.recordLatency(1_000_000, 100_000);
        Histogram h = loop.interval(null);
        assertEquals(10, h.getTotalCount());
        assertEquals(1_000_000, h.getMaxValue(), 1_000);
        assertEquals(100_000, h.getMinValue(), 100);
        // below the interval nothing is added
        loop.recordLatency(50_000, 100_000);
        assertEquals(1, loop.interval(null).getTotalCount());
        // no interval (pings, matchmaking): plain recording; values clamp to the histogram's range
        loop.recordLatency(-5, 0);
        loop.recordLatency(Long.MAX_VALUE, 0);
        Histogram c = loop.interval(null);
        assertEquals(2, c.getTotalCount());
        assertEquals(LoopStats.HIGHEST_US, c.getMaxValue(), LoopStats.HIGHEST_US / 500);
    }

    @Test
    void phaseWindows() {
        Phase p = Phase.starting(1_000_000_000L, 2, 10, 2, 20);
        assertEquals(3_000_000_000L, p.measureStartNs());
        assertEquals(13_000_000_000L, p.sendStopNs());
        assertEquals(15_000_000_000L, p.drainEndNs());
        assertEquals(50_000, p.expectedIntervalUs());
        assertEquals(10.0, p.measuredSeconds(), 1e-9);
        assertFalse(p.measures(2_999_999_999L), "warm-up sends are not measured");
        assertTrue(p.measures(3_000_000_000L));
        assertFalse(p.measures(13_000_000_000L));
    }

    @Test
    void lossCountsOnlyMissingDeliveries() {
        Meter.Result r = new Meter.Result(0, 10, 1000, 3000, 2990, 4, 0, LatencySummary.of(Stats.newHistogram()),
                Stats.newHistogram(), List.of(), -1, -1, -1, -1);
        assertEquals(10, r.lost());
        assertEquals(0, r.extra());
        assertEquals(100.0, r.sentPerSec(), 1e-9);
        assertEquals(299.0, r.deliveredPerSec(), 1e-9);
        Meter.Result over = new Meter.Result(0, 1, 1, 2, 3, 0, 0, LatencySummary.of(Stats.newHistogram()),
                Stats.newHistogram(), List.of(), -1, -1, -1, -1);
        assertEquals(0, over.lost());
        assertEquals(1, over.extra());
    }

    @Test
    void deliveriesOutsideTheWindowAreNotCounted() throws Exception {
        io.netty.channel.nio.NioEventLoopGroup g = new io.netty.channel.nio.NioEventLoopGroup(1);
        try {
            Stats stats = new Stats(g);
            LoopStats s = stats.loops.get(0);
            long now = System.nanoTime();
            stats.phase = new Phase(now - 2_000_000_000L, now - 1_000_000_000L, now + 1_000_000_000L, now + 2_000_000_000L, 0);
            stats.sent(s, now - 1_500_000_000L, 3);   // warm-up
            stats.sent(s, now - 500_000_000L, 3);     // measured
            stats.deliver(s, now - 1_500_000_000L);   // of a warm-up send
            stats.deliver(s, now - 500_000_000L);
            stats.deliver(s, Long.MIN_VALUE);         // not our payload
            assertEquals(1, s.sent.get());
            assertEquals(3, s.expected.get());
            assertEquals(1, s.delivered.get());
            assertEquals(2, s.ignored.get());
            stats.phase = new Phase(now - 4_000_000_000L, now - 3_000_000_000L, now - 2_000_000_000L, now - 1_000_000_000L, 0);
            stats.deliver(s, now - 2_500_000_000L);   // measured, but after the drain deadline
            assertEquals(1, s.late.get());
            stats.error("close 1008", "slow consumer");
            stats.error("close 1008", "other");
            Object[] e = stats.errors().get("close 1008");
            assertEquals(2L, e[0]);
            assertEquals("slow consumer", e[1]);
        } finally {
            g.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void jsonWriterWritesNumbersStringsAndNesting() {
        String j = Json.write(Map.of("a", List.of(1, 2.5, "x\"y"), "b", Map.of("c", Double.NaN)));
        assertTrue(j.contains("[1, 2.5, \"x\\\"y\"]"), j);
        assertTrue(j.contains("\"c\": null"), j);
        assertEquals("3\n", Json.write(3.0));
    }
}
