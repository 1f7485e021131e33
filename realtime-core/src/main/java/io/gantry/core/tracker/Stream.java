package io.gantry.core.tracker;

import java.util.Objects;

/**
 * A stream of the presence tracker: everything that has members is one (a chat channel, a
 * match, a party, a user's status or notifications). Modes below 20 are Gantry's own, numbered
 * as in Nakama; server code may use modes from 20 up for custom streams.
 */
public record Stream(int mode, String subject, String subcontext, String label) {

    public static final int MODE_NOTIFICATIONS = 0;
    public static final int MODE_STATUS = 1;
    public static final int MODE_CHANNEL = 2;
    public static final int MODE_GROUP = 3;
    public static final int MODE_DM = 4;
    public static final int MODE_MATCH_RELAYED = 5;
    public static final int MODE_MATCH_AUTHORITATIVE = 6;
    public static final int MODE_PARTY = 7;
    /** The lowest mode server code may use for its own streams. */
    public static final int MODE_CUSTOM_MIN = 20;

    public Stream {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(subcontext, "subcontext");
        Objects.requireNonNull(label, "label");
    }

    public static Stream of(int mode, String subject) {
        return new Stream(mode, subject, "", "");
    }
}
