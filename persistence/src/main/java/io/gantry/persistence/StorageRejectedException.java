package io.gantry.persistence;

/**
 * A storage write or delete the stored objects refuse; nothing of its batch was written. The
 * caller words the answer ({@link Reason} carries Nakama's message).
 */
public final class StorageRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why, with the message Nakama answers (INVALID_ARGUMENT). */
    public enum Reason {
        /** A client write to an object whose write permission is not 1. */
        PERMISSION("Storage write rejected - permission denied."),
        /** A write whose version condition does not hold ("*" on a stored object, a version not stored). */
        VERSION("Storage write rejected - version check failed."),
        /** A delete of a missing object, of another version, or (clients) of a write-0 object. */
        DELETE("Storage delete rejected - not found, version check failed, or permission denied.");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    private final Reason reason;

    public StorageRejectedException(Reason reason) {
        super(reason.message(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
