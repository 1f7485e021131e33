package io.gantry.runtime;

/**
 * The status of a refused call, as Nakama's clients receive it: a gRPC code, which REST turns into
 * an HTTP status ({@code INVALID_ARGUMENT} 400, {@code NOT_FOUND} 404, {@code ALREADY_EXISTS} 409,
 * {@code PERMISSION_DENIED} 403, {@code FAILED_PRECONDITION} 400, {@code UNAUTHENTICATED} 401,
 * {@code INTERNAL} 500, ...).
 */
public enum ErrorCode {
    CANCELED(1), UNKNOWN(2), INVALID_ARGUMENT(3), DEADLINE_EXCEEDED(4), NOT_FOUND(5), ALREADY_EXISTS(6),
    PERMISSION_DENIED(7), RESOURCE_EXHAUSTED(8), FAILED_PRECONDITION(9), ABORTED(10), OUT_OF_RANGE(11),
    UNIMPLEMENTED(12), INTERNAL(13), UNAVAILABLE(14), DATA_LOSS(15), UNAUTHENTICATED(16);

    private final int grpcCode;

    ErrorCode(int grpcCode) {
        this.grpcCode = grpcCode;
    }

    /** The gRPC status code, the {@code code} of Nakama's REST error body. */
    public int grpcCode() {
        return grpcCode;
    }
}
