package io.gantry.matchmaker;

/**
 * @param intervalMs     how often the pool is processed
 * @param maxIntervals   intervals a ticket waits for a full group before any valid size will do
 * @param maxTickets     tickets one session (or party) may hold at once
 * @param revPrecision   whether every member's query must accept every other member too
 * @param queueSize      commands that may wait for the matchmaker thread (adds beyond it are refused)
 */
public record MatchmakerSettings(long intervalMs, int maxIntervals, int maxTickets, boolean revPrecision, int queueSize) {

    /** Most string or numeric properties one ticket may carry. */
    public static final int MAX_PROPERTIES = 32;
    public static final int MAX_PROPERTY_KEY_LENGTH = 64;
    public static final int MAX_PROPERTY_VALUE_LENGTH = 256;
    public static final int MAX_QUERY_LENGTH = 1024;
    /** Largest group the matchmaker forms. */
    public static final int MAX_COUNT = 100;

    public static MatchmakerSettings defaults() {
        return new MatchmakerSettings(15_000, 2, 3, false, 65_536);
    }
}
