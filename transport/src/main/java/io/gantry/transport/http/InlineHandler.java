package io.gantry.transport.http;

/**
 * The part of a route that may answer on the event loop: requests whose answer needs no I/O and
 * no lock (a device authentication of an account the store holds in memory, a refused body).
 * Returns the answer, or null when this request must go to the route's blocking {@link ApiHandler}
 * on its executor. Must never block, wait on a lock, or run user code.
 */
@FunctionalInterface
public interface InlineHandler {
    ApiResponse tryHandle(ApiRequest request) throws ApiException;
}
