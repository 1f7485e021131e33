package io.gantry.transport.http;

import io.gantry.core.ServiceException;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A REST request that fails with a gRPC status code and its HTTP status, as Nakama's gateway
 * answers: {@code {"error": message, "code": grpcCode, "message": message}}.
 */
public final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    /** gRPC status codes Nakama's REST errors use. */
    public static final int INVALID_ARGUMENT = 3;
    public static final int NOT_FOUND = 5;
    public static final int ALREADY_EXISTS = 6;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    private final transient HttpResponseStatus status;
    private final int grpcCode;

    public ApiException(HttpResponseStatus status, int grpcCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.grpcCode = grpcCode;
    }

    public static ApiException badInput(String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, INVALID_ARGUMENT, message);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(HttpResponseStatus.UNAUTHORIZED, UNAUTHENTICATED, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, NOT_FOUND, message);
    }

    public static ApiException alreadyExists(String message) {
        return new ApiException(HttpResponseStatus.CONFLICT, ALREADY_EXISTS, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(HttpResponseStatus.FORBIDDEN, PERMISSION_DENIED, message);
    }

    /** A core service's refusal as Nakama's gateway answers it: the kind's HTTP status and gRPC code, the same message. */
    public static ApiException of(ServiceException e) {
        return new ApiException(HttpResponseStatus.valueOf(e.kind().httpStatus()), e.kind().grpcCode(), e.getMessage());
    }

    public HttpResponseStatus status() {
        return status;
    }

    public int grpcCode() {
        return grpcCode;
    }
}
