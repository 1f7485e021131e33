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

    /**
     * The lower-case 8-4-4-4-12 form of a UUID in any form Nakama's Go parser (gofrs/uuid
     * {@code FromString}) accepts, or null: 8-4-4-4-12, 32 hex digits, either in braces, or with a
     * {@code urn:uuid:} prefix; hex digits of either case.
     */
    public static String parseAsNakama(String value) {
        if (value == null) {
            return null;
        }
        String text = value;
        if (text.length() == 45 && text.regionMatches(true, 0, "urn:uuid:", 0, 9)) {
            text = text.substring(9);
        } else if (text.length() == 38 && text.charAt(0) == '{' && text.charAt(37) == '}') {
            text = text.substring(1, 37);
        } else if (text.length() == 34 && text.charAt(0) == '{' && text.charAt(33) == '}') {
            text = text.substring(1, 33);
        }
        if (text.length() == 32) {
            for (int i = 0; i < 32; i++) {
                if (Character.digit(text.charAt(i), 16) < 0) {
                    return null;
                }
            }
            text = text.substring(0, 8) + '-' + text.substring(8, 12) + '-' + text.substring(12, 16) + '-'
                    + text.substring(16, 20) + '-' + text.substring(20);
        }
        if (text.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return null;
            }
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }
}
