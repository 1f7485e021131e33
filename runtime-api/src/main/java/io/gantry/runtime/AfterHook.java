package io.gantry.runtime;

/**
 * Runs after the server handled a client's call successfully, with the request it handled and
 * its result (null for calls without one), before the client receives the answer. It cannot
 * change the answer; an exception it throws is logged and the client still gets its answer, as
 * with Nakama. Runs on an RPC worker thread.
 */
@FunctionalInterface
public interface AfterHook<I, O> {
    void after(HookContext ctx, I request, O result) throws Exception;
}
