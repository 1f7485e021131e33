package io.gantry.core.channel;

/**
 * @param maxContentBytes largest message content accepted, in UTF-8 bytes
 * @param dedupWindowMs   how long a client message id is remembered for retry-safe sends; 0 turns it off
 * @param maxDedupEntries most client message ids remembered at once (oldest forgotten first)
 */
public record ChannelSettings(int maxContentBytes, long dedupWindowMs, int maxDedupEntries) {

    /** Largest message content, in UTF-8 bytes, whatever the socket's frame limit. */
    public static final int MAX_CONTENT_BYTES = 4096;

    public static ChannelSettings defaults() {
        return new ChannelSettings(4096, 300_000, 200_000);
    }
}
