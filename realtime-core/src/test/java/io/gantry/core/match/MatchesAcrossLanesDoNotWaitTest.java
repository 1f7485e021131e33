package io.gantry.core.match;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two matches on two lanes signal each other from their loops: the blocking form is refused
 * (it would have held both lanes for the full timeout), the asynchronous form answers each on
 * its caller's own lane, and both matches keep running.
 */
class MatchesAcrossLanesDoNotWaitTest {

    /** What one match's loop saw when it signalled the other. */
    private static final class Seen {
        final CompletableFuture<String> refusal = new CompletableFuture<>();
        final CompletableFuture<String> reply = new CompletableFuture<>();
        volatile Thread loopThread;
        volatile Thread continuationThread;
    }

    @Test
    void twoLanesSignallingEachOtherGetTheirRepliesOnTheirOwnLanes() throws Exception {
        ScriptedMatch first = new ScriptedMatch(20);
        ScriptedMatch second = new ScriptedMatch(20);
        try (MatchHarness h = new MatchHarness(2, r -> r.match("first", () -> first).match("second", () -> second))) {
            String firstId = h.registry.create("first", Map.of());
            String secondId = h.registry.create("second", Map.of());
            Seen byFirst = signalOnce(h, first, secondId);
            Seen bySecond = signalOnce(h, second, firstId);

            assertTrue(byFirst.refusal.get(5, TimeUnit.SECONDS).contains("signalAsync"),
                    "the blocking signal is refused and points at the async form");
            assertTrue(bySecond.refusal.get(5, TimeUnit.SECONDS).contains("signalAsync"));
            assertTrue(byFirst.reply.get(5, TimeUnit.SECONDS).endsWith("data=from " + firstId));
            assertTrue(bySecond.reply.get(5, TimeUnit.SECONDS).endsWith("data=from " + secondId));

            assertNotEquals(byFirst.loopThread, bySecond.loopThread, "the matches run on two lanes");
            assertEquals(byFirst.loopThread, byFirst.continuationThread, "the continuation runs on the caller's lane");
            assertEquals(bySecond.loopThread, bySecond.continuationThread);
            assertTrue(h.registry.get(firstId).isPresent() && h.registry.get(secondId).isPresent(),
                    "neither match was ended as overrunning");
        }
    }

    @Test
    void aHandlersAsyncCreateCompletesOnItsLane() throws Exception {
        ScriptedMatch creator = new ScriptedMatch(20);
        try (MatchHarness h = new MatchHarness(2, r -> r.match("creator", () -> creator).match("child", () -> new ScriptedMatch(20)))) {
            h.registry.create("creator", Map.of());
            CompletableFuture<String> childId = new CompletableFuture<>();
            CompletableFuture<Boolean> onLane = new CompletableFuture<>();
            creator.onLoop = (ctx, dispatcher, tick, messages) -> {
                if (tick == 1) {
                    Thread lane = Thread.currentThread();
                    h.registry.createAsync("child", Map.of()).whenComplete((id, failure) -> {
                        onLane.complete(Thread.currentThread() == lane);
                        if (failure != null) {
                            childId.completeExceptionally(failure);
                        } else {
                            childId.complete(id);
                        }
                    });
                }
                return true;
            };
            String id = childId.get(5, TimeUnit.SECONDS);
            assertTrue(onLane.get(5, TimeUnit.SECONDS));
            assertTrue(h.registry.get(id).isPresent());
        }
    }

    @Test
    void anAsyncSignalToAMissingMatchFailsWithoutWaiting() {
        try (MatchHarness h = new MatchHarness(1, r -> { })) {
            CompletableFuture<String> reply = h.registry.signalAsync("00000000-0000-0000-0000-000000000000.node1", "x")
                    .toCompletableFuture();
            assertTrue(reply.isCompletedExceptionally());
            assertFalse(reply.isCancelled());
        }
    }

    /** Makes the handler's next loop signal {@code target}: first with the blocking form, then asynchronously. */
    private static Seen signalOnce(MatchHarness h, ScriptedMatch handler, String target) {
        Seen seen = new Seen();
        handler.onLoop = (ctx, dispatcher, tick, messages) -> {
            if (seen.loopThread == null) {
                seen.loopThread = Thread.currentThread();
                try {
                    h.registry.signal(target, "blocking");
                    seen.refusal.complete("not refused");
                } catch (IllegalStateException e) {
                    seen.refusal.complete(e.getMessage());
                }
                h.registry.signalAsync(target, "from " + ctx.matchId()).whenComplete((reply, failure) -> {
                    seen.continuationThread = Thread.currentThread();
                    if (failure != null) {
                        seen.reply.completeExceptionally(failure);
                    } else {
                        seen.reply.complete(reply);
                    }
                });
            }
            return true;
        };
        return seen;
    }
}
