package io.gantry.runtime;

/**
 * One entry of a user's group list.
 *
 * @param state the user's state in the group, {@link Group#SUPERADMIN} 0 to {@link Group#JOIN_REQUEST} 3
 */
public record UserGroup(Group group, int state) {
}
