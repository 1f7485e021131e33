package io.gantry.core.match;

import io.gantry.query.QueryParseException;
import io.gantry.core.router.Router;
import io.gantry.core.runtime.RuntimeRegistry;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInfo;
import io.gantry.runtime.Matches;
import io.gantry.runtime.ServerApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The authoritative matches of this node, as server code reaches them ({@link Matches}): creates
 * them on a {@link MatchWorkers} lane, finds, lists and signals them, and ends them all when
 * the server stops. Thread-safe.
 *
 * <pre>{@code
 * MatchListing listing = new MatchListing();
 * MatchService service = new MatchService(router, listing, "node1", null);
 * MatchRegistry matches = new MatchRegistry(runtime, service, router, listing, new MatchWorkers(),
 *         MatchSettings.DEFAULTS, serverApi);
 * String id = matches.create("arena", Map.of("mode", "ranked"));   // "<uuid>.node1", once init ran
 * }</pre>
 */
public final class MatchRegistry implements Matches {

    private static final Logger LOG = LoggerFactory.getLogger(MatchRegistry.class);

    /** How long {@link #create} waits for {@code init} and the router, and {@link #signal} for the reply. */
    public static final long CALL_TIMEOUT_MS = 5000;

    private final RuntimeRegistry runtime;
    private final String node;
    private final MatchServiceProxy service;
    private final MatchListing listing;
    private final MatchWorkers workers;
    private final MatchSettings settings;
    private final ServerApi server;
    private final Router router;
    private final ConcurrentHashMap<String, AuthoritativeMatchRunner> live = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param server what handlers reach through {@code ctx.server()}; may be null (then that
     *               call fails)
     */
    public MatchRegistry(RuntimeRegistry runtime, MatchService matchService, Router router, MatchListing listing,
                         MatchWorkers workers, MatchSettings settings, ServerApi server) {
        this.runtime = runtime;
        this.node = matchService.node();
        this.service = MatchServiceProxy.of(router, matchService);
        this.listing = listing;
        this.workers = workers;
        this.settings = settings;
        this.server = server;
        this.router = router;
        workers.stuckListener((runner, nanos) -> runner.abandon("handler stuck: a call did not return within "
                + TimeUnit.NANOSECONDS.toSeconds(nanos) + " s"));
    }

    /**
     * Creates a match and returns its id once {@code init} ran on its lane and the router knows
     * it, so a client may join right away. Listings show it within the label update interval.
     *
     * @throws IllegalArgumentException when no handler has that name, or init returned a bad
     *                                  tick rate or label
     * @throws IllegalStateException    when init took longer than {@link #CALL_TIMEOUT_MS}, or
     *                                  the server is stopping
     * @throws RuntimeException         what init threw
     */
    @Override
    public String create(String handlerName, Map<String, Object> params) {
        refuseOnRouter("create");
        MatchWorker current = workers.currentLane();
        // From a handler: on the caller's own lane, init inline, so no lane waits for another.
        AuthoritativeMatchRunner runner = newRunner(handlerName, params,
                current != null ? workers.pin(current) : workers.assign(null));
        if (current != null) {
            // The lane adopts the match when the caller's call returns.
            runner.init(System.nanoTime());
        }
        runner.start();
        try {
            runner.created.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return runner.id();
        } catch (ExecutionException e) {
            throw createFailure(handlerName, e.getCause());
        } catch (TimeoutException e) {
            runner.stop("creation timed out");
            throw new IllegalStateException("Match handler '" + handlerName + "' did not initialise within "
                    + CALL_TIMEOUT_MS + " ms.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runner.stop("creation interrupted");
            throw new IllegalStateException("Interrupted while creating a '" + handlerName + "' match.");
        }
    }

    /**
     * Creates a match on the least loaded lane without waiting. From a handler, the stage
     * completes on the caller's lane; from elsewhere, on the common pool (never the router's
     * thread, which registers the match).
     */
    @Override
    public CompletionStage<String> createAsync(String handlerName, Map<String, Object> params) {
        Callback<String> callback;
        try {
            callback = callback();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        AuthoritativeMatchRunner runner;
        try {
            runner = newRunner(handlerName, params, workers.assign(null));
        } catch (RuntimeException e) {
            callback.fail(e);
            return callback.result;
        }
        runner.start();
        runner.created.whenComplete((ignored, failure) -> {
            if (failure == null) {
                callback.complete(runner.id());
            } else {
                callback.fail(createFailure(handlerName, failure instanceof java.util.concurrent.CompletionException
                        && failure.getCause() != null ? failure.getCause() : failure));
            }
        });
        return callback.result;
    }

    private AuthoritativeMatchRunner newRunner(String handlerName, Map<String, Object> params, MatchWorker lane) {
        try {
            Objects.requireNonNull(handlerName, "handlerName");
            if (closed) {
                throw new IllegalStateException("The server is stopping: no new matches.");
            }
            Supplier<? extends MatchHandler<?>> factory = runtime.matchHandler(handlerName);
            if (factory == null) {
                throw new IllegalArgumentException("No match handler is registered as '" + handlerName + "'.");
            }
            MatchHandler<?> handler = factory.get();
            if (handler == null) {
                throw new IllegalStateException("The factory of match handler '" + handlerName + "' returned null.");
            }
            AuthoritativeMatchRunner runner = new AuthoritativeMatchRunner(MatchId.authoritative(UUID.randomUUID(), node),
                    handlerName, handler, params == null ? Map.of() : Map.copyOf(params), lane, settings, service, listing,
                    server, ended -> live.remove(ended.id(), ended));
            live.put(runner.id(), runner);
            return runner;
        } catch (RuntimeException e) {
            lane.load.decrementAndGet();
            throw e;
        }
    }

    private static RuntimeException createFailure(String handlerName, Throwable cause) {
        if (cause instanceof RuntimeException runtimeException) {
            return runtimeException;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("Match handler '" + handlerName + "' init failed: "
                + AuthoritativeMatchRunner.describe(cause), cause);
    }

    private void refuseOnRouter(String call) {
        if (router.isRouterThread()) {
            throw new IllegalStateException("Matches." + call + " would make the router wait for a match lane; use "
                    + call + "Async.");
        }
    }

    /**
     * Where an asynchronous call's stage completes: on the calling handler's lane (reserved now,
     * so that the completion always finds room there), or on the common pool for other callers.
     */
    private Callback<String> callback() {
        MatchWorker current = workers.currentLane();
        if (current == null) {
            return new Callback<>(null, null);
        }
        return new Callback<>(current, current.beginAsync());
    }

    private static final class Callback<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final MatchWorker lane;
        private final AuthoritativeMatchRunner caller;

        Callback(MatchWorker lane, AuthoritativeMatchRunner caller) {
            this.lane = lane;
            this.caller = caller;
        }

        void complete(T value) {
            if (lane != null) {
                lane.completeAsync(caller, () -> result.complete(value));
            } else {
                ForkJoinPool.commonPool().execute(() -> result.complete(value));
            }
        }

        void fail(Throwable failure) {
            if (lane != null) {
                lane.completeAsync(caller, () -> result.completeExceptionally(failure));
            } else {
                ForkJoinPool.commonPool().execute(() -> result.completeExceptionally(failure));
            }
        }
    }

    /** An authoritative match of this node as it is now, or a relayed one as last listed. */
    @Override
    public Optional<MatchInfo> get(String matchId) {
        if (matchId == null) {
            return Optional.empty();
        }
        MatchId id = MatchId.parse(matchId);
        if (id == null) {
            return Optional.empty();
        }
        if (id.authoritative()) {
            AuthoritativeMatchRunner runner = live.get(matchId);
            return runner != null && !runner.isEnded() && runner.tickRate() > 0 ? Optional.of(runner.info()) : Optional.empty();
        }
        return Optional.ofNullable(listing.get(matchId));
    }

    /**
     * @throws IllegalArgumentException when {@code limit} is below 1, or the query does not
     *                                  parse (the message says where)
     */
    @Override
    public List<MatchInfo> list(int limit, Boolean authoritative, String label, Integer minSize, Integer maxSize, String query) {
        if (limit < 1) {
            throw new IllegalArgumentException("Limit must be at least 1, not " + limit + ".");
        }
        try {
            return listing.list(limit, authoritative, label, minSize, maxSize, query);
        } catch (QueryParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalArgumentException when no such match runs on this node
     * @throws IllegalStateException    when the match ended or failed before answering, or did
     *                                  not answer within {@link #CALL_TIMEOUT_MS}
     */
    @Override
    public String signal(String matchId, String data) {
        refuseOnRouter("signal");
        AuthoritativeMatchRunner runner = matchId == null ? null : live.get(matchId);
        if (runner == null || runner.isEnded()) {
            throw new IllegalArgumentException("Match not found: " + matchId);
        }
        if (runner.lane().isLaneThread()) {
            return runner.signalInline(data); // from a handler on the same lane: waiting would deadlock
        }
        if (workers.currentLane() != null) {
            throw new IllegalStateException("A match handler cannot wait for match " + matchId
                    + ", which runs on another lane: use matches().signalAsync(matchId, data).");
        }
        CompletableFuture<String> reply = runner.signal(data);
        try {
            return reply.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw signalFailure(matchId, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Match " + matchId + " did not answer the signal within " + CALL_TIMEOUT_MS + " ms.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while signalling match " + matchId + ".");
        }
    }

    /**
     * Signals without waiting. A match of the caller's own lane is answered inline (the stage
     * is complete on return); any other answers on the caller's lane, or on the common pool for
     * callers that are not match handlers.
     */
    @Override
    public CompletionStage<String> signalAsync(String matchId, String data) {
        AuthoritativeMatchRunner runner = matchId == null ? null : live.get(matchId);
        if (runner == null || runner.isEnded()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Match not found: " + matchId));
        }
        if (runner.lane().isLaneThread()) {
            try {
                return CompletableFuture.completedFuture(runner.signalInline(data));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Callback<String> callback;
        try {
            callback = callback();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        runner.signal(data).whenComplete((reply, failure) -> {
            if (failure == null) {
                callback.complete(reply);
            } else {
                callback.fail(signalFailure(matchId, failure));
            }
        });
        return callback.result;
    }

    private static IllegalStateException signalFailure(String matchId, Throwable cause) {
        return cause instanceof IllegalStateException ise ? ise
                : new IllegalStateException("Signal to match " + matchId + " failed.", cause);
    }

    /** A live match's runner, or null (tests). */
    AuthoritativeMatchRunner runner(String matchId) {
        return live.get(matchId);
    }

    /** Matches running now. */
    public int count() {
        return live.size();
    }

    /**
     * The server is stopping: no new matches; each match's {@code terminate} is called with
     * {@code graceSeconds}; matches that return null (or all of them when the grace is 0) end
     * at once, the others when their grace runs out. Every player is told. Returns when all
     * have ended (stuck ones are abandoned after a short wait); the router still has to deliver
     * the leave events, so stop it after this.
     */
    public void shutdown(int graceSeconds) {
        closed = true;
        List<AuthoritativeMatchRunner> all = new ArrayList<>(live.values());
        if (all.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> terminated = new ArrayList<>(all.size());
        for (AuthoritativeMatchRunner runner : all) {
            terminated.add(runner.terminate(graceSeconds));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(0, graceSeconds)) + TimeUnit.SECONDS.toNanos(2);
        try {
            CompletableFuture.allOf(terminated.toArray(new CompletableFuture[0]))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // some lanes did not answer: they are dealt with below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (!live.isEmpty() && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        for (AuthoritativeMatchRunner runner : new ArrayList<>(live.values())) {
            runner.stop(null);
        }
        long stopDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (!live.isEmpty() && System.nanoTime() - stopDeadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        for (AuthoritativeMatchRunner runner : new ArrayList<>(live.values())) {
            LOG.warn("{} did not stop with the server; abandoning it", runner);
            runner.abandon(null);
        }
    }
}
