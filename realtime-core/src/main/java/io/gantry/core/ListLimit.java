package io.gantry.core;

/**
 * The page size of a listing, as Nakama bounds it: 1 to 100. One rule for every listing
 * (channel history, notifications, matches), whichever edge asks.
 */
public final class ListLimit {

    /** The largest page any listing returns. */
    public static final int MAX = 100;
    /** Nakama's words for a limit out of range (and Gantry's for one that is not a number). */
    public static final String MESSAGE = "Invalid limit - limit must be between 1 and 100.";

    private ListLimit() {
    }

    /** Returns {@code limit} if it is 1..{@value #MAX}; refuses it otherwise. */
    public static int check(int limit) throws ServiceException {
        if (limit < 1 || limit > MAX) {
            throw ServiceException.invalidArgument(MESSAGE);
        }
        return limit;
    }
}
