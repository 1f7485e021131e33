package io.gantry.core.match;

import java.util.UUID;

/**
 * A match id as Nakama forms it: {@code <uuid>.} for a relayed match, {@code <uuid>.<node>} for
 * an authoritative one.
 */
public record MatchId(String uuid, String node) {

    /** Parses a client's match id; null when it is not one. */
    public static MatchId parse(String value) {
        if (value == null) {
            return null;
        }
        int dot = value.indexOf('.');
        if (dot != 36) {
            return null;
        }
        if (!isCanonicalUuid(value)) {
            return null;
        }
        String uuid = value.substring(0, dot);
        String node = value.substring(dot + 1);
        if (node.indexOf('.') >= 0 || node.length() > 64) {
            return null;
        }
        return new MatchId(uuid, node);
    }

    /**
     * Whether the first 36 characters are a UUID as {@link UUID#toString()} writes it (lower-case
     * hex, dashes at 8, 13, 18 and 23). Checked by hand: this runs for every match message.
     */
    private static boolean isCanonicalUuid(String value) {
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    public static MatchId authoritative(UUID uuid, String node) {
        return new MatchId(uuid.toString(), node);
    }

    public boolean authoritative() {
        return !node.isEmpty();
    }

    /** The id clients use. */
    public String value() {
        return uuid + "." + node;
    }
}
