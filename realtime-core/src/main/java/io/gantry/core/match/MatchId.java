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
        String uuid = value.substring(0, dot);
        try {
            if (!UUID.fromString(uuid).toString().equals(uuid)) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        String node = value.substring(dot + 1);
        if (node.indexOf('.') >= 0 || node.length() > 64) {
            return null;
        }
        return new MatchId(uuid, node);
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
