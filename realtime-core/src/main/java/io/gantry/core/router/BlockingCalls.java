package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.core.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the blocking part of a request (a store read: does this user exist?) off the router, on
 * a bounded executor; the call finishes its work on the router with {@link Router#execute}.
 * A call that throws, or finds the executor full, answers the request with an error.
 * Router thread.
 */
public final class BlockingCalls {

    private static final Logger LOG = LoggerFactory.getLogger(BlockingCalls.class);

    private final Executor executor;
    private final Router router;

    public BlockingCalls(Executor executor, Router router) {
        this.executor = executor;
        this.router = router;
    }

    /**
     * @param failure what the client is told when the call throws
     */
    public void run(Session session, String cid, String failure, Runnable call) {
        assert router.onRouterThreadOrNotStarted() : "blocking call started" + " off the router thread: " + Thread.currentThread().getName();
        try {
            executor.execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    LOG.error("{} ({})", failure, session, e);
                    router.execute(() -> session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, failure)));
                }
            });
        } catch (RejectedExecutionException e) {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, "Server is busy; retry later."));
        }
    }
}
