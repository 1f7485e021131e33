package io.gantry.runtime;

import java.util.Objects;

/**
 * A call refused with a status and a message the client sees. Server code throws it from a before
 * hook to refuse a client's request ({@code throw new RefusedException(ErrorCode.INVALID_ARGUMENT,
 * "Saves must have a level.")} answers the REST call 400 with that message); the server's runtime
 * API throws it when it refuses a call from server code (a storage version conflict, a taken
 * username), with the message Nakama gives.
 */
public class RefusedException extends RuntimeException {

    private final ErrorCode code;

    public RefusedException(ErrorCode code, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
