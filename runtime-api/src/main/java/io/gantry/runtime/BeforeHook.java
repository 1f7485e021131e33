package io.gantry.runtime;

/**
 * Runs before the server handles a client's call: it may return the request as it is, return a
 * changed request (the server handles that one instead), or refuse the call by throwing
 * {@link RefusedException}, whose status and message the client receives (any other exception
 * is answered as Nakama answers a failing hook: 500 with the exception's message). Returning null
 * disables the call: the client gets 404 "Requested resource was not found.", as from Nakama.
 * For calls without a request ({@code I = Void}) the return value is ignored.
 *
 * <p>Runs on an RPC worker thread, with the request's caller in {@code ctx}.
 */
@FunctionalInterface
public interface BeforeHook<I> {
    I before(HookContext ctx, I request) throws Exception;
}
