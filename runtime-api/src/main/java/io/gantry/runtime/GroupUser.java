package io.gantry.runtime;

/**
 * One entry of a group's user list.
 *
 * @param state {@link Group#SUPERADMIN} 0 to {@link Group#BANNED} 4
 */
public record GroupUser(User user, int state) {
}
