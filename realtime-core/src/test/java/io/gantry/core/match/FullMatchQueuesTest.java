package io.gantry.core.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A match's bounded queues, filled while its lane is held in a loop call the test releases (the
 * watchdog is set far away), so "full" is exact.
 */
class FullMatchQueuesTest {

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private ScriptedMatch heldOnFirstTick() {
        ScriptedMatch handler = new ScriptedMatch(20);
        handler.onLoop = (ctx, dispatcher, tick, messages) -> {
            if (held.getCount() > 0) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        };
        return handler;
    }

    @Test
    void joinAttemptsBeyondThePendingBoundAreRejectedWithAClearError() throws InterruptedException {
        ScriptedMatch handler = heldOnFirstTick();
        try (MatchHarness h = new MatchHarness(1, TimeUnit.MINUTES.toNanos(1), MatchSettings.DEFAULTS,
                r -> r.match("held", () -> handler))) {
            String id = h.registry.create("held", Map.of());
            assertTrue(held.await(5, TimeUnit.SECONDS));
            List<MatchHarness.Client> waiting = new ArrayList<>();
            for (int i = 0; i < AuthoritativeMatchRunner.MAX_PENDING_JOIN_ATTEMPTS; i++) {
                MatchHarness.Client client = h.client("p" + i);
                client.send(join(id));
                waiting.add(client);
            }
            MatchHarness.Client late = h.client("late");
            late.send(join(id));
            Envelope refused = late.await(Envelope::hasError);
            assertEquals(Error.Code.MATCH_JOIN_REJECTED_VALUE, refused.getError().getCode());
            assertEquals("Too many players are joining this match at once; try again.", refused.getError().getMessage());

            release.countDown();
            for (MatchHarness.Client client : waiting) {
                // answered either way: joined, or (the held loop overran its budget and ended the match) not found
                Envelope answer = client.await(e -> "j".equals(e.getCid()));
                assertTrue(answer.hasMatch() || answer.getError().getCode() == Error.Code.MATCH_NOT_FOUND_VALUE, answer.toString());
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFullControlQueueEndsTheMatchRatherThanLoseAJoinOrLeave() throws InterruptedException {
        ScriptedMatch handler = heldOnFirstTick();
        try (MatchHarness h = new MatchHarness(1, TimeUnit.MINUTES.toNanos(1), MatchSettings.DEFAULTS,
                r -> r.match("held", () -> handler))) {
            String id = h.registry.create("held", Map.of());
            assertTrue(held.await(5, TimeUnit.SECONDS));
            AuthoritativeMatchRunner runner = h.registry.runner(id);
            for (int i = 0; i < AuthoritativeMatchRunner.CONTROL_QUEUE_SIZE; i++) {
                runner.left(List.of());
            }
            assertFalse(runner.isEnded(), "a full queue is not yet an overflow");
            runner.left(List.of());
            assertTrue(runner.isEnded(), "one more membership change than the queue holds ends the match");
            assertTrue(h.registry.get(id).isEmpty());
        } finally {
            release.countDown();
        }
    }

    private static Envelope join(String matchId) {
        return Envelope.newBuilder().setCid("j").setMatchJoin(MatchJoin.newBuilder().setMatchId(matchId)).build();
    }
}
