package io.gantry.core.match;

/**
 * What authoritative matches need from the configuration.
 *
 * @param inputQueueSize messages from players a match holds for its next tick; more are refused
 *                       and the sender is told ({@code match.input_queue_size})
 * @param maxEmptySec    seconds a match may have no player before it is ended; 0 is no limit
 *                       ({@code match.max_empty_sec})
 */
public record MatchSettings(int inputQueueSize, long maxEmptySec) {

    /** Nakama's defaults: 128 queued messages, no limit on empty matches. */
    public static final MatchSettings DEFAULTS = new MatchSettings(128, 0);

    /** The longest label a match may have, in characters, as in Nakama. */
    public static final int MAX_LABEL_LENGTH = 2048;

    /** The slowest and fastest tick rates, in ticks per second. */
    public static final int MIN_TICK_RATE = 1;
    public static final int MAX_TICK_RATE = 60;

    public MatchSettings {
        if (inputQueueSize < 1) {
            throw new IllegalArgumentException("input queue size must be at least 1, not " + inputQueueSize);
        }
        if (maxEmptySec < 0) {
            throw new IllegalArgumentException("max empty seconds must not be negative, not " + maxEmptySec);
        }
    }
}
