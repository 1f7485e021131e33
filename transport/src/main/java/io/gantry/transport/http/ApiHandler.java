package io.gantry.transport.http;

import io.gantry.core.ServiceException;

/** One REST endpoint. Runs on an API thread; may block on the store. */
@FunctionalInterface
public interface ApiHandler {
    ApiResponse handle(ApiRequest request) throws ApiException;

    /**
     * An endpoint that calls a core service: parses the request, calls the service, encodes the
     * answer. The service's refusals ({@link ServiceException}) become Nakama's HTTP errors
     * through {@link #of}.
     */
    @FunctionalInterface
    interface ServiceCall {
        ApiResponse handle(ApiRequest request) throws ApiException, ServiceException;
    }

    /** The handler of a {@link ServiceCall}: a refusal is answered with {@link ApiException#of}. */
    static ApiHandler of(ServiceCall call) {
        return request -> {
            try {
                return call.handle(request);
            } catch (ServiceException e) {
                throw ApiException.of(e);
            }
        };
    }
}
