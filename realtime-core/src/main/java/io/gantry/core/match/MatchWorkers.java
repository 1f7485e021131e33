package io.gantry.core.match;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads authoritative matches run on: a few lanes (one per core by default), each a
 * single-writer agent with a timer wheel of ticks and a queue of matches needing attention.
 * A match is pinned to one lane for life, so its handler, state and players are only ever
 * touched by that lane's thread: no locks, no thread per match.
 *
 * <p>A watchdog thread looks at the lanes a few times a second. A handler call that has held a
 * lane's thread for longer than {@link #STUCK_CALL_NANOS} (an endless loop, a deadlock) cannot
 * be stopped in Java, but it must not stall the other matches of the lane: the watchdog
 * interrupts the thread, gives the lane to a fresh thread, and ends the stuck match (its players
 * are told). The old thread exits if its call ever returns.
 *
 * <pre>{@code
 * MatchWorkers workers = new MatchWorkers();     // one lane per core
 * ... new MatchRegistry(runtime, matchService, router, listing, workers, settings, serverApi) ...
 * workers.close();                               // after the registry ended the matches
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class MatchWorkers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MatchWorkers.class);

    /** How long one handler call may hold a lane before the lane is given to a fresh thread. */
    public static final long STUCK_CALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Sees every tick as it starts; for benchmarks and metrics. Called on lane threads: be quick. */
    @FunctionalInterface
    public interface TickObserver {
        /**
         * @param scheduledNanos when the tick was due ({@link System#nanoTime()} time)
         * @param startedNanos   when the lane started it
         */
        void onTick(long scheduledNanos, long startedNanos);
    }

    private final MatchWorker[] lanes;
    private final long stuckCallNanos;
    private final Thread watchdog;
    private final AtomicLong threadsReplaced = new AtomicLong();
    private volatile StuckListener stuckListener;
    private volatile boolean closed;

    /** What the registry does with a match whose lane was taken away. */
    interface StuckListener {
        void onStuck(AuthoritativeMatchRunner runner, long callNanos);
    }

    /** One lane per available core. */
    public MatchWorkers() {
        this(Runtime.getRuntime().availableProcessors(), STUCK_CALL_NANOS, null);
    }

    /**
     * @param lanes          how many threads run matches
     * @param stuckCallNanos how long a handler call may hold a lane (tests make it short)
     * @param observer       told about every tick, or null
     */
    public MatchWorkers(int lanes, long stuckCallNanos, TickObserver observer) {
        if (lanes < 1) {
            throw new IllegalArgumentException("at least one match worker, not " + lanes);
        }
        this.stuckCallNanos = stuckCallNanos;
        this.lanes = new MatchWorker[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new MatchWorker(i, observer);
            this.lanes[i].startThread();
        }
        this.watchdog = new Thread(this::watch, "gantry-match-watchdog");
        this.watchdog.setDaemon(true);
        this.watchdog.start();
    }

    void stuckListener(StuckListener listener) {
        this.stuckListener = listener;
    }

    /**
     * The lane for a new match: the least loaded one, other than {@code avoid} when there is a
     * choice (a handler creating a match waits for its init, so it must not be its own lane).
     */
    MatchWorker assign(MatchWorker avoid) {
        MatchWorker best = null;
        for (MatchWorker lane : lanes) {
            if (lane == avoid && lanes.length > 1) {
                continue;
            }
            if (best == null || lane.load.get() < best.load.get()) {
                best = lane;
            }
        }
        best.load.incrementAndGet();
        return best;
    }

    /** Counts a new match on a given lane (a handler's blocking create: its own lane). */
    MatchWorker pin(MatchWorker lane) {
        lane.load.incrementAndGet();
        return lane;
    }

    /** The lane whose thread is the caller, or null. */
    MatchWorker currentLane() {
        for (MatchWorker lane : lanes) {
            if (lane.isLaneThread()) {
                return lane;
            }
        }
        return null;
    }

    /** How many lanes (threads running matches) there are. */
    public int size() {
        return lanes.length;
    }

    /** Threads replaced because a handler call got stuck, since start. */
    public long threadsReplaced() {
        return threadsReplaced.get();
    }

    private void watch() {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(stuckCallNanos / 10, TimeUnit.MILLISECONDS.toNanos(250)));
        while (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, period);
            long now = System.nanoTime();
            for (MatchWorker lane : lanes) {
                AuthoritativeMatchRunner stuck;
                String laneName = lane.toString();
                try {
                    stuck = lane.takeOverIfStuck(now, stuckCallNanos);
                } catch (RuntimeException e) {
                    LOG.error("match watchdog failed on {}", lane, e);
                    continue;
                }
                if (stuck != null) {
                    threadsReplaced.incrementAndGet();
                    LOG.error("a handler call of match {} ({}) has run for over {} ms: its thread is interrupted and "
                                    + "abandoned, the other matches of {} move to a fresh thread, and the match is ended",
                            stuck.id(), stuck.handlerName(), TimeUnit.NANOSECONDS.toMillis(stuckCallNanos), laneName);
                    StuckListener listener = stuckListener;
                    if (listener != null) {
                        listener.onStuck(stuck, stuckCallNanos);
                    }
                }
            }
        }
    }

    /** Stops the lanes (end the matches first: {@link MatchRegistry#shutdown}). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        java.util.concurrent.locks.LockSupport.unpark(watchdog);
        try {
            for (MatchWorker lane : lanes) {
                lane.stop(1000);
            }
            watchdog.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
