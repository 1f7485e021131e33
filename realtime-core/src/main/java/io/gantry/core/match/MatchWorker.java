package io.gantry.core.match;

import org.agrona.DeadlineTimerWheel;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One lane of the match worker pool: the single writer of the matches pinned to it. It owns a
 * timer wheel of their next ticks and a queue of matches needing attention (new ones, join
 * attempts, joins and leaves, signals); it runs the handler calls, then parks until the next
 * deadline or until a producer unparks it. No thread per match.
 *
 * <p>The lane outlives its thread. When a handler call has held the thread for too long (see
 * {@link MatchWorkers}), the watchdog takes the lane away from that thread with a CAS on the
 * call token and starts a fresh thread on the same lane: same queue, same wheel, same matches
 * minus the stuck one. The stuck thread, should it ever come back, finds its token gone and
 * exits without touching anything ({@link Retired}). Producers hold the lane, not the thread,
 * so nothing is lost in the hand-over.
 *
 * <p>Threads: {@link #wake} from any thread; everything else on the lane's current thread,
 * except the watchdog hand-over in {@link #takeOverIfStuck}.
 */
final class MatchWorker implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(MatchWorker.class);

    /**
     * 65.5 µs (the wheel wants a power of two): fine enough that the ticks of many matches spread
     * over many spokes, so that scheduling (a scan of one spoke for a free slot) and polling (a
     * scan of one spoke) stay short with tens of thousands of matches per lane.
     */
    static final int RESOLUTION_BITS = 16;
    static final long TICK_RESOLUTION_NANOS = 1L << RESOLUTION_BITS;
    /** 16384 spokes of 65.5 µs: just over a second, the longest tick interval (1 Hz). */
    static final int TICKS_PER_WHEEL = 16384;
    private static final int SPOKE_MASK = TICKS_PER_WHEEL - 1;
    /** Longest park when nothing is scheduled: a safety net, wake-ups normally come by unpark. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Matches handled per queue drain, so a flood of wake-ups cannot starve the ticks. */
    private static final int DRAIN_LIMIT = 4096;

    /** Asynchronous calls a lane's handlers may have pending at once; more fail at once. */
    static final int MAX_PENDING_ASYNC = 1024;

    /** A completion to run on the lane, watched as a call of the match whose handler made the call. */
    record AsyncCompletion(AuthoritativeMatchRunner caller, Runnable task) {
    }

    private static final long NOT_IN_CALL = 0;
    private static final long RETIRED = -1;

    /** Thrown on a retired thread when its handler call finally returns: the thread must stop. */
    static final class Retired extends Error {
        private static final long serialVersionUID = 1L;

        Retired() {
            super("match worker thread was retired while in a handler call", null, false, false);
        }
    }

    private final int index;
    private final MatchWorkers.TickObserver observer;
    /** Matches needing attention; each match is in it at most once (its scheduled flag), so its size is bounded by the matches of this lane. */
    private final MpscUnboundedArrayQueue<AuthoritativeMatchRunner> attention = new MpscUnboundedArrayQueue<>(256);
    /**
     * Completions of asynchronous calls made by this lane's handlers ({@code Matches.createAsync},
     * {@code signalAsync}), run back on this lane. A lane has at most {@link #MAX_PENDING_ASYNC}
     * such calls pending (counted when the call starts, on the lane), so an offer never fails.
     */
    private final ManyToOneConcurrentArrayQueue<AsyncCompletion> completions =
            new ManyToOneConcurrentArrayQueue<>(MAX_PENDING_ASYNC);
    /** Lane thread: asynchronous calls started here and not yet completed here. */
    private int pendingAsync;
    private final DeadlineTimerWheel wheel;
    /**
     * The match of each timer, at the timer's own spoke and slot (a timer id is {@code spoke << 32 | slot}):
     * the wheel stores only deadlines, and a map from id to match costs a hash lookup per tick.
     */
    private final AuthoritativeMatchRunner[][] timerMatches = new AuthoritativeMatchRunner[TICKS_PER_WHEEL][];
    /** Timers per spoke, to find the next spoke with a deadline when parking. */
    private final int[] spokeTimers = new int[TICKS_PER_WHEEL];
    private final List<AuthoritativeMatchRunner> due = new ArrayList<>();
    private final DeadlineTimerWheel.TimerHandler onExpiry = this::onTimerExpiry;
    /** Lane thread: the matches pinned here. */
    private final Set<AuthoritativeMatchRunner> matches = new LinkedHashSet<>();
    /** Matches assigned here and not yet ended: what the pool balances on. Any thread. */
    final AtomicInteger load = new AtomicInteger();

    // ---- the call watch (see takeOverIfStuck) ----
    private final AtomicLong callToken = new AtomicLong(NOT_IN_CALL);
    private volatile long callStartNanos;
    private volatile AuthoritativeMatchRunner callRunner;
    /** Lane thread: whether a handler call is running (nested calls are watched as the outer one). */
    private boolean inCall;
    private long callSequence;

    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean running = true;
    private int generation;
    /** Set by the watchdog for the next thread: the stuck match to drop first thing. */
    private AuthoritativeMatchRunner evict;

    MatchWorker(int index, MatchWorkers.TickObserver observer) {
        this.index = index;
        this.observer = observer;
        // 4 slots per spoke to begin with (512 KB): the wheel doubles them when a spoke fills up
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), TICK_RESOLUTION_NANOS, TICKS_PER_WHEEL, 4);
    }

    @Override
    public String roleName() {
        return "gantry-match-" + index + (generation == 0 ? "" : "-r" + generation);
    }

    int index() {
        return index;
    }

    /** Starts a thread on this lane (the first one, or the replacement of a stuck one). */
    void startThread() {
        Thread next = new Thread(this::run, roleName());
        next.setDaemon(true);
        thread = next;
        next.start();
    }

    /** Makes the calling thread this lane's thread without starting one: for detached matches. */
    void bindCurrentThread() {
        thread = Thread.currentThread();
    }

    /** Whether the calling thread is this lane's current thread. */
    boolean isLaneThread() {
        return Thread.currentThread() == thread;
    }

    /** Whether the lane's thread is running a handler call now (lane thread). */
    boolean inCall() {
        return inCall;
    }

    /** Asks the lane to look at a match soon. Any thread; the match's scheduled flag dedups. */
    void wake(AuthoritativeMatchRunner runner) {
        attention.offer(runner);
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Lane thread, inside a handler call: reserves room for one completion to come back here.
     * Returns the match whose handler is calling, or throws when the lane has too many pending.
     */
    AuthoritativeMatchRunner beginAsync() {
        if (pendingAsync >= MAX_PENDING_ASYNC) {
            throw new IllegalStateException("Too many asynchronous calls pending on this match lane ("
                    + MAX_PENDING_ASYNC + "); wait for some to complete.");
        }
        pendingAsync++;
        return callRunner;
    }

    /** Any thread: runs a completion reserved with {@link #beginAsync} on this lane. */
    void completeAsync(AuthoritativeMatchRunner caller, Runnable task) {
        if (!completions.offer(new AsyncCompletion(caller, task))) {
            // cannot happen: beginAsync bounds what is pending by the queue's capacity
            LOG.error("{}: completion queue full; completion dropped", this);
            return;
        }
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    private int runCompletions() {
        int done = 0;
        AsyncCompletion completion;
        while (done < DRAIN_LIMIT && (completion = completions.poll()) != null) {
            done++;
            pendingAsync--;
            long token = enterCall(completion.caller());
            try {
                completion.task().run();
            } catch (RuntimeException e) {
                LOG.warn("a continuation of an asynchronous match call failed", e);
            }
            exitCall(token);
        }
        return done;
    }

    // ---- the agent --------------------------------------------------------------------------

    private void run() {
        Thread self = Thread.currentThread();
        onStart();
        while (running && thread == self) {
            int work;
            try {
                work = doWork();
            } catch (Retired retired) {
                LOG.warn("{} was retired after a stuck handler call and stops", self.getName());
                return;
            } catch (RuntimeException | Error e) {
                // our own bug, not a handler's (those are caught around each call): keep the lane alive
                LOG.error("match worker {} failed; carrying on", self.getName(), e);
                work = 1;
            }
            if (work == 0 && running && thread == self) {
                idle();
            }
        }
        if (thread == self) {
            onClose();
        }
    }

    @Override
    public void onStart() {
        AuthoritativeMatchRunner stuck = evict;
        evict = null;
        if (stuck == null) {
            return;
        }
        // Taking over from a stuck thread: drop the stuck match, then re-arm every other match
        // whose timer fired but whose tick the old thread never reached, and look at each once
        // (a wake-up may have been consumed by the old thread without being handled).
        remove(stuck);
        due.clear();
        for (AuthoritativeMatchRunner runner : matches) {
            runner.resumeOnNewThread();
            attention.offer(runner);
        }
    }

    @Override
    public int doWork() {
        int work = 0;
        long now = System.nanoTime();
        AuthoritativeMatchRunner runner;
        while (work < DRAIN_LIMIT && (runner = attention.relaxedPoll()) != null) {
            work++;
            if (!matches.contains(runner)) {
                if (runner.isEnded()) {
                    continue;
                }
                matches.add(runner);
            }
            runner.onAttention(now);
        }
        work += runCompletions();
        work += pollTimers(now);
        return work;
    }

    @Override
    public void onClose() {
        // the pool stopped: matches were ended by the registry before
        matches.clear();
        wheel.clear();
        java.util.Arrays.fill(timerMatches, null);
        java.util.Arrays.fill(spokeTimers, 0);
    }

    private int pollTimers(long now) {
        if (wheel.timerCount() == 0) {
            wheel.currentTickTime(now);
            return 0;
        }
        due.clear();
        do {
            wheel.poll(now, onExpiry, Integer.MAX_VALUE);
        } while (now >= wheel.currentTickTime() && wheel.timerCount() > 0);
        int fired = due.size();
        for (int i = 0; i < fired; i++) {
            AuthoritativeMatchRunner runner = due.get(i);
            if (observer != null) {
                observer.onTick(runner.nextTickAt(), now);
            }
            runner.onTick();
        }
        due.clear();
        return fired;
    }

    private boolean onTimerExpiry(TimeUnit unit, long now, long timerId) {
        AuthoritativeMatchRunner runner = takeTimer(timerId);
        if (runner != null) {
            runner.timerFired();
            due.add(runner);
        }
        return true;
    }

    private AuthoritativeMatchRunner takeTimer(long timerId) {
        int spoke = (int) (timerId >> 32);
        int slot = (int) timerId;
        AuthoritativeMatchRunner[] slots = timerMatches[spoke];
        if (slots == null || slot >= slots.length || slots[slot] == null) {
            return null;
        }
        AuthoritativeMatchRunner runner = slots[slot];
        slots[slot] = null;
        spokeTimers[spoke]--;
        return runner;
    }

    private void idle() {
        parked = true;
        try {
            if (!attention.isEmpty() || !completions.isEmpty() || !running) {
                return;
            }
            long now = System.nanoTime();
            long parkNanos = Math.min(MAX_PARK_NANOS, nextDeadline(now) - now);
            if (parkNanos > 0) {
                LockSupport.parkNanos(this, parkNanos);
            }
        } finally {
            parked = false;
            Thread.interrupted(); // a stray interrupt must not turn parking into spinning
        }
    }

    /**
     * When to wake up: the start of the next spoke holding a timer (the end of the current spoke
     * if it still holds one). Scans forward from the current spoke, so the cost is the gap
     * slept over.
     */
    private long nextDeadline(long now) {
        if (wheel.timerCount() == 0) {
            return now + MAX_PARK_NANOS;
        }
        long currentTickEnd = wheel.currentTickTime();
        long currentTick = ((currentTickEnd - wheel.startTime()) >> RESOLUTION_BITS) - 1;
        if (spokeTimers[(int) currentTick & SPOKE_MASK] > 0) {
            return currentTickEnd;
        }
        for (int k = 1; k < TICKS_PER_WHEEL; k++) {
            long tick = currentTick + k;
            if (spokeTimers[(int) tick & SPOKE_MASK] > 0) {
                return wheel.startTime() + (tick << RESOLUTION_BITS);
            }
        }
        return now + MAX_PARK_NANOS;
    }

    // ---- for the matches of this lane (lane thread) -----------------------------------------

    /** Schedules a match's next tick; returns the timer id. */
    long schedule(AuthoritativeMatchRunner runner, long deadlineNanos) {
        long timerId = wheel.scheduleTimer(deadlineNanos);
        int spoke = (int) (timerId >> 32);
        int slot = (int) timerId;
        AuthoritativeMatchRunner[] slots = timerMatches[spoke];
        if (slots == null || slot >= slots.length) {
            int length = Math.max(16, Integer.highestOneBit(slot) << 1);
            slots = slots == null ? new AuthoritativeMatchRunner[length] : java.util.Arrays.copyOf(slots, length);
            timerMatches[spoke] = slots;
        }
        slots[slot] = runner;
        spokeTimers[spoke]++;
        return timerId;
    }

    void cancel(long timerId) {
        if (takeTimer(timerId) != null) {
            wheel.cancelTimer(timerId);
        }
    }

    /** A match ended: it leaves the lane. */
    void remove(AuthoritativeMatchRunner runner) {
        if (matches.remove(runner)) {
            runner.cancelTimer();
        }
    }

    /** The matches of this lane (lane thread), for tests and shutdown. */
    int matchCount() {
        return matches.size();
    }

    // ---- the call watch -----------------------------------------------------------------------

    /**
     * Lane thread, before a handler call: starts the watch. Returns the call's token, or 0 for a
     * call nested in another (a handler creating or signalling a match), watched as the outer one.
     */
    long enterCall(AuthoritativeMatchRunner runner) {
        if (inCall) {
            return NOT_IN_CALL;
        }
        inCall = true;
        long token = ++callSequence;
        callRunner = runner;
        callStartNanos = System.nanoTime();
        callToken.set(token);
        return token;
    }

    /**
     * Lane thread, right after a handler call returned: ends the watch, or throws {@link Retired}
     * when the watchdog took the lane away meanwhile. Nothing of the lane is touched before the
     * CAS succeeds.
     */
    void exitCall(long token) {
        if (token == NOT_IN_CALL) {
            return;
        }
        if (!callToken.compareAndSet(token, NOT_IN_CALL)) {
            throw new Retired();
        }
        inCall = false;
        callRunner = null;
    }

    /**
     * Watchdog thread: when the lane's thread has been inside one handler call for longer than
     * {@code stuckNanos}, takes the lane away from it and starts a fresh thread for the lane's
     * other matches. Returns the stuck match, or null.
     *
     * <p>Why this is safe: the CAS succeeds only while the old thread is still inside that call
     * (it has not reached its own CAS in {@link #exitCall}), and everything the old thread wrote
     * before entering the call is visible here through the token it published. From then on
     * the old thread touches nothing of the lane.
     */
    AuthoritativeMatchRunner takeOverIfStuck(long now, long stuckNanos) {
        long token = callToken.get();
        if (token <= NOT_IN_CALL || now - callStartNanos < stuckNanos) {
            return null;
        }
        AuthoritativeMatchRunner stuck = callRunner;
        if (!callToken.compareAndSet(token, RETIRED)) {
            return null; // the call returned just now
        }
        Thread old = thread;
        old.interrupt();
        inCall = false;
        callRunner = null;
        evict = stuck;
        generation++;
        callToken.set(NOT_IN_CALL);
        if (running) {
            startThread();
        }
        return stuck;
    }

    /** Stops the lane's thread and waits for it, at most {@code waitMillis}. */
    void stop(long waitMillis) throws InterruptedException {
        running = false;
        Thread current = thread;
        if (current != null) {
            LockSupport.unpark(current);
            current.join(waitMillis);
        }
    }

    @Override
    public String toString() {
        return roleName();
    }
}
