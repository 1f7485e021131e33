package io.gantry.core.rpc;

import io.gantry.core.ServiceException;

import com.heroiclabs.nakama.api.Rpc;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.runtime.RuntimeRegistry;
import io.gantry.core.session.Session;
import io.gantry.runtime.RpcContext;
import io.gantry.runtime.RpcFunction;
import io.gantry.runtime.ServerApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Calls server functions. Over the socket the router only looks the function up; the call
 * itself runs on the bounded RPC executor (user code may block), and the answer goes straight
 * to the caller's session. REST calls use {@link #call} directly from an API thread.
 */
public final class RpcService {

    private static final Logger LOG = LoggerFactory.getLogger(RpcService.class);

    /** The outcome of a call. Exactly one of payload and error is set. */
    /**
     * @param errorCode the realtime protocol's error code of a failure (a socket's {@code Error})
     * @param refusal   the status server code refused the call with ({@link io.gantry.runtime.RefusedException}),
     *                  which a REST call answers with; null for any other failure (500 / 13)
     */
    public record Result(String payload, int errorCode, String error, ServiceException.Kind refusal) {
        static Result ok(String payload) {
            return new Result(payload == null ? "" : payload, -1, null, null);
        }

        static Result failed(int code, String message) {
            return new Result(null, code, message, null);
        }

        public boolean isOk() {
            return error == null;
        }
    }

    private final RuntimeRegistry registry;
    private final ExecutorService executor;
    private final ServerApi server;

    public RpcService(Router router, RuntimeRegistry registry, ExecutorService executor, ServerApi server) {
        this.registry = registry;
        this.executor = executor;
        this.server = server;
        router.register(Envelope.MessageCase.RPC, this::onRpc);
    }

    private void onRpc(Session session, Envelope request) {
        Rpc rpc = request.getRpc();
        String cid = request.getCid();
        if (rpc.getId().isEmpty()) {
            session.send(Replies.badInput(request, "RPC ID must be set."));
            return;
        }
        RpcFunction function = registry.rpc(rpc.getId());
        if (function == null) {
            session.send(Replies.error(cid, Error.Code.RUNTIME_FUNCTION_NOT_FOUND, "RPC function not found: " + rpc.getId()));
            return;
        }
        Context context = new Context(session.userId(), session.username(), session.vars(), session.id(), server);
        try {
            executor.execute(() -> {
                Result result = invoke(rpc.getId(), function, context, rpc.getPayload());
                if (result.isOk()) {
                    session.send(Envelope.newBuilder().setCid(cid)
                            .setRpc(Rpc.newBuilder().setId(rpc.getId()).setPayload(result.payload())).build());
                } else {
                    session.send(Replies.error(cid, result.errorCode(), result.error()));
                }
            });
        } catch (RejectedExecutionException e) {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, "Server is busy running functions; retry later."));
        }
    }

    /**
     * Calls a function on the current thread (a REST API thread).
     *
     * @param userId empty for a server-to-server call made with the HTTP key
     */
    public Result call(String id, String payload, String userId, String username, Map<String, String> vars) {
        RpcFunction function = registry.rpc(id);
        if (function == null) {
            return Result.failed(Error.Code.RUNTIME_FUNCTION_NOT_FOUND_VALUE, "RPC function not found: " + id);
        }
        return invoke(id, function, new Context(userId, username, vars, "", server), payload);
    }

    private static Result invoke(String id, RpcFunction function, RpcContext context, String payload) {
        try {
            return Result.ok(function.call(context, payload));
        } catch (io.gantry.runtime.RefusedException e) {
            // a deliberate refusal, with its status: as a Nakama module's error with a code
            return new Result(null, Error.Code.RUNTIME_FUNCTION_EXCEPTION_VALUE, e.getMessage(),
                    ServiceException.Kind.of(e.code()));
        } catch (Exception | StackOverflowError e) {
            // The client gets the message, never the stack trace; the log gets both.
            LOG.warn("RPC function '{}' failed", id, e);
            String message = e.getMessage();
            return Result.failed(Error.Code.RUNTIME_FUNCTION_EXCEPTION_VALUE,
                    message == null || message.isBlank() ? "RPC function '" + id + "' failed (" + e.getClass().getSimpleName() + ")." : message);
        }
    }

    private record Context(String userId, String username, Map<String, String> vars, String sessionId,
                           ServerApi server) implements RpcContext {
    }
}
