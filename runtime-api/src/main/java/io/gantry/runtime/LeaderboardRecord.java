package io.gantry.runtime;

import java.time.Instant;

/**
 * One owner's record in a leaderboard or tournament period.
 *
 * @param username    the username given with the last write that gave one, or null
 * @param numScore    how many writes it has had
 * @param maxNumScore how many a tournament allows (0: no limit)
 * @param metadata    a JSON object
 * @param expiryTime  the end of its period, or null for a board that never resets
 * @param rank        its 1-based rank, or 0 where ranks are not given
 */
public record LeaderboardRecord(String leaderboardId, String ownerId, String username, long score, long subscore,
                                int numScore, int maxNumScore, String metadata, Instant createTime,
                                Instant updateTime, Instant expiryTime, long rank) {
}
