package io.gantry.runtime;

import java.util.List;

/**
 * Leaderboards, from server code: created here (clients cannot create them), written and read
 * with a client's rules and messages (Nakama's), but as the server: an authoritative board
 * accepts writes and deletions only from here.
 *
 * <pre>{@code
 * server.leaderboards().create(new LeaderboardCreate("weekly", false, SortOrder.DESCENDING,
 *         Operator.BEST, "0 0 * * 1", null));                       // resets every Monday 00:00 UTC
 * LeaderboardRecord r = server.leaderboards().writeRecord(
 *         new LeaderboardRecordWrite("weekly", userId, "alice", 120, 0, null, null));
 * LeaderboardRecordPage top = server.leaderboards().listRecords(
 *         new LeaderboardRecordsRequest("weekly", List.of(), 10, null, 0));
 * }</pre>
 *
 * Every refusal is a {@link RefusedException} with the code and message a client would get.
 * Thread-safe; writes block until durable, so call them from an RPC or hook, not a match tick.
 */
public interface Leaderboards {

    /**
     * Creates the board; as in Nakama, creating an id that exists changes nothing and answers the
     * existing board.
     */
    Leaderboard create(LeaderboardCreate create);

    /** Deletes the board and every record of it; nothing if there is no such board. */
    void delete(String id);

    /** The boards of these ids that exist (tournaments are not leaderboards here), in that order. */
    List<Leaderboard> get(List<String> ids);

    /** Writes a score with the board's operator (or the write's override); answers the record with its rank. */
    LeaderboardRecord writeRecord(LeaderboardRecordWrite write);

    /** Deletes the owner's record in the current period, if any. */
    void deleteRecord(String boardId, String ownerId);

    /** A page of records in rank order, and the given owners' records. */
    LeaderboardRecordPage listRecords(LeaderboardRecordsRequest request);

    /** A page of records around the owner's. */
    LeaderboardRecordPage listRecordsAroundOwner(AroundOwnerRequest request);
}
