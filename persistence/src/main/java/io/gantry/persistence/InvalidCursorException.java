package io.gantry.persistence;

/**
 * A history cursor that this store did not make for this listing: not decodable, a wrong MAC
 * (forged, or made with another key, e.g. before a restart without a configured cursor key),
 * made for another channel, or for the other direction. The REST layer answers it as Nakama
 * does: INVALID_ARGUMENT (3), HTTP 400, with this exception's message.
 */
public final class InvalidCursorException extends Exception {

    private static final long serialVersionUID = 1L;

    public static final String MESSAGE = "Cursor is invalid or expired.";

    public InvalidCursorException() {
        super(MESSAGE);
    }
}
