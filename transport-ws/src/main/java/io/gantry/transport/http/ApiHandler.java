package io.gantry.transport.http;

/** One REST endpoint. Runs on an API thread; may block on the store. */
@FunctionalInterface
public interface ApiHandler {
    ApiResponse handle(ApiRequest request) throws ApiException;
}
