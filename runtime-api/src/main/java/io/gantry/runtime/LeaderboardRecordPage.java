package io.gantry.runtime;

import java.util.List;

/**
 * A page of a leaderboard's or tournament's records.
 *
 * @param records      the page, in rank order
 * @param ownerRecords the records of the owners asked for, wherever they rank
 * @param nextCursor   the following page, or null
 * @param prevCursor   the page before, or null
 * @param rankCount    how many records the period holds
 */
public record LeaderboardRecordPage(List<LeaderboardRecord> records, List<LeaderboardRecord> ownerRecords,
                                    String nextCursor, String prevCursor, long rankCount) {
}
