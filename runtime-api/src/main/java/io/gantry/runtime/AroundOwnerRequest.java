package io.gantry.runtime;

/**
 * A page of a leaderboard's or tournament's records around one owner's.
 *
 * @param limit  1–100, or null for the default (1 for a leaderboard, 100 for a tournament)
 * @param cursor from a previous page, or null
 * @param expiry the period (its expiry, epoch seconds), or 0 for the current one
 */
public record AroundOwnerRequest(String boardId, String ownerId, Integer limit, String cursor, long expiry) {
}
