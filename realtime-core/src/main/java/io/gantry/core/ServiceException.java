package io.gantry.core;

/**
 * A request a core service refuses: the caller's fault or the caller's lack of rights, never the
 * server's. The {@link Kind} says which, in Nakama's terms (its gRPC codes); the message is the
 * one Nakama's clients see, word for word. Each edge maps the kind to its own wire form: the REST
 * edge to an HTTP status and gRPC code, a socket handler to an {@code Error} envelope.
 *
 * <pre>{@code
 * try {
 *     SessionPair pair = accounts.authenticateDevice(deviceId, null, true, Map.of());
 * } catch (ServiceException e) {
 *     // e.kind() == INVALID_ARGUMENT, e.getMessage() == "Device ID invalid, must be 10-128 bytes."
 * }
 * }</pre>
 *
 * <p>Failures that are not the caller's (the store failed) stay unchecked exceptions. No stack
 * trace is taken: a refusal is an answer, not a fault.
 */
public final class ServiceException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a request was refused, as Nakama's gRPC codes name it. */
    public enum Kind {
        /** Malformed or out-of-range input (gRPC 3). */
        INVALID_ARGUMENT,
        /** The thing asked for does not exist (gRPC 5). */
        NOT_FOUND,
        /** It would clash with something that exists (gRPC 6). */
        ALREADY_EXISTS,
        /** The caller is known but may not do this (gRPC 7). */
        PERMISSION_DENIED,
        /** Credentials are missing, wrong or expired (gRPC 16). */
        UNAUTHENTICATED
    }

    private final Kind kind;

    public ServiceException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public static ServiceException invalidArgument(String message) {
        return new ServiceException(Kind.INVALID_ARGUMENT, message);
    }

    public static ServiceException notFound(String message) {
        return new ServiceException(Kind.NOT_FOUND, message);
    }

    public static ServiceException alreadyExists(String message) {
        return new ServiceException(Kind.ALREADY_EXISTS, message);
    }

    public static ServiceException unauthenticated(String message) {
        return new ServiceException(Kind.UNAUTHENTICATED, message);
    }

    public Kind kind() {
        return kind;
    }
}
