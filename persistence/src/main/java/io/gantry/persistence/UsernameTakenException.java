package io.gantry.persistence;

/**
 * Thrown when an account would be created with a username another account already has.
 * Nothing was written. The REST layer answers it as Nakama does: ALREADY_EXISTS (6), HTTP 409,
 * "Username is already in use."
 */
public final class UsernameTakenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String username;

    public UsernameTakenException(String username) {
        super("Username is already in use.");
        this.username = username;
    }

    /** The username that was asked for. */
    public String username() {
        return username;
    }
}
