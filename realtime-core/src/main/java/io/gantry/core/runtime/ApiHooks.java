package io.gantry.core.runtime;

import io.gantry.core.ServiceException;
import io.gantry.runtime.AfterHook;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.BeforeHook;
import io.gantry.runtime.HookContext;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.ServerApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;

/**
 * Runs a client API call with server code's before and after hooks around it, as Nakama does: the
 * before hook may replace the request, refuse the call ({@link RefusedException}: its status and
 * message; any other exception: 500 with its message) or disable it (null: 404 "Requested resource
 * was not found."); the call itself is a core service's; the after hook sees the request and the
 * result, and its failure is logged, never answered.
 *
 * <pre>{@code
 * List<StorageAck> acks = hooks.call(ApiCall.WRITE_STORAGE_OBJECTS, hooks.context(caller, ip), writes,
 *         w -> storage.write(caller.userId(), w));
 * }</pre>
 *
 * <p>Threads: hooks are user code, so a call with a hook must run on the user-code executor
 * ({@code gantry-rpc}), never on the REST threads: {@link #hooked} tells the edge which calls have
 * one, so it can pick the executor when it registers its routes.
 */
public final class ApiHooks {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHooks.class);
    static final String DISABLED = "Requested resource was not found.";

    /** The call itself, once the hooks have had their say. */
    @FunctionalInterface
    public interface Handler<I, O> {
        O handle(I request) throws ServiceException;
    }

    private final RuntimeRegistry registry;
    private final ServerApi server;

    public ApiHooks(RuntimeRegistry registry, ServerApi server) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.server = Objects.requireNonNull(server, "server");
    }

    /** Whether server code hooked this call (before or after). */
    public boolean hooked(ApiCall<?, ?> call) {
        return registry.beforeHook(call) != null || registry.afterHook(call) != null;
    }

    /** The context hooks see for a call by this user. */
    public HookContext context(String userId, String username, Map<String, String> vars, String clientIp) {
        return new Context(userId, username, Map.copyOf(vars), clientIp == null ? "" : clientIp, server);
    }

    /**
     * Runs the before hook (if any), the handler, then the after hook (if any).
     *
     * @throws ServiceException the hook's refusal, or the handler's
     */
    public <I, O> O call(ApiCall<I, O> call, HookContext ctx, I request, Handler<I, O> handler) throws ServiceException {
        I handled = request;
        BeforeHook<I> before = registry.beforeHook(call);
        if (before != null) {
            I replaced;
            try {
                replaced = before.before(ctx, request);
            } catch (RefusedException e) {
                throw ServiceException.of(e);
            } catch (Exception e) {
                LOG.warn("before hook of {} failed", call, e);
                throw new ServiceException(ServiceException.Kind.INTERNAL, String.valueOf(e.getMessage()));
            }
            if (request != null) {
                // A call without a request (Void) ignores what its hook returns.
                if (replaced == null) {
                    throw ServiceException.notFound(DISABLED);
                }
                handled = replaced;
            }
        }
        O result = handler.handle(handled);
        AfterHook<I, O> after = registry.afterHook(call);
        if (after != null) {
            try {
                after.after(ctx, handled, result);
            } catch (Exception e) {
                LOG.warn("after hook of {} failed", call, e);
            }
        }
        return result;
    }

    private record Context(String userId, String username, Map<String, String> vars, String clientIp,
                           ServerApi server) implements HookContext {
    }
}
