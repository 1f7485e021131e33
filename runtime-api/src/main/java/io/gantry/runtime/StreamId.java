package io.gantry.runtime;

/**
 * A custom stream: server code joins users to it and sends to its members, who receive
 * {@code stream_data} and {@code stream_presence_event}. Modes below 20 are Gantry's own.
 */
public record StreamId(int mode, String subject, String subcontext, String label) {

    public static final int MIN_CUSTOM_MODE = 20;

    public StreamId {
        if (mode < MIN_CUSTOM_MODE) {
            throw new IllegalArgumentException("custom stream modes start at " + MIN_CUSTOM_MODE + ", not " + mode);
        }
        subject = subject == null ? "" : subject;
        subcontext = subcontext == null ? "" : subcontext;
        label = label == null ? "" : label;
    }
}
