package io.gantry.proto;

/**
 * A frame that is not a valid client envelope. Carries the {@code cid} when one could be read,
 * so the error reply can name the request that caused it, and the Nakama error code to send.
 */
public final class InvalidEnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String cid;
    private final int code;

    public InvalidEnvelopeException(int code, String message, String cid) {
        super(message, null, false, false);
        this.code = code;
        this.cid = cid == null ? "" : cid;
    }

    /** The request's cid, or an empty string when none could be read. */
    public String cid() {
        return cid;
    }

    /** A {@code nakama.realtime.Error.Code} number. */
    public int code() {
        return code;
    }
}
