package io.gantry.persistence;

/**
 * Thrown when a group would be created or renamed with a name another group already has (names
 * are unique, case-sensitively, as Nakama's). Nothing was written. Nakama answers a create with
 * ALREADY_EXISTS (409) and an update with INVALID_ARGUMENT (400), both "Group name is in use."
 */
public final class GroupNameTakenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GroupNameTakenException(String name) {
        super("Group name is in use: " + name);
    }
}
