package io.gantry.persistence;

import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;

import java.util.List;
import java.util.Optional;

/**
 * Leaderboards and tournaments and their records, as Nakama's {@code leaderboard} and
 * {@code leaderboard_record} tables keep them: a board (a tournament is a board with a duration),
 * and one record per (board, period, owner), a period being named by its expiry time in epoch
 * seconds (0 for a board that never resets).
 *
 * <p>The rules (operators, windows, max scores, who may write) are the caller's (the core's
 * leaderboard service); this store makes each change atomic: {@link #change} reads one owner's
 * record, lets the caller decide under the board's lock, and writes what it decided in one batch,
 * together with the tournament's size when the decision grows it. Changes of one board are
 * serialized, so what a caller keeps beside the store (the in-memory ranks) can be updated in
 * {@link RecordChange#written} in the very order of the writes.
 *
 * <p>Records are not ordered by score here: ordered pages come from the caller's rank index,
 * which {@link #forEachRecord} rebuilds at start-up; this store answers by key.
 *
 * <pre>{@code
 * store.leaderboards().create(StoredLeaderboard.newBuilder().setId("weekly").setSortOrder(1).build());
 * StoredLeaderboardRecord r = store.leaderboards().change("weekly", expiry, alice, new RecordChange<>() {
 *     public StoredLeaderboardRecord decide(RecordView v) {
 *         StoredLeaderboardRecord next = ...;      // from v.record() and the write
 *         v.put(next);
 *         return next;
 *     }
 *     public void written(StoredLeaderboardRecord next) { ranks.put(alice, next.getScore(), next.getSubscore()); }
 * });
 * }</pre>
 *
 * <p>Owner ids are canonical UUID strings. Durability: a call returns once what it wrote is
 * durable (the store's WAL sync, shared by concurrent writers). Threads: any blocking thread.
 */
public interface LeaderboardStore {

    /** The result of {@link #create}: the stored board, and whether this call stored it. */
    record Created(StoredLeaderboard board, boolean created) {
    }

    /** One record as {@link #forEachRecord} reads it at start-up: just what ranks need. */
    @FunctionalInterface
    interface RankVisitor {
        void visit(String ownerId, long score, long subscore);
    }

    /**
     * The view of one owner's record that {@link #change} decides on, valid only inside
     * {@link RecordChange#decide}.
     */
    interface RecordView {

        /** The board as it is now (its size included). Never null inside a change. */
        StoredLeaderboard board();

        /** The owner's record in the change's period, or null if there is none. */
        StoredLeaderboardRecord record();

        /**
         * Stores this record (the key is the change's board, period and owner: the record's
         * leaderboard id, owner id and expiry time are set to those).
         */
        void put(StoredLeaderboardRecord record);

        /** Deletes the owner's record, if any. */
        void delete();

        /**
         * Adds one to the board's size if it is below {@code maxSize} (0: no limit) and answers
         * true, or answers false and changes nothing. Written with the record, in one batch.
         */
        boolean growSize(int maxSize);
    }

    /** A decision on one record, made under its board's lock; may throw to write nothing. */
    interface RecordChange<T, E extends Exception> {

        T decide(RecordView view) throws E;

        /**
         * Called after the batch is committed (before it is durable) and still under the board's
         * lock, with the owner's record as stored (null if it was deleted or there is none, when
         * only the size grew), only if something was written.
         */
        default void written(StoredLeaderboardRecord stored) {
        }
    }

    /**
     * Stores the board if no board has its id (create time set by the store if 0, size 0), as
     * Nakama's creation is idempotent: an existing board is answered as it is, whatever was asked.
     */
    Created create(StoredLeaderboard board);

    /** The board, if it exists. */
    Optional<StoredLeaderboard> board(String id);

    /** Every board, in id order (read at start-up to fill the boards' cache). */
    List<StoredLeaderboard> boards();

    /**
     * Deletes the board and every record of it, in every period.
     *
     * @return whether it existed
     */
    boolean delete(String id);

    /** The owner's record in that period of the board, if any. */
    Optional<StoredLeaderboardRecord> record(String boardId, long expiry, String ownerId);

    /**
     * The records of these owners in that period of the board, in the order of {@code ownerIds},
     * owners with no record skipped (a repeated owner is answered once per mention).
     */
    List<StoredLeaderboardRecord> records(String boardId, long expiry, List<String> ownerIds);

    /**
     * Decides on and writes one owner's record under the board's lock: the change's reads, its
     * decision and its writes are one atomic step, and changes of a board are applied one at a
     * time. Returns once the write is durable.
     *
     * @return what {@link RecordChange#decide} returned
     * @throws E what decide threw (nothing is written)
     * @throws java.util.NoSuchElementException if the board does not exist (nothing is written)
     */
    <T, E extends Exception> T change(String boardId, long expiry, String ownerId, RecordChange<T, E> change) throws E;

    /** Visits every record of that period of the board, in no particular order. */
    void forEachRecord(String boardId, long expiry, RankVisitor visitor);

    /**
     * The periods (expiry times) in which the board has records, ascending: what start-up
     * rebuilds ranks for and what an expiry override may name.
     */
    List<Long> periods(String boardId);

    /**
     * Deletes every record the owner has, in every board and period (an account deletion).
     *
     * @return the deleted records, so that the caller can take them out of its ranks
     */
    List<StoredLeaderboardRecord> deleteAllOf(String ownerId);
}
