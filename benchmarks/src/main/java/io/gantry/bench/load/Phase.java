package io.gantry.bench.load;

/**
 * The clock of one measured run: senders start at {@code startNs}, what is sent from
 * {@code measureStartNs} (after the warm-up) until {@code sendStopNs} is measured, and its
 * deliveries count until {@code drainEndNs}. All in {@link System#nanoTime()}.
 */
record Phase(long startNs, long measureStartNs, long sendStopNs, long drainEndNs, long expectedIntervalUs) {

    static Phase starting(long startNs, double warmupSec, double durationSec, double drainSec, double rateHz) {
        long measure = startNs + secs(warmupSec);
        long stop = measure + secs(durationSec);
        long interval = rateHz > 0 ? Math.max(1, Math.round(1_000_000.0 / rateHz)) : 0;
        return new Phase(startNs, measure, stop, stop + secs(drainSec), interval);
    }

    static long secs(double s) {
        return Math.round(s * 1e9);
    }

    boolean measures(long sentNs) {
        return sentNs >= measureStartNs && sentNs < sendStopNs;
    }

    double measuredSeconds() {
        return (sendStopNs - measureStartNs) / 1e9;
    }
}
