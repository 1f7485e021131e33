package io.gantry.core.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.gantry.core.match.AuthoritativeMatchLifecycleTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A handler that throws, overruns or never returns ends its own match only: the other matches of
 * the same lane (one lane here, so they share the thread) keep ticking.
 */
class MatchFailureIsolationTest {

    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(400);

    private static Envelope awaitEnd(MatchHarness.Client client) {
        return client.await(Envelope::hasError);
    }

    @Test
    void aThrowingHandlerEndsItsMatchAloneAndItsPlayersAreTold() {
        ScriptedMatch healthy = new ScriptedMatch(20);
        ScriptedMatch faulty = new ScriptedMatch(20);
        try (MatchHarness h = new MatchHarness(1, STUCK_NANOS, MatchSettings.DEFAULTS,
                r -> r.match("healthy", () -> healthy).match("faulty", () -> faulty))) {
            h.registry.create("healthy", Map.of());
            String bad = h.registry.create("faulty", Map.of());
            MatchHarness.Client alice = h.client("alice");
            alice.join(bad, Map.of());
            faulty.onLoop = (ctx, d, tick, messages) -> {
                throw new IllegalStateException("the map has no spawn points");
            };
            Envelope leave = alice.await(e -> e.hasMatchPresenceEvent() && e.getMatchPresenceEvent().getLeavesCount() == 1);
            assertEquals(bad, leave.getMatchPresenceEvent().getMatchId());
            Envelope error = awaitEnd(alice);
            assertEquals(Error.Code.RUNTIME_EXCEPTION_VALUE, error.getError().getCode());
            assertEquals("Match " + bad + " ended: handler error: the map has no spawn points", error.getError().getMessage());
            long before = healthy.ticks.get();
            eventually("the healthy match keeps ticking", () -> healthy.ticks.get() > before + 5);
            assertEquals(1, h.registry.count());
        }
    }

    @Test
    void aCallOverItsBudgetEndsTheMatchOnceItReturns() {
        ScriptedMatch healthy = new ScriptedMatch(20);
        ScriptedMatch slow = new ScriptedMatch(20); // budget: max(10 x 50 ms, 1 s) = 1 s
        try (MatchHarness h = new MatchHarness(1, TimeUnit.SECONDS.toNanos(30), MatchSettings.DEFAULTS,
                r -> r.match("healthy", () -> healthy).match("slow", () -> slow))) {
            h.registry.create("healthy", Map.of());
            String id = h.registry.create("slow", Map.of());
            MatchHarness.Client alice = h.client("alice");
            alice.join(id, Map.of());
            AtomicBoolean once = new AtomicBoolean();
            slow.onLoop = (ctx, d, tick, messages) -> {
                if (once.compareAndSet(false, true)) {
                    sleep(1300);
                }
                return true;
            };
            Envelope error = awaitEnd(alice);
            assertEquals("Match " + id + " ended: handler overran its tick", error.getError().getMessage());
            long before = healthy.ticks.get();
            eventually("the other match goes on", () -> healthy.ticks.get() > before + 5);
        }
    }

    @Test
    void aStuckHandlerLosesItsThreadAndTheOtherMatchesMoveToAFreshOne() {
        ScriptedMatch healthy = new ScriptedMatch(20);
        ScriptedMatch stuck = new ScriptedMatch(20);
        AtomicBoolean release = new AtomicBoolean();
        AtomicReference<Thread> stuckThread = new AtomicReference<>();
        try (MatchHarness h = new MatchHarness(1, STUCK_NANOS, MatchSettings.DEFAULTS,
                r -> r.match("healthy", () -> healthy).match("stuck", () -> stuck))) {
            String good = h.registry.create("healthy", Map.of());
            String bad = h.registry.create("stuck", Map.of());
            MatchHarness.Client alice = h.client("alice");
            MatchHarness.Client bob = h.client("bob");
            alice.join(bad, Map.of());
            bob.join(good, Map.of());
            stuck.onLoop = (ctx, d, tick, messages) -> {
                stuckThread.set(Thread.currentThread());
                while (!release.get()) {
                    Thread.onSpinWait(); // deaf to interrupts, like a real endless loop
                }
                return true;
            };
            Envelope error = awaitEnd(alice);
            assertTrue(error.getError().getMessage().startsWith("Match " + bad + " ended: handler stuck"), error::toString);
            assertEquals(1, h.workers.threadsReplaced());
            long before = healthy.ticks.get();
            eventually("the healthy match ticks on a fresh thread", () -> healthy.ticks.get() > before + 10);
            assertTrue(h.registry.signal(good, "still there?").contains("still there?"));
            // its players, joins and leaves carry on too
            MatchHarness.Client carol = h.client("carol");
            assertTrue(carol.join(good, Map.of()).hasMatch());
            assertEquals(1, h.registry.count());
            assertTrue(stuckThread.get().isAlive(), "the stuck call is still running: it was never waited for");
        } finally {
            release.set(true);
        }
        eventually("the abandoned thread exits once its call returns", () -> !stuckThread.get().isAlive());
    }

    @Test
    void aHandlerMayCreateAndSignalMatchesOnItsOwnLane() {
        ScriptedMatch parent = new ScriptedMatch(20);
        AtomicReference<String> child = new AtomicReference<>();
        AtomicReference<String> reply = new AtomicReference<>();
        try (MatchHarness h = new MatchHarness(1, r -> r.match("parent", () -> parent).match("child", () -> new ScriptedMatch(5)))) {
            parent.onLoop = (ctx, d, tick, messages) -> {
                if (child.get() == null) {
                    String id = h.registry.create("child", Map.of()); // same lane: init runs inline
                    child.set(id);
                    reply.set(h.registry.signal(id, "hello")); // same lane: handled inline
                }
                return true;
            };
            h.registry.create("parent", Map.of());
            eventually("the child exists and answered", () -> reply.get() != null);
            assertTrue(reply.get().endsWith("data=hello"), reply.get());
            assertEquals(2, h.registry.count());
            assertTrue(h.registry.signal(child.get(), "later").endsWith("data=later"), "the child was adopted by the lane");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
