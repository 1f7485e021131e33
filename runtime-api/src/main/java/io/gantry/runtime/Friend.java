package io.gantry.runtime;

import java.time.Instant;

/**
 * One entry of a user's friend list.
 *
 * @param state 0 friend, 1 invite sent, 2 invite received, 3 blocked
 */
public record Friend(User user, int state, Instant updateTime) {

    public static final int FRIEND = 0;
    public static final int INVITE_SENT = 1;
    public static final int INVITE_RECEIVED = 2;
    public static final int BLOCKED = 3;
}
