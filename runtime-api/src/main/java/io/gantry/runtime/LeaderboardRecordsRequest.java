package io.gantry.runtime;

import java.util.List;

/**
 * A listing of a leaderboard's or tournament's records.
 *
 * @param ownerIds whose records to give as {@code ownerRecords} (empty: none)
 * @param limit    1–100, or null for the default (a client's: 1 for a leaderboard, 10 for a
 *                 tournament; none when only owners are asked for)
 * @param cursor   from a previous page, or null
 * @param expiry   the period to list (its expiry, epoch seconds), or 0 for the current one
 */
public record LeaderboardRecordsRequest(String boardId, List<String> ownerIds, Integer limit, String cursor,
                                        long expiry) {
}
