package io.gantry.persistence;

import io.gantry.proto.storage.StoredGroup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Groups and their memberships, as Nakama's {@code groups} and {@code group_edge} tables keep
 * them: a group record, and one edge per (group, user) with a state ({@link #SUPERADMIN} 0,
 * {@link #ADMIN} 1, {@link #MEMBER} 2, {@link #JOIN_REQUEST} 3, {@link #BANNED} 4), kept under
 * both the group's key (its user list) and the user's (their group list) in one write.
 *
 * <p>The rules of who may do what are the caller's (the core's group service); this store makes
 * each change atomic: {@link #change} reads the group and the edges a change asks for, lets the
 * caller decide under the group's lock, and writes everything it decided in one batch. The
 * group's {@code edge_count} is the store's to keep: it is moved by every edge entering or leaving
 * states 0–2 in the same batch, so it never drifts from the edges, whatever callers do at once.
 *
 * <pre>{@code
 * StoredGroup g = store.groups().create(StoredGroup.newBuilder().setId(id).setCreatorId(alice)
 *         .setName("Knights").setLangTag("en").setMetadata("{}").setMaxCount(100).build());
 * boolean joined = store.groups().change(g.getId(), m -> {
 *     if (m.group() == null || m.state(bob) != NONE) return false;
 *     m.setState(bob, m.group().getOpen() ? MEMBER : JOIN_REQUEST);
 *     return true;
 * });
 * }</pre>
 *
 * <p>Ids are canonical UUID strings; whether a user exists is the caller's business.
 * Threads: any blocking thread; changes of one group are serialized.
 */
public interface GroupStore {

    int SUPERADMIN = 0;
    int ADMIN = 1;
    int MEMBER = 2;
    int JOIN_REQUEST = 3;
    int BANNED = 4;
    /** {@link Membership#state} of a user with no edge to the group. */
    int NONE = -1;
    /** A listing's state filter for every state but {@link #BANNED}. */
    int ALL_BUT_BANNED = -1;

    /** One edge: {@code userId}'s membership of {@code groupId}. */
    record Member(String groupId, String userId, int state, long position, Instant updateTime) {
    }

    /** A page of edges; {@code cursor} is null when no edge follows. */
    record MemberPage(List<Member> members, String cursor) {
    }

    /** A page of groups; {@code cursor} is null when no group follows. */
    record GroupPage(List<StoredGroup> groups, String cursor) {
    }

    /**
     * What {@link #list} keeps; a null field does not filter.
     *
     * @param namePattern case-insensitive pattern as SQL {@code ILIKE} reads it: {@code %} any run
     *                    of characters, {@code _} one character, {@code \} makes the next character
     *                    literal (PostgreSQL's default escape), everything else literal
     * @param langTag     exact, case-sensitive
     * @param open        open or closed groups only
     * @param maxMembers  groups whose edge count is at most this
     */
    record Filter(String namePattern, String langTag, Boolean open, Integer maxMembers) {
        public static final Filter NONE = new Filter(null, null, null, null);
    }

    /**
     * The view of one group that a {@link #change} decides on, valid only inside that call. Reads
     * see the change's own writes.
     */
    interface Membership {

        /** The group as it is now (with this change's update), or null if there is no such group. */
        StoredGroup group();

        /** The user's state in the group, or {@link #NONE}. */
        int state(String userId);

        /** The users in {@code state}, by position (the order of the group's user list). */
        List<String> usersIn(int state);

        /**
         * Gives the user this state: a new edge at the end of its state's list, or a changed one
         * keeping its position (a ban excepted: it goes to the end of the banned list, as Nakama
         * re-inserts a banned edge). Setting the state it already has changes nothing.
         */
        void setState(String userId, int state);

        /** Removes the user's edge, if any. */
        void remove(String userId);

        /**
         * Replaces the group's fields (all but id, creator, edge count and create time, which the
         * store keeps). A changed name must be free, or {@link #change} throws
         * {@link GroupNameTakenException} and writes nothing.
         */
        void update(StoredGroup group);

        /** Deletes the group and every edge of it. */
        void delete();
    }

    /** A decision on one group, made under its lock; may throw to write nothing. */
    @FunctionalInterface
    interface Change<T, E extends Exception> {
        T apply(Membership membership) throws E;
    }

    /**
     * Stores a new group whose creator is its superadmin (edge count 1). The group's id must be new;
     * {@code edge_count} and times are set by the store.
     *
     * @return the group as stored
     * @throws GroupNameTakenException if a group already has this exact name (unchecked)
     */
    StoredGroup create(StoredGroup group);

    /** The group, if it exists. */
    Optional<StoredGroup> get(String groupId);

    /**
     * Runs {@code change} on the group under its lock and writes what it decided in one batch: edges
     * in both directions, the group's edge count and update time. When {@code change} throws, or a
     * renamed group's name is taken ({@link GroupNameTakenException}), nothing is written.
     */
    <T, E extends Exception> T change(String groupId, Change<T, E> change) throws E;

    /** {@code userId}'s state in the group, or {@link #NONE} (no edge, or no such group). */
    int state(String groupId, String userId);

    /**
     * A page of the group's users in {@code state} ({@link #ALL_BUT_BANNED}: states 0–3), by state
     * then position, {@code limit} at most, after {@code cursor} (null or "" first).
     *
     * @throws InvalidCursorException if the cursor was not made by this store for this listing
     */
    MemberPage listUsers(String groupId, int state, int limit, String cursor) throws InvalidCursorException;

    /**
     * A page of the user's groups in {@code state} ({@link #ALL_BUT_BANNED}: states 0–3; banned
     * groups are never listed), by state then position (when the user got that state).
     *
     * @throws InvalidCursorException if the cursor was not made by this store for this listing
     */
    MemberPage listUserGroups(String userId, int state, int limit, String cursor) throws InvalidCursorException;

    /**
     * A page of groups that pass {@code filter}, in Nakama's orders where it has one: with a name
     * pattern, by lower-cased name then id; otherwise with {@code maxMembers}, by edge count then id,
     * both descending (the largest groups at most that size first); with a language alone, by edge
     * count then id ascending; with neither, by lower-cased name then id.
     *
     * @throws InvalidCursorException if the cursor was not made by this store for this filter
     * @throws IllegalArgumentException if a name is matched up to a trailing lone {@code \} of the
     *                                  pattern (PostgreSQL fails such a query; Nakama answers 500
     *                                  "Error while trying to list groups.")
     */
    GroupPage list(Filter filter, int limit, String cursor) throws InvalidCursorException;
}
