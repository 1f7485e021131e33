package io.gantry.persistence;

import java.time.Instant;
import java.util.List;

/**
 * Friend edges, as Nakama's {@code user_edge} table keeps them: one directed edge per ordered pair
 * of users, {@code user → other} with a state ({@link #FRIEND} 0, {@link #INVITE_SENT} 1,
 * {@link #INVITE_RECEIVED} 2, {@link #BLOCKED} 3), a position that orders a user's list (by state,
 * then position: about the time the edge got its state, kept when an invite is accepted or a
 * friend blocked) and an update time. Every call changes both directions of a pair at once.
 *
 * <pre>{@code
 * FriendStore.AddResult r = store.friends().add(alice, bob);   // INVITED: alice 1 → bob, bob 2 → alice
 * store.friends().add(bob, alice);                              // ACCEPTED: both 0
 * FriendStore.Page page = store.friends().list(alice, -1, 100, null);
 * }</pre>
 *
 * <p>Ids are canonical UUID strings; whether the other user exists is the caller's business.
 * Threads: any blocking thread; writes of one store are serialized.
 */
public interface FriendStore {

    int FRIEND = 0;
    int INVITE_SENT = 1;
    int INVITE_RECEIVED = 2;
    int BLOCKED = 3;

    /** One edge of {@code userId}'s list. */
    record Edge(String userId, String otherId, int state, long position, Instant updateTime) {
    }

    /** A page of a list; {@code cursor} is null when no edge follows. */
    record Page(List<Edge> edges, String cursor) {
    }

    /** Whose edge counts a {@link #delete} or {@link #block} changed: the caller's, the other's. */
    record Counts(boolean user, boolean other) {
    }

    /** What {@link #add} did. */
    enum AddResult {
        /** New invite: user → other is 1, other → user is 2 (both edge counts grow). */
        INVITED,
        /** The other's invite accepted: both edges are 0. */
        ACCEPTED,
        /** Nothing changed: an invite already sent, already friends, or a block on either side. */
        UNCHANGED
    }

    /**
     * {@code userId} adds {@code otherId}: accepts the other's invite, or invites. Nothing happens
     * when the user already invited or befriended the other, blocked it, or is blocked by it.
     */
    AddResult add(String userId, String otherId);

    /**
     * Removes {@code userId}'s edge to {@code otherId} (a friend, an invite either way, or the
     * user's block) and the other's edge to the user unless that edge is the other's block.
     * Returns whose edges were removed.
     */
    Counts delete(String userId, String otherId);

    /**
     * {@code userId} blocks {@code otherId}: the user's edge becomes 3 whatever it was (keeping its
     * position when it existed) and the other's edge to the user is deleted. Returns whose edge
     * counts changed.
     */
    Counts block(String userId, String otherId);

    /**
     * {@code userId}'s edges of {@code state} (or all when {@code state} is -1), by state then
     * position, {@code limit} at most, after {@code cursor} (null or "" for the first page).
     *
     * @throws InvalidCursorException if the cursor was not made by this store for this listing
     */
    Page list(String userId, int state, int limit, String cursor) throws InvalidCursorException;

    /** {@code userId}'s edge to {@code otherId}: its state, or -1 when there is none. */
    int state(String userId, String otherId);

    /** How many edges go out of {@code userId}, whatever their state. */
    int count(String userId);
}
