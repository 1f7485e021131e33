package io.gantry.runtime;

/**
 * A server function clients call over the socket ({@code rpc}) or REST ({@code POST /v2/rpc/{id}}).
 * Runs on an RPC worker thread; may block briefly. An exception becomes
 * {@code RUNTIME_FUNCTION_EXCEPTION} with the exception's message (never its stack trace).
 *
 * <pre>{@code .rpc("echo", (ctx, payload) -> payload)}</pre>
 */
@FunctionalInterface
public interface RpcFunction {
    String call(RpcContext ctx, String payload) throws Exception;
}
