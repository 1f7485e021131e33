package io.gantry.core.channel;

import io.gantry.core.ServiceException;
import io.gantry.core.tracker.Stream;

/**
 * Who may use which channel, in one place for the socket ({@link ChannelService}'s joins) and for
 * history listings ({@link ChannelHistory}, which REST calls): group channels do not exist yet,
 * rooms are open to every user, and a direct message belongs to its two users.
 */
public final class ChannelAccess {

    /** What a join of, or a listing in, a group channel is answered (bad input). */
    public static final String GROUPS_UNAVAILABLE = "Group channels are not available: this server has no groups yet.";
    /** Nakama answers a direct message's outsider as if the channel did not exist (bad input). */
    public static final String NOT_FOUND = "Channel not found.";

    private ChannelAccess() {
    }

    /**
     * Refuses a user the history of a channel it may not read: any group channel (none exists
     * yet), a direct message between two other users. Rooms are readable by everyone.
     */
    public static void checkReadable(ChannelId channel, String userId) throws ServiceException {
        if (channel.mode() == Stream.MODE_GROUP) {
            throw ServiceException.invalidArgument(GROUPS_UNAVAILABLE);
        }
        if (!channel.readableBy(userId)) {
            throw ServiceException.invalidArgument(NOT_FOUND);
        }
    }
}
