package io.gantry.persistence;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An idle strategy for an agent that producers wake: when idle, the agent parks (up to
 * {@code maxParkNanos}, so its timers still run) and a producer that has just offered work calls
 * {@link #wake}, which unparks it only if it is parked.
 *
 * <p>Why not Agrona's {@code BackoffIdleStrategy}: its parks have a fixed longest length, so an
 * idle agent either wakes often (a 1 ms park is a thousand wake-ups a second of an idle server,
 * each one taking the core from an event loop on a small machine) or answers late (a 100 ms park
 * delays the first ack after a quiet spell by up to 100 ms). Here an idle agent costs nothing and
 * work is picked up at once.
 *
 * <p>No wake-up is lost: the agent publishes that it is parked (volatile) and then asks
 * {@code hasWork} once more before parking; a producer publishes its item and then reads whether
 * the agent is parked. One of the two always sees the other.
 */
final class WakeableIdleStrategy implements IdleStrategy {

    private final long maxParkNanos;
    private final BooleanSupplier hasWork;
    private volatile Thread parked;

    /**
     * @param hasWork whether anything is waiting for the agent (any thread may ask)
     */
    WakeableIdleStrategy(long maxParkNanos, BooleanSupplier hasWork) {
        this.maxParkNanos = maxParkNanos;
        this.hasWork = hasWork;
    }

    @Override
    public void idle(int workCount) {
        if (workCount <= 0) {
            idle();
        }
    }

    @Override
    public void idle() {
        parked = Thread.currentThread();
        try {
            if (!hasWork.getAsBoolean()) {
                LockSupport.parkNanos(this, maxParkNanos);
            }
        } finally {
            parked = null;
        }
    }

    @Override
    public void reset() {
    }

    /** Unparks the agent if it is parked. Any thread; call it after offering work. */
    void wake() {
        Thread thread = parked;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public String alias() {
        return "wakeable";
    }
}
