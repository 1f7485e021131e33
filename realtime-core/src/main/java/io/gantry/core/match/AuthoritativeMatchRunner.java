package io.gantry.core.match;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.router.Replies;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.runtime.JoinDecision;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInfo;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import io.gantry.runtime.ServerApi;
import io.gantry.runtime.SignalResult;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.jctools.queues.MpmcArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One authoritative match: its handler, the handler's state, its players, and two queues
 * feeding it. Pinned to one {@link MatchWorker} lane, whose thread alone calls the handler and
 * touches the fields marked "lane thread"; the router and server code reach it only through
 * the thread-safe methods ({@link AuthoritativeMatch}, {@link #signal}, {@link #terminate}).
 *
 * <ul>
 *   <li><b>Input</b>: data from players, bounded by {@code match.input_queue_size}. A full queue
 *       refuses the message ({@link #offerData} returns false and the router tells the sender);
 *       the match is not slowed. Drained into {@code loop} at each tick.</li>
 *   <li><b>Control</b>: join attempts, joins, leaves, signals, terminate. Handled as soon as the
 *       lane gets to it (the lane is woken), not at the next tick, so a join attempt is answered
 *       promptly. Joins and leaves are never dropped; join attempts in flight are bounded
 *       ({@link #MAX_PENDING_JOIN_ATTEMPTS}) and refused beyond.</li>
 * </ul>
 *
 * <p>Failures stay in the match: a handler call that throws ends the match with
 * {@code "handler error: <message>"} (the stack trace is logged, never sent); a call that runs
 * past its budget (ten tick intervals, at least a second) ends it with {@code "handler overran
 * its tick"} once it returns; a call that never returns is handled by {@link MatchWorkers}'
 * watchdog. Either way the router is told ({@link MatchService#ended}) and the players get a
 * leave event and an error.
 */
public final class AuthoritativeMatchRunner implements AuthoritativeMatch {

    private static final Logger LOG = LoggerFactory.getLogger(AuthoritativeMatchRunner.class);

    /** Join attempts waiting for the handler at once; more are refused with MATCH_JOIN_REJECTED. */
    static final int MAX_PENDING_JOIN_ATTEMPTS = 256;
    /** Signals waiting for the handler at once; more fail at once. */
    static final int MAX_PENDING_SIGNALS = 256;
    /**
     * Joins, leaves, stops and terminations waiting for the lane, beyond the join attempts and
     * signals (bounded above). A match whose lane falls this far behind on membership changes is
     * ended (its players are told), because dropping a join or a leave would leave the handler
     * with a wrong member list.
     */
    static final int MEMBERSHIP_HEADROOM = 1536;
    /** The control queue's bound, every kind of command counted in: a power of two, the array queue's exact capacity. */
    static final int CONTROL_QUEUE_SIZE = MAX_PENDING_JOIN_ATTEMPTS + MAX_PENDING_SIGNALS + MEMBERSHIP_HEADROOM;
    static final String CONTROL_FULL = "match fell too far behind: its control queue is full";
    /** The budget of {@code init}, and the least budget of any call. */
    static final long INIT_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long MIN_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final String OVERRAN = "handler overran its tick";

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int ENDED = 2;
    private static final long NO_TIMER = -1;

    private static final java.lang.invoke.VarHandle PHASE;
    private static final java.lang.invoke.VarHandle SCHEDULED;
    private static final java.lang.invoke.VarHandle QUEUED;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            PHASE = lookup.findVarHandle(AuthoritativeMatchRunner.class, "phase", int.class);
            SCHEDULED = lookup.findVarHandle(AuthoritativeMatchRunner.class, "scheduled", int.class);
            QUEUED = lookup.findVarHandle(AuthoritativeMatchRunner.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- commands on the control queue ----
    private record JoinAttempt(Session session, UserPresence presence, Map<String, String> metadata, String cid) {
    }

    private record Joined(Session session, UserPresence presence) {
    }

    private record Left(List<UserPresence> presences) {
    }

    private record Signal(String data, CompletableFuture<String> reply) {
    }

    private record Terminate(int graceSeconds, CompletableFuture<Void> done) {
    }

    private record Stop(String reason) {
    }

    private record Member(Session session, UserPresence userPresence, Presence presence) {
    }

    private record Deferred(Outbound outbound, List<Presence> to) {
    }

    @FunctionalInterface
    private interface Call {
        Object run();
    }

    // ---- identity, immutable ----
    private final String id;
    private final String node;
    private final String handlerName;
    private final MatchHandler<Object> handler;
    private final Map<String, Object> params;
    private final MatchWorker lane;
    private final MatchSettings settings;
    private final MatchServiceProxy service;
    private final MatchListing listing;
    private final ServerApi server;
    private final Consumer<AuthoritativeMatchRunner> onEnded;
    private final Context context = new Context();
    private final Dispatcher dispatcher = new Dispatcher();

    // ---- any thread ----
    /** Completes when the match is registered with the router, or fails with what init threw. */
    final CompletableFuture<Void> created = new CompletableFuture<>();
    /** NEW, RUNNING or ENDED (fields with VarHandles rather than atomics: fewer objects to touch per tick). */
    private volatile int phase = NEW;
    /** 1 while the match is in its lane's attention queue. */
    private volatile int scheduled;
    /** Multi-consumer on purpose: after the end, whoever finds a join attempt answers it. */
    private final MpmcArrayQueue<Object> control = new MpmcArrayQueue<>(CONTROL_QUEUE_SIZE);
    private final AtomicInteger pendingJoinAttempts = new AtomicInteger();
    private final AtomicInteger pendingSignals = new AtomicInteger();
    private final ManyToOneConcurrentArrayQueue<MatchMessage> input;
    /** Messages in {@link #input}: the exact bound (the array queue rounds its capacity up). */
    private volatile int queued;
    private volatile String label = "";
    private volatile int tickRate;
    private volatile int size;

    // ---- lane thread ----
    private Object state;
    private long tick;
    private long intervalNanos;
    private long budgetNanos = INIT_BUDGET_NANOS;
    private long nextTickAt;
    private long timerId = NO_TIMER;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private Session[] recipients = new Session[0];
    private final List<Deferred> deferred = new ArrayList<>();
    /** Whether a handler call of this match is running: the dispatcher is valid only then. */
    private boolean inCall;
    private Object callResult;
    private long emptyTicks;
    private long maxEmptyTicks;
    /** When a terminating match ends (its grace period), or 0. */
    private long terminateAt;

    AuthoritativeMatchRunner(MatchId id, String handlerName, MatchHandler<?> handler, Map<String, Object> params,
                             MatchWorker lane, MatchSettings settings, MatchServiceProxy service, MatchListing listing,
                             ServerApi server, Consumer<AuthoritativeMatchRunner> onEnded) {
        this.id = id.value();
        this.node = id.node();
        this.handlerName = handlerName;
        @SuppressWarnings("unchecked")
        MatchHandler<Object> typed = (MatchHandler<Object>) handler;
        this.handler = typed;
        this.params = params == null ? Map.of() : params;
        this.lane = lane;
        this.settings = settings;
        this.service = service;
        this.listing = listing;
        this.server = server;
        this.onEnded = onEnded;
        this.input = new ManyToOneConcurrentArrayQueue<>(settings.inputQueueSize());
    }

    /**
     * A match outside any server, run on the calling thread: {@link #tickNow} ticks it. For
     * benchmarks and tests; nobody is told about joins, kicks or the end.
     */
    public static AuthoritativeMatchRunner detached(String handlerName, MatchHandler<?> handler,
                                                    Map<String, Object> params, MatchSettings settings) {
        MatchWorker lane = new MatchWorker(-1, null);
        lane.bindCurrentThread();
        AuthoritativeMatchRunner runner = new AuthoritativeMatchRunner(MatchId.authoritative(UUID.randomUUID(), "detached"),
                handlerName, handler, params, lane, settings, MatchServiceProxy.discarding(), new MatchListing(), null, r -> {
                });
        runner.scheduled = 1;
        runner.onAttention(System.nanoTime());
        if (runner.created.isCompletedExceptionally()) {
            runner.created.join(); // throws what init threw
        }
        return runner;
    }

    /**
     * Handles what is queued (joins, leaves, signals), then runs one tick now, on the calling
     * thread. Only for a {@link #detached} match, on the thread that made it.
     */
    public void tickNow() {
        if (!lane.isLaneThread()) {
            throw new IllegalStateException("tickNow is for detached matches, on the thread that made them");
        }
        scheduled = 0;
        processControl();
        if (phase == RUNNING) {
            runTick();
        }
    }

    // ---- AuthoritativeMatch: the router's side (thread-safe, non-blocking) -------------------

    @Override
    public String id() {
        return id;
    }

    @Override
    public String handlerName() {
        return handlerName;
    }

    @Override
    public int tickRate() {
        return tickRate;
    }

    @Override
    public String label() {
        return label;
    }

    /** Players in the match now (as the lane last saw). */
    public int size() {
        return size;
    }

    public boolean isEnded() {
        return phase == ENDED;
    }

    /** The match as listings show it. */
    public MatchInfo info() {
        return new MatchInfo(id, true, label, size, tickRate, handlerName);
    }

    /** Router thread (it answers a refused attempt itself rather than queue a task to itself). */
    @Override
    public boolean offerJoinAttempt(Session session, UserPresence presence, Map<String, String> metadata, String cid) {
        if (phase != RUNNING) {
            return false;
        }
        if (pendingJoinAttempts.incrementAndGet() > MAX_PENDING_JOIN_ATTEMPTS) {
            pendingJoinAttempts.decrementAndGet();
            session.send(Replies.error(cid, Error.Code.MATCH_JOIN_REJECTED,
                    "Too many players are joining this match at once; try again."));
            return true;
        }
        if (!control.offer(new JoinAttempt(session, presence, metadata == null ? Map.of() : Map.copyOf(metadata), cid))) {
            pendingJoinAttempts.decrementAndGet();
            session.send(Replies.error(cid, Error.Code.MATCH_JOIN_REJECTED,
                    "This match is too busy to take players now; try again."));
            return true;
        }
        afterOffer();
        return true;
    }

    @Override
    public void joined(Session session, UserPresence presence) {
        offerOrEnd(new Joined(session, presence));
    }

    @Override
    public void left(List<UserPresence> presences) {
        offerOrEnd(new Left(List.copyOf(presences)));
    }

    @Override
    public boolean offerData(UserPresence sender, long opCode, ByteString data, boolean reliable) {
        if (phase != RUNNING) {
            return false;
        }
        if ((int) QUEUED.getAndAdd(this, 1) + 1 > settings.inputQueueSize()) {
            QUEUED.getAndAdd(this, -1);
            return false;
        }
        input.offer(new MatchMessage(runtimePresence(sender), opCode, data.toByteArray(), reliable, System.currentTimeMillis()));
        return true;
    }

    // ---- server code's side (thread-safe) ------------------------------------------------------

    /** Queues a signal; the future completes with the handler's reply or fails when the match ends or fails. */
    CompletableFuture<String> signal(String data) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        if (phase == ENDED) {
            reply.completeExceptionally(new IllegalStateException("Match " + id + " has ended."));
            return reply;
        }
        if (pendingSignals.incrementAndGet() > MAX_PENDING_SIGNALS) {
            pendingSignals.decrementAndGet();
            reply.completeExceptionally(new IllegalStateException("Match " + id + " has too many signals waiting."));
            return reply;
        }
        if (!control.offer(new Signal(data == null ? "" : data, reply))) {
            pendingSignals.decrementAndGet();
            reply.completeExceptionally(new IllegalStateException("Match " + id + " is too busy to take signals now."));
            return reply;
        }
        afterOffer();
        return reply;
    }

    /**
     * Handles a signal on the calling thread, which must be this match's lane thread inside
     * another match's handler call (a handler signalling a match of its own lane would otherwise
     * wait for itself).
     */
    String signalInline(String data) {
        if (inCall) {
            throw new IllegalStateException("A match cannot signal itself.");
        }
        if (phase != RUNNING) {
            throw new IllegalStateException("Match " + id + " is not running.");
        }
        CompletableFuture<String> reply = new CompletableFuture<>();
        pendingSignals.incrementAndGet();
        onSignal(new Signal(data == null ? "" : data, reply));
        return reply.join();
    }

    /** Asks the handler to terminate within a grace period; the future completes once {@code terminate} ran (or the match was gone). */
    CompletableFuture<Void> terminate(int graceSeconds) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!offerOrEnd(new Terminate(graceSeconds, done))) {
            done.complete(null);
        }
        return done;
    }

    /** Ends the match at the lane's next look; {@code reason} null is a normal end. */
    void stop(String reason) {
        offerOrEnd(new Stop(reason));
    }

    /**
     * Ends the match from outside its lane: its lane's thread is stuck in a handler call and
     * has been taken away from it (watchdog thread), or the server is stopping and the lane
     * did not answer. Touches only thread-safe parts.
     */
    void abandon(String reason) {
        int was = (int) PHASE.getAndSet(this, ENDED);
        if (was != ENDED) {
            finishEnd(reason);
        }
    }

    /** Hands a new match to its lane (which runs init first, unless it ran inline already). Any thread. */
    void start() {
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            lane.wake(this);
        }
    }

    MatchWorker lane() {
        return lane;
    }

    /**
     * A command that must not be lost (join, leave, stop, terminate): a full control queue means
     * the lane is {@link #MEMBERSHIP_HEADROOM} changes behind, and the match is ended rather
     * than run on with a wrong member list. Returns whether it was queued.
     */
    private boolean offerOrEnd(Object command) {
        if (control.offer(command)) {
            afterOffer();
            return true;
        }
        LOG.warn("{}: control queue of {} is full; ending the match", this, CONTROL_QUEUE_SIZE);
        abandon(CONTROL_FULL);
        return false;
    }

    private void afterOffer() {
        if (phase == ENDED) {
            drainAfterEnd(); // the lane may have drained for the last time before our offer
        } else if (SCHEDULED.compareAndSet(this, 0, 1)) {
            lane.wake(this);
        }
    }

    // ---- the lane's side (lane thread) ---------------------------------------------------------

    /** The lane took this match from its attention queue. */
    void onAttention(long now) {
        scheduled = 0;
        if (phase == NEW) {
            init(now);
        }
        if (phase == RUNNING && timerId == NO_TIMER) {
            timerId = lane.schedule(this, nextTickAt);
        }
        processControl();
    }

    /** Initialises on the calling thread: the lane's, or (inline) a handler's on the same lane. */
    void init(long now) {
        if (phase != NEW) {
            return;
        }
        if (!invokeInit()) {
            return;
        }
        MatchInit<?> init = (MatchInit<?>) callResult;
        callResult = null;
        String problem = null;
        if (init == null) {
            problem = "Match handler '" + handlerName + "' init returned null.";
        } else if (init.state() == null) {
            problem = "Match handler '" + handlerName + "' init returned no state.";
        } else if (init.tickRate() < MatchSettings.MIN_TICK_RATE || init.tickRate() > MatchSettings.MAX_TICK_RATE) {
            problem = "Match handler '" + handlerName + "' init returned tick rate " + init.tickRate()
                    + "; it must be between " + MatchSettings.MIN_TICK_RATE + " and " + MatchSettings.MAX_TICK_RATE + ".";
        } else if (init.label() != null && init.label().length() > MatchSettings.MAX_LABEL_LENGTH) {
            problem = "Match handler '" + handlerName + "' init returned a label of " + init.label().length()
                    + " characters; at most " + MatchSettings.MAX_LABEL_LENGTH + " are allowed.";
        }
        if (problem != null) {
            failCreation(new IllegalArgumentException(problem));
            return;
        }
        state = init.state();
        tickRate = init.tickRate();
        label = init.label() == null ? "" : init.label();
        intervalNanos = TimeUnit.SECONDS.toNanos(1) / tickRate;
        budgetNanos = Math.max(10 * intervalNanos, MIN_BUDGET_NANOS);
        maxEmptyTicks = settings.maxEmptySec() * tickRate;
        nextTickAt = now + intervalNanos;
        if (!PHASE.compareAndSet(this, NEW, RUNNING)) {
            return; // abandoned meanwhile
        }
        listing.update(info());
        service.register(this, () -> created.complete(null));
    }

    private boolean invokeInit() {
        long token = lane.enterCall(this);
        Object result = null;
        Throwable failure = null;
        long start = System.nanoTime();
        try {
            result = handler.init(context, params);
        } catch (Throwable t) {
            failure = t;
        }
        lane.exitCall(token);
        if (failure != null) {
            LOG.warn("match handler '{}' init failed; no match is created", handlerName, failure);
            failCreation(failure);
            return false;
        }
        if (System.nanoTime() - start > budgetNanos) {
            failCreation(new IllegalStateException("Match handler '" + handlerName + "' init took longer than "
                    + TimeUnit.NANOSECONDS.toSeconds(budgetNanos) + " s."));
            return false;
        }
        callResult = result;
        return true;
    }

    private void failCreation(Throwable failure) {
        if (PHASE.compareAndSet(this, NEW, ENDED)) {
            lane.remove(this);
            lane.load.decrementAndGet();
            onEnded.accept(this); // before the creator wakes up: it must not see the match any more
            created.completeExceptionally(failure);
            drainAfterEnd();
        }
    }

    /** The wheel fired this match's timer (lane thread). */
    void timerFired() {
        timerId = NO_TIMER;
    }

    void cancelTimer() {
        if (timerId != NO_TIMER) {
            lane.cancel(timerId);
            timerId = NO_TIMER;
        }
    }

    /** When the next tick is due ({@link System#nanoTime()} time). */
    long nextTickAt() {
        return nextTickAt;
    }

    /** A fresh thread took the lane over: anything in flight on the old one is looked at again. */
    void resumeOnNewThread() {
        scheduled = 0;
        inCall = false;
        deferred.clear();
    }

    /** Its timer fired: one tick (lane thread). */
    void onTick() {
        if (phase != RUNNING) {
            return;
        }
        processControl(); // joins before the data of the joiners
        if (phase != RUNNING) {
            return;
        }
        if (terminateAt != 0 && System.nanoTime() - terminateAt >= 0) {
            endMatch(null);
            return;
        }
        runTick();
        if (phase == RUNNING && timerId == NO_TIMER) {
            long now = System.nanoTime();
            long next = nextTickAt + intervalNanos;
            if (next - now <= 0) {
                // late: skip the ticks already missed, keep the phase
                next += ((now - next) / intervalNanos + 1) * intervalNanos;
            }
            nextTickAt = next;
            timerId = lane.schedule(this, next);
        }
    }

    private void runTick() {
        List<MatchMessage> messages = drainInput();
        long current = ++tick;
        Object previous = state;
        // inlined call (the hot path): watch, call, unwatch
        long token = lane.enterCall(this);
        inCall = true;
        Object next = null;
        Throwable failure = null;
        long start = System.nanoTime();
        try {
            next = handler.loop(context, dispatcher, current, previous, messages);
        } catch (Throwable t) {
            failure = t;
        }
        lane.exitCall(token);
        inCall = false;
        if (!afterCall("loop", failure, start)) {
            return;
        }
        flushDeferred();
        if (next == null) {
            endMatch(null);
            return;
        }
        state = next;
        if (members.isEmpty()) {
            if (maxEmptyTicks > 0 && ++emptyTicks >= maxEmptyTicks) {
                LOG.info("match {} ({}) was empty for {} s and ends", id, handlerName, settings.maxEmptySec());
                endMatch(null);
            }
        } else {
            emptyTicks = 0;
        }
    }

    private List<MatchMessage> drainInput() {
        if (queued == 0) {
            return List.of();
        }
        List<MatchMessage> messages = new ArrayList<>(Math.min(queued, settings.inputQueueSize()));
        MatchMessage message;
        while ((message = input.poll()) != null) {
            messages.add(message);
        }
        QUEUED.getAndAdd(this, -messages.size());
        return messages;
    }

    private void processControl() {
        Object command;
        while (phase != ENDED && (command = control.poll()) != null) {
            if (command instanceof Joined joined) {
                List<Joined> batch = new ArrayList<>(2);
                batch.add(joined);
                while (control.peek() instanceof Joined) {
                    Object more = control.poll();
                    if (more instanceof Joined next) {
                        batch.add(next);
                    } else if (more != null) {
                        handle(more);
                        break;
                    }
                }
                onJoined(batch);
            } else if (command instanceof Left left) {
                onLeft(left.presences());
            } else {
                handle(command);
            }
        }
        if (phase == ENDED) {
            drainAfterEnd();
        }
    }

    private void handle(Object command) {
        if (command instanceof JoinAttempt attempt) {
            onJoinAttempt(attempt);
        } else if (command instanceof Joined joined) {
            onJoined(List.of(joined));
        } else if (command instanceof Left left) {
            onLeft(left.presences());
        } else if (command instanceof Signal signal) {
            onSignal(signal);
        } else if (command instanceof Terminate terminate) {
            onTerminate(terminate);
        } else if (command instanceof Stop stop) {
            endMatch(stop.reason());
        }
    }

    private void onJoinAttempt(JoinAttempt attempt) {
        pendingJoinAttempts.decrementAndGet();
        if (attempt.session().isClosed()) {
            return; // gone before its turn: the handler never hears of it
        }
        Presence presence = runtimePresence(attempt.presence());
        Object current = state;
        if (!invoke("joinAttempt", () -> handler.joinAttempt(context, dispatcher, tick, current, presence, attempt.metadata()))) {
            attempt.session().send(Replies.error(attempt.cid(), Error.Code.MATCH_NOT_FOUND, "Match not found"));
            return;
        }
        JoinDecision<?> decision = (JoinDecision<?>) takeResult();
        if (decision == null) {
            failed("joinAttempt", new IllegalStateException("joinAttempt returned null"));
            attempt.session().send(Replies.error(attempt.cid(), Error.Code.MATCH_NOT_FOUND, "Match not found"));
            return;
        }
        flushDeferred();
        if (decision.state() == null) {
            attempt.session().send(Replies.error(attempt.cid(), Error.Code.MATCH_NOT_FOUND, "Match not found"));
            endMatch(null);
            return;
        }
        state = decision.state();
        if (decision.accepted()) {
            service.joinAccepted(this, attempt.session(), attempt.presence(), attempt.cid());
        } else {
            service.joinRejected(attempt.session(), attempt.cid(), decision.rejectReason());
        }
    }

    private void onJoined(List<Joined> joins) {
        List<Presence> presences = new ArrayList<>(joins.size());
        for (Joined join : joins) {
            Presence presence = runtimePresence(join.presence());
            if (members.putIfAbsent(join.session().id(), new Member(join.session(), join.presence(), presence)) == null) {
                presences.add(presence);
            }
        }
        if (presences.isEmpty()) {
            return;
        }
        membersChanged();
        emptyTicks = 0;
        Object current = state;
        if (!invoke("join", () -> handler.join(context, dispatcher, tick, current, presences))) {
            return;
        }
        afterStateCall();
    }

    private void onLeft(List<UserPresence> left) {
        List<Presence> presences = new ArrayList<>(left.size());
        for (UserPresence userPresence : left) {
            Member member = members.remove(userPresence.getSessionId());
            if (member != null) {
                presences.add(member.presence());
            }
        }
        if (presences.isEmpty()) {
            return;
        }
        membersChanged();
        Object current = state;
        if (!invoke("leave", () -> handler.leave(context, dispatcher, tick, current, presences))) {
            return;
        }
        afterStateCall();
    }

    private void onSignal(Signal signal) {
        pendingSignals.decrementAndGet();
        Object current = state;
        if (!invoke("signal", () -> handler.signal(context, dispatcher, tick, current, signal.data()))) {
            signal.reply().completeExceptionally(new IllegalStateException("Match " + id + " failed handling the signal."));
            return;
        }
        SignalResult<?> result = (SignalResult<?>) takeResult();
        if (result == null) {
            failed("signal", new IllegalStateException("signal returned null"));
            signal.reply().completeExceptionally(new IllegalStateException("Match " + id + " failed handling the signal."));
            return;
        }
        flushDeferred();
        signal.reply().complete(result.reply() == null ? "" : result.reply());
        if (result.state() == null) {
            endMatch(null);
        } else {
            state = result.state();
        }
    }

    private void onTerminate(Terminate terminate) {
        Object current = state;
        int grace = Math.max(0, terminate.graceSeconds());
        boolean ok = invoke("terminate", () -> handler.terminate(context, dispatcher, tick, current, grace));
        Object next = ok ? takeResult() : null;
        if (ok) {
            flushDeferred();
        }
        terminate.done().complete(null);
        if (!ok) {
            return;
        }
        if (next == null || grace == 0) {
            endMatch(null);
        } else {
            state = next;
            long at = System.nanoTime() + TimeUnit.SECONDS.toNanos(grace);
            terminateAt = at == 0 ? 1 : at;
        }
    }

    /** After join/leave: keep the returned state, or end on null. */
    private void afterStateCall() {
        Object next = takeResult();
        flushDeferred();
        if (next == null) {
            endMatch(null);
        } else {
            state = next;
        }
    }

    /** Runs a handler call under the watch; false when it failed or overran (the match is then ended). */
    private boolean invoke(String what, Call call) {
        long token = lane.enterCall(this);
        boolean outer = !inCall;
        inCall = true;
        Object result = null;
        Throwable failure = null;
        long start = System.nanoTime();
        try {
            result = call.run();
        } catch (Throwable t) {
            failure = t;
        }
        lane.exitCall(token); // throws Retired on a thread the watchdog took the lane from: nothing below runs there
        if (outer) {
            inCall = false;
        }
        if (!afterCall(what, failure, start)) {
            return false;
        }
        callResult = result;
        return true;
    }

    private Object takeResult() {
        Object result = callResult;
        callResult = null;
        return result;
    }

    private boolean afterCall(String what, Throwable failure, long start) {
        if (failure != null) {
            failed(what, failure);
            return false;
        }
        long took = System.nanoTime() - start;
        if (took > budgetNanos) {
            LOG.error("match {} ({}): {} took {} ms, over its budget of {} ms; the match ends", id, handlerName, what,
                    TimeUnit.NANOSECONDS.toMillis(took), TimeUnit.NANOSECONDS.toMillis(budgetNanos));
            endMatch(OVERRAN);
            return false;
        }
        return true;
    }

    private void failed(String what, Throwable failure) {
        LOG.error("match {} ({}): {} threw; the match ends, the server goes on", id, handlerName, what, failure);
        endMatch("handler error: " + describe(failure));
    }

    static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            message = failure.getClass().getSimpleName();
        }
        message = message.replace('\n', ' ');
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    /** Ends the match from its lane: the router tells the players. */
    private void endMatch(String reason) {
        if ((int) PHASE.getAndSet(this, ENDED) == ENDED) {
            return;
        }
        deferred.clear();
        lane.remove(this);
        finishEnd(reason);
    }

    /** Any thread, once: the match is gone for the router, the listing, the registry and waiters. */
    private void finishEnd(String reason) {
        lane.load.decrementAndGet();
        listing.remove(id);
        onEnded.accept(this);
        service.ended(id, reason);
        created.completeExceptionally(new IllegalStateException("Match " + id + " ended before it was created"
                + (reason == null ? "." : ": " + reason)));
        drainAfterEnd();
    }

    /** Any thread, after the end: answers whatever is still queued. */
    private void drainAfterEnd() {
        Object command;
        while ((command = control.poll()) != null) {
            if (command instanceof JoinAttempt attempt) {
                pendingJoinAttempts.decrementAndGet();
                attempt.session().send(Replies.error(attempt.cid(), Error.Code.MATCH_NOT_FOUND, "Match not found"));
            } else if (command instanceof Signal signal) {
                pendingSignals.decrementAndGet();
                signal.reply().completeExceptionally(new IllegalStateException("Match " + id + " has ended."));
            } else if (command instanceof Terminate terminate) {
                terminate.done().complete(null);
            }
        }
    }

    private void membersChanged() {
        recipients = new Session[members.size()];
        int i = 0;
        for (Member member : members.values()) {
            recipients[i++] = member.session();
        }
        size = recipients.length;
        listing.update(info());
    }

    private void flushDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        for (int i = 0; i < deferred.size(); i++) {
            Deferred d = deferred.get(i);
            send(d.outbound(), d.to());
        }
        deferred.clear();
    }

    private void send(Outbound outbound, Collection<Presence> to) {
        if (to == null) {
            Session[] all = recipients;
            for (Session session : all) {
                session.send(outbound);
            }
            return;
        }
        for (Presence presence : to) {
            if (presence == null) {
                continue;
            }
            Member member = members.get(presence.sessionId());
            if (member != null) {
                member.session().send(outbound);
            }
        }
    }

    private Outbound matchData(long opCode, byte[] data, Presence sender, boolean reliable) {
        if (opCode < 0) {
            throw new IllegalArgumentException("op code must not be negative, not " + opCode);
        }
        MatchData.Builder matchData = MatchData.newBuilder()
                .setMatchId(id)
                .setOpCode(opCode)
                .setReliable(reliable);
        if (data != null && data.length > 0) {
            matchData.setData(ByteString.copyFrom(data));
        }
        if (sender != null) {
            Member member = members.get(sender.sessionId());
            matchData.setPresence(member != null ? member.userPresence() : UserPresence.newBuilder()
                    .setUserId(nullToEmpty(sender.userId()))
                    .setSessionId(nullToEmpty(sender.sessionId()))
                    .setUsername(nullToEmpty(sender.username()))
                    .build());
        }
        return Outbound.of(Envelope.newBuilder().setMatchData(matchData).build());
    }

    private Presence runtimePresence(UserPresence presence) {
        return new Presence(presence.getUserId(), presence.getSessionId(), presence.getUsername(), node);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    @Override
    public String toString() {
        return "match " + id + " (" + handlerName + ")";
    }

    // ---- what the handler sees ----------------------------------------------------------------

    private final class Context implements MatchContext {
        @Override
        public String matchId() {
            return id;
        }

        @Override
        public String node() {
            return node;
        }

        @Override
        public String handlerName() {
            return handlerName;
        }

        @Override
        public ServerApi server() {
            if (server == null) {
                throw new IllegalStateException("This match runs outside a server: no server API.");
            }
            return server;
        }

        @Override
        public String toString() {
            return AuthoritativeMatchRunner.this.toString();
        }
    }

    private final class Dispatcher implements MatchDispatcher {

        private void checkCall() {
            if (!inCall || !lane.isLaneThread()) {
                throw new IllegalStateException("A match dispatcher is valid only during the handler call it was passed to, on that thread.");
            }
        }

        @Override
        public void broadcast(long opCode, byte[] data, Collection<Presence> to, Presence sender, boolean reliable) {
            checkCall();
            send(matchData(opCode, data, sender, reliable), to);
        }

        @Override
        public void broadcastDeferred(long opCode, byte[] data, Collection<Presence> to, Presence sender, boolean reliable) {
            checkCall();
            deferred.add(new Deferred(matchData(opCode, data, sender, reliable), to == null ? null : List.copyOf(to)));
        }

        @Override
        public void kick(Collection<Presence> presences) {
            checkCall();
            if (presences == null || presences.isEmpty()) {
                return;
            }
            List<String> sessionIds = new ArrayList<>(presences.size());
            for (Presence presence : presences) {
                if (presence != null && members.containsKey(presence.sessionId())) {
                    sessionIds.add(presence.sessionId());
                }
            }
            if (!sessionIds.isEmpty()) {
                service.kick(id, sessionIds);
            }
        }

        @Override
        public void updateLabel(String newLabel) {
            checkCall();
            String value = newLabel == null ? "" : newLabel;
            if (value.length() > MatchSettings.MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException("match label is " + value.length() + " characters; at most "
                        + MatchSettings.MAX_LABEL_LENGTH + " are allowed");
            }
            if (!value.equals(label)) {
                label = value;
                listing.update(info());
            }
        }
    }
}
