package io.gantry.core;

import java.util.UUID;

/** Checks of the UUIDs clients send as user, message, channel and party ids. */
public final class Uuids {

    private Uuids() {
    }

    /** Whether a value is a UUID exactly as Gantry writes them: 8-4-4-4-12, lower case. */
    public static boolean isCanonical(String value) {
        return value != null && value.equals(canonical(value));
    }

    /** The lower-case form of a UUID given in the 8-4-4-4-12 form (either case), or null. */
    public static String canonical(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            String canonical = UUID.fromString(value).toString();
            return canonical.equalsIgnoreCase(value) ? canonical : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
