package io.gantry.runtime;

/**
 * A write of a score to a leaderboard or tournament: {@code writeRecord}'s argument, and what a
 * before hook on a client's write sees (and may change).
 *
 * @param boardId  the leaderboard's or tournament's id
 * @param username stored with the record, or null to keep the record's
 * @param score    at least 0, as the subscore
 * @param metadata a JSON object, or null to keep the record's
 * @param operator overrides the board's operator for this write, or null
 */
public record LeaderboardRecordWrite(String boardId, String ownerId, String username, long score, long subscore,
                                     String metadata, Operator operator) {
}
