package io.gantry.runtime;

import java.util.List;

/**
 * Tournaments, from server code: leaderboards that accept scores in windows ({@code duration}
 * seconds from each start, each period named by the reset schedule), with an optional size limit,
 * a limit of writes per owner and period, and an optional join. Rules and messages are Nakama's;
 * server code is not bound by {@code authoritative}.
 *
 * <pre>{@code
 * server.tournaments().create(new TournamentCreate("weekly-cup", false, SortOrder.DESCENDING,
 *         Operator.BEST, "0 0 * * 1", null, "Weekly cup", "Best score of the week", 1,
 *         0, 0, 7 * 24 * 3600, 0, 0, true));
 * server.tournaments().join("weekly-cup", userId, "alice");
 * }</pre>
 *
 * Every refusal is a {@link RefusedException} with the code and message a client would get.
 * Thread-safe; writes block until durable.
 */
public interface Tournaments {

    /**
     * Creates the tournament; creating an id that is already a tournament changes nothing and
     * answers it (an id that is a leaderboard is refused).
     */
    Tournament create(TournamentCreate create);

    /** Deletes the tournament and every record of it; nothing if there is no such tournament. */
    void delete(String id);

    /** The tournaments of these ids that exist, in that order (repeats once). */
    List<Tournament> get(List<String> ids);

    /** A page of tournaments, as a client lists them. */
    TournamentPage list(TournamentListRequest request);

    /** The owner joins (a record with no score; nothing if already joined or no join is required). */
    void join(String id, String ownerId, String username);

    /** Gives the owner {@code count} more writes in the current period (may be negative). */
    void addAttempt(String id, String ownerId, int count);

    /** Writes a score in the current window; answers the record with its rank. */
    LeaderboardRecord writeRecord(LeaderboardRecordWrite write);

    /** Deletes the owner's record in the current period, if any. */
    void deleteRecord(String id, String ownerId);

    /** A page of records in rank order, and the given owners' records. */
    LeaderboardRecordPage listRecords(LeaderboardRecordsRequest request);

    /** A page of records around the owner's. */
    LeaderboardRecordPage listRecordsAroundOwner(AroundOwnerRequest request);
}
