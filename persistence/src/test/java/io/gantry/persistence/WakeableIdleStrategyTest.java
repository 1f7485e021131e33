package io.gantry.persistence;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;

class WakeableIdleStrategyTest {

    /** The agent parks for an hour unless woken: only a wake-up lets it see the work in time. */
    @Test
    void anOfferWakesAParkedAgent() throws InterruptedException {
        AtomicBoolean work = new AtomicBoolean();
        WakeableIdleStrategy idle = new WakeableIdleStrategy(TimeUnit.HOURS.toNanos(1), work::get);
        Thread agent = new Thread(() -> {
            while (!work.get()) {
                idle.idle(0);
            }
        }, "test-agent");
        agent.start();
        work.set(true);
        idle.wake();
        agent.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(agent.isAlive(), "the agent was not woken");
    }

    /** Work offered before the agent parks is seen without a wake-up (the agent asks again first). */
    @Test
    void workAlreadyWaitingIsNotSleptOn() throws InterruptedException {
        WakeableIdleStrategy idle = new WakeableIdleStrategy(TimeUnit.HOURS.toNanos(1), () -> true);
        Thread agent = new Thread(() -> idle.idle(0), "test-agent");
        agent.start();
        agent.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(agent.isAlive(), "the agent parked although work was waiting");
    }
}
