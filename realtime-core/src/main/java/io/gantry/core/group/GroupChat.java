package io.gantry.core.group;

import java.util.concurrent.CompletionStage;

/**
 * The group channel (stream mode 3) as group membership changes reach it: a port the group
 * service calls and the channel service implements, so that access to a group's chat follows its
 * memberships at once.
 *
 * <p>As Nakama: every membership change is a message in the group's channel, stored in its history
 * and sent to the sessions in the channel, with content {@code "{}"} and the AFFECTED user as its
 * sender (not the actor): {@link #JOINED} 3 (an open group joined), {@link #ADDED} 4 (added, or a
 * join request accepted), {@link #LEFT} 5, {@link #KICKED} 6, {@link #PROMOTED} 7, {@link #BANNED}
 * 8, {@link #DEMOTED} 9. After a leave, kick or ban the user's sessions are taken out of the
 * channel: the others see them leave; they are told nothing more.
 */
public interface GroupChat {

    int JOINED = 3;
    int ADDED = 4;
    int LEFT = 5;
    int KICKED = 6;
    int PROMOTED = 7;
    int BANNED = 8;
    int DEMOTED = 9;

    /**
     * Stores the membership message in the group's channel history and sends it to the sessions
     * in the channel; for {@link #LEFT}, {@link #KICKED} and {@link #BANNED}, then takes the
     * user's sessions out of the channel. Any thread.
     *
     * @return completes once the message is stored and sent (exceptionally if it could not be stored)
     */
    CompletionStage<Void> membershipChanged(String groupId, String userId, String username, int code);
}
