package io.gantry.runtime;

import java.util.List;

/**
 * Friends, from server code, with the rules a client's calls have (Nakama's messages): invites
 * and accepts notify the other user.
 *
 * <pre>{@code
 * server.friends().add(userId, List.of(otherId), List.of());
 * FriendPage page = server.friends().list(userId, new FriendListRequest(100, Friend.FRIEND, ""));
 * }</pre>
 *
 * Thread-safe; the calls block on the store, so call them from an RPC or hook, not a match tick.
 */
public interface Friends {

    /**
     * {@code userId} adds the users: accepts their invites or invites them.
     *
     * @throws RefusedException with Nakama's code and message if an id or username is refused
     */
    void add(String userId, List<String> ids, List<String> usernames);

    /** Removes the users from {@code userId}'s list (a friend, an invite, a block). */
    void delete(String userId, List<String> ids, List<String> usernames);

    /** {@code userId} blocks the users. */
    void block(String userId, List<String> ids, List<String> usernames);

    /** A page of {@code userId}'s list. */
    FriendPage list(String userId, FriendListRequest request);
}
