package io.gantry.core;

import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.RefusedException;

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

    /**
     * Why a request was refused, as Nakama's gRPC codes name it, with the HTTP status Nakama's
     * gateway (grpc-gateway) answers for it.
     */
    public enum Kind {
        CANCELED(1, 499),
        UNKNOWN(2, 500),
        /** Malformed or out-of-range input. */
        INVALID_ARGUMENT(3, 400),
        DEADLINE_EXCEEDED(4, 504),
        /** The thing asked for does not exist. */
        NOT_FOUND(5, 404),
        /** It would clash with something that exists. */
        ALREADY_EXISTS(6, 409),
        /** The caller is known but may not do this. */
        PERMISSION_DENIED(7, 403),
        RESOURCE_EXHAUSTED(8, 429),
        FAILED_PRECONDITION(9, 400),
        ABORTED(10, 409),
        OUT_OF_RANGE(11, 400),
        UNIMPLEMENTED(12, 501),
        INTERNAL(13, 500),
        UNAVAILABLE(14, 503),
        DATA_LOSS(15, 500),
        /** Credentials are missing, wrong or expired. */
        UNAUTHENTICATED(16, 401);

        private final int grpcCode;
        private final int httpStatus;

        Kind(int grpcCode, int httpStatus) {
            this.grpcCode = grpcCode;
            this.httpStatus = httpStatus;
        }

        public int grpcCode() {
            return grpcCode;
        }

        public int httpStatus() {
            return httpStatus;
        }

        /** The kind of a runtime API {@link ErrorCode} (the same names). */
        public static Kind of(ErrorCode code) {
            return valueOf(code.name());
        }
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

    public static ServiceException permissionDenied(String message) {
        return new ServiceException(Kind.PERMISSION_DENIED, message);
    }

    /** Server code's refusal (a hook's, say) as a service refusal: the same status and message. */
    public static ServiceException of(RefusedException e) {
        return new ServiceException(Kind.of(e.code()), e.getMessage());
    }

    public static ServiceException unauthenticated(String message) {
        return new ServiceException(Kind.UNAUTHENTICATED, message);
    }

    public Kind kind() {
        return kind;
    }
}
