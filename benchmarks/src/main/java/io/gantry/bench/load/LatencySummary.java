package io.gantry.bench.load;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/** Percentiles of a latency histogram recorded in microseconds, reported in milliseconds. */
record LatencySummary(long count, double p50, double p90, double p99, double p999, double max, double mean) {

    static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1000.0);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("p50", round3(p50));
        m.put("p90", round3(p90));
        m.put("p99", round3(p99));
        m.put("p99_9", round3(p999));
        m.put("max", round3(max));
        m.put("mean", round3(mean));
        return m;
    }

    static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    String line() {
        if (count == 0) {
            return "no samples";
        }
        return String.format("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (ms, %d samples)",
                fmt(p50), fmt(p90), fmt(p99), fmt(p999), fmt(max), count);
    }

    static String fmt(double ms) {
        if (ms >= 100) {
            return String.format("%.0f", ms);
        }
        if (ms >= 10) {
            return String.format("%.1f", ms);
        }
        return String.format("%.2f", ms);
    }
}
