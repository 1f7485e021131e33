package io.gantry.core;

import com.google.protobuf.Timestamp;

/**
 * Times as clients see them. Nakama answers whole seconds everywhere a client reads a time
 * (messages, notifications, accounts: its {@code time.Now().Unix()} and second-precision columns),
 * so Gantry truncates its finer stored times the same way; the stored times keep their precision
 * (history order within a second, cursors).
 */
public final class ApiTimes {

    private ApiTimes() {
    }

    /** The whole second of an epoch time in microseconds, rounded down. */
    public static Timestamp ofMicros(long epochMicros) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMicros, 1_000_000L)).build();
    }

    /** The whole second of an epoch time in milliseconds, rounded down. */
    public static Timestamp ofMillis(long epochMillis) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochMillis, 1_000L)).build();
    }
}
