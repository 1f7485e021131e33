package io.gantry.core.channel;

import io.gantry.core.ServiceException;
import io.gantry.core.tracker.Stream;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.FriendStore;
import io.gantry.persistence.GroupStore;

import java.util.Objects;

/**
 * Who may use which channel, in one place for the socket ({@link ChannelService}'s joins) and for
 * history listings ({@link ChannelHistory}, which REST calls), with Nakama 3.18's rules and words:
 * rooms are open to every user; a direct message belongs to its two users, and a user cannot join
 * one with a user who blocked them; a group channel belongs to the group's superadmins, admins and
 * members (not its join requests, not its banned users).
 *
 * <pre>{@code
 * ChannelAccess access = new ChannelAccess(store.accounts(), store.friends(), store.groups());
 * String refusal = access.directMessageRefusal(aliceId, bobId);   // null: alice may join
 * }</pre>
 *
 * <p>Threads: reads the store, so a blocking thread (a reader executor, the REST threads), never
 * the router or an event loop.
 */
public final class ChannelAccess {

    /** Nakama answers a direct message's outsider as if the channel did not exist (bad input). */
    public static final String NOT_FOUND = "Channel not found.";
    /** A direct message join with a user who does not exist, or who blocked the joiner (bad input). */
    public static final String USER_NOT_FOUND = "User ID not found: Invalid channel target";
    /** A group channel join by someone who is not a member, or of a group that does not exist. */
    public static final String GROUP_NOT_FOUND = "Group not found: Invalid channel target";
    /** A group channel's history read by someone who is not a member (bad input, HTTP 400). */
    public static final String GROUP_HISTORY_NOT_FOUND = "Group not found.";

    private final AccountStore accounts;
    private final FriendStore friends;
    private final GroupStore groups;

    public ChannelAccess(AccountStore accounts, FriendStore friends, GroupStore groups) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.friends = Objects.requireNonNull(friends, "friends");
        this.groups = Objects.requireNonNull(groups, "groups");
    }

    /**
     * Why {@code userId} may not join a direct message with {@code otherUserId} (a valid user id),
     * or null if it may: the other user must exist and must not have blocked the joiner. As Nakama,
     * a block is answered as an unknown user, so that it is not revealed; the blocker may still join.
     */
    public String directMessageRefusal(String userId, String otherUserId) {
        if (accounts.byId(otherUserId).isEmpty()) {
            return USER_NOT_FOUND;
        }
        if (!userId.equals(otherUserId) && friends.state(otherUserId, userId) == FriendStore.BLOCKED) {
            return USER_NOT_FOUND;
        }
        return null;
    }

    /** Whether {@code userId} may join and read the group's channel: a superadmin, admin or member. */
    public boolean isGroupMember(String groupId, String userId) {
        int state = groups.state(groupId, userId);
        return state >= GroupStore.SUPERADMIN && state <= GroupStore.MEMBER;
    }

    /**
     * Refuses a user the history of a channel it may not read: a direct message between two other
     * users, a group channel of a group it is not a member of (or that does not exist). Rooms are
     * readable by everyone.
     */
    public void checkReadable(ChannelId channel, String userId) throws ServiceException {
        if (channel.mode() == Stream.MODE_GROUP) {
            if (!isGroupMember(channel.groupId(), userId)) {
                throw ServiceException.invalidArgument(GROUP_HISTORY_NOT_FOUND);
            }
            return;
        }
        if (!channel.readableBy(userId)) {
            throw ServiceException.invalidArgument(NOT_FOUND);
        }
    }
}
