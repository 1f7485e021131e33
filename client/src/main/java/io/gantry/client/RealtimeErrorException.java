package io.gantry.client;

import com.heroiclabs.nakama.rtapi.Error;

/** The server answered a request with an {@code Error} envelope: see {@link #error()}. */
public final class RealtimeErrorException extends RuntimeException {

    private final transient Error error;

    public RealtimeErrorException(Error error) {
        super(error.getMessage() + " (code " + error.getCode() + ")");
        this.error = error;
    }

    public Error error() {
        return error;
    }
}
