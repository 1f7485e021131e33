package io.gantry.core.match;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import io.gantry.runtime.MatchInfo;
import io.gantry.runtime.MatchInit;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating, joining, ticking, signalling and ending an authoritative match, without sockets. */
class AuthoritativeMatchLifecycleTest {

    static void eventually(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void createRunsInitAndTheMatchTicksAtItsRate() {
        ScriptedMatch handler = new ScriptedMatch(20);
        handler.label = "{\"mode\":\"duel\"}";
        try (MatchHarness h = new MatchHarness(2, r -> r.match("duel", () -> handler))) {
            String id = h.registry.create("duel", Map.of());
            assertTrue(id.matches("[0-9a-f-]{36}\\.node1"), id);
            assertEquals(id, handler.matchId);
            MatchInfo info = h.registry.get(id).orElseThrow();
            assertEquals(new MatchInfo(id, true, "{\"mode\":\"duel\"}", 0, 20, "duel"), info);
            eventually("ten ticks", () -> handler.ticks.get() >= 10);
            assertEquals(1, h.registry.count());
        }
    }

    @Test
    void thousandsOfMatchesOnOneLaneAllTick() {
        java.util.List<ScriptedMatch> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MatchHarness h = new MatchHarness(1, r -> r.match("many", () -> {
            ScriptedMatch handler = new ScriptedMatch(20);
            handlers.add(handler);
            return handler;
        }))) {
            for (int i = 0; i < 3000; i++) {
                h.registry.create("many", Map.of());
            }
            eventually("every match ticked ten times", () -> handlers.stream().allMatch(m -> m.ticks.get() >= 10));
            assertEquals(3000, h.registry.count());
        }
    }

    @Test
    void badHandlersAndBadInitFailCreationWithAClearError() {
        try (MatchHarness h = new MatchHarness(1, r -> r
                .match("too-fast", () -> new ScriptedMatch(61))
                .match("throws", () -> new ScriptedMatch() {
                    @Override
                    public MatchInit<Long> init(io.gantry.runtime.MatchContext ctx, Map<String, Object> params) {
                        throw new IllegalStateException("no map named " + params.get("map"));
                    }
                }))) {
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> h.registry.create("nope", Map.of()));
            assertEquals("No match handler is registered as 'nope'.", unknown.getMessage());
            IllegalArgumentException rate = assertThrows(IllegalArgumentException.class, () -> h.registry.create("too-fast", Map.of()));
            assertEquals("Match handler 'too-fast' init returned tick rate 61; it must be between 1 and 60.", rate.getMessage());
            IllegalStateException threw = assertThrows(IllegalStateException.class, () -> h.registry.create("throws", Map.of("map", "moon")));
            assertEquals("no map named moon", threw.getMessage());
            assertEquals(0, h.registry.count());
            assertEquals(0, h.workers.threadsReplaced());
        }
    }

    @Test
    void joinAttemptJoinDataLoopAndLeaveReachTheHandlerInOrder() {
        ScriptedMatch handler = new ScriptedMatch(20);
        handler.onLoop = (ctx, d, tick, messages) -> {
            for (var m : messages) {
                d.broadcast(m.opCode() + 100, m.data(), null, m.sender(), true);
            }
            return true;
        };
        try (MatchHarness h = new MatchHarness(2, r -> r.match("echo", () -> handler))) {
            String id = h.registry.create("echo", Map.of());
            MatchHarness.Client alice = h.client("alice");
            MatchHarness.Client bob = h.client("bob");

            Envelope rejected = bob.join(id, Map.of("reject", "no bobs"));
            assertEquals(Error.Code.MATCH_JOIN_REJECTED_VALUE, rejected.getError().getCode());
            assertEquals("no bobs", rejected.getError().getMessage());

            Envelope reply = alice.join(id, Map.of());
            assertTrue(reply.getMatch().getAuthoritative(), reply::toString);
            assertEquals(id, reply.getMatch().getMatchId());
            eventually("join reaches the handler", () -> handler.joins.size() == 1);
            assertEquals(alice.session.userId(), handler.joins.get(0).userId());
            assertEquals("node1", handler.joins.get(0).node());

            alice.send(Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder().setMatchId(id).setOpCode(7)
                    .setData(ByteString.copyFromUtf8("hi"))).build());
            Envelope echoed = alice.await(Envelope::hasMatchData);
            assertEquals(107, echoed.getMatchData().getOpCode());
            assertEquals("hi", echoed.getMatchData().getData().toStringUtf8());
            assertEquals(alice.session.id(), echoed.getMatchData().getPresence().getSessionId());
            assertEquals("hi", new String(handler.messages.get(0).data(), StandardCharsets.UTF_8));

            eventually("size is listed", () -> h.registry.get(id).orElseThrow().size() == 1);
            alice.disconnect();
            eventually("leave reaches the handler", () -> handler.leaves.size() == 1);
            eventually("size drops", () -> h.registry.get(id).orElseThrow().size() == 0);
        }
    }

    @Test
    void aFullInputQueueRefusesDataAndTellsTheSender() {
        ScriptedMatch handler = new ScriptedMatch(1); // one tick a second: the queue fills in between
        try (MatchHarness h = new MatchHarness(1, 5_000_000_000L, new MatchSettings(3, 0), r -> r.match("slow", () -> handler))) {
            String id = h.registry.create("slow", Map.of());
            MatchHarness.Client alice = h.client("alice");
            alice.join(id, Map.of());
            for (int i = 0; i < 4; i++) {
                alice.send(Envelope.newBuilder().setCid("d" + i).setMatchDataSend(MatchDataSend.newBuilder()
                        .setMatchId(id).setOpCode(i)).build());
            }
            Envelope error = alice.await(Envelope::hasError);
            assertEquals("d3", error.getCid());
            assertEquals("Match input queue is full; data dropped.", error.getError().getMessage());
            eventually("the three queued messages reach the loop", () -> handler.messages.size() == 3);
            assertEquals(List.of(0L, 1L, 2L), handler.messages.stream().map(m -> m.opCode()).toList());
        }
    }

    @Test
    void signalsAreAnsweredByTheHandler() {
        ScriptedMatch handler = new ScriptedMatch(10);
        try (MatchHarness h = new MatchHarness(2, r -> r.match("sig", () -> handler))) {
            String id = h.registry.create("sig", Map.of());
            assertTrue(h.registry.signal(id, "ping").endsWith(" data=ping"));
            assertThrows(IllegalArgumentException.class, () -> h.registry.signal("00000000-0000-0000-0000-000000000000.node1", "x"));
        }
    }

    @Test
    void loopReturningNullEndsTheMatchNormally() {
        ScriptedMatch handler = new ScriptedMatch(20);
        handler.onLoop = (ctx, d, tick, messages) -> handler.joins.isEmpty(); // ends once someone joined
        try (MatchHarness h = new MatchHarness(1, r -> r.match("short", () -> handler))) {
            String id = h.registry.create("short", Map.of());
            MatchHarness.Client alice = h.client("alice");
            alice.join(id, Map.of());
            Envelope left = alice.await(e -> e.hasMatchPresenceEvent() && e.getMatchPresenceEvent().getLeavesCount() > 0);
            assertEquals(alice.session.id(), left.getMatchPresenceEvent().getLeaves(0).getSessionId());
            eventually("gone", () -> h.registry.count() == 0);
            assertFalse(alice.drain().stream().anyMatch(Envelope::hasError), "a normal end is no error");
            assertEquals(Error.Code.MATCH_NOT_FOUND_VALUE, alice.join(id, Map.of()).getError().getCode());
        }
    }

    @Test
    void anEmptyMatchEndsAfterMaxEmptySeconds() {
        ScriptedMatch handler = new ScriptedMatch(20);
        try (MatchHarness h = new MatchHarness(1, 5_000_000_000L, new MatchSettings(128, 1), r -> r.match("lonely", () -> handler))) {
            h.registry.create("lonely", Map.of());
            eventually("ended after about a second", () -> h.registry.count() == 0);
            assertTrue(handler.ticks.get() >= 19, "ticked for its second: " + handler.ticks.get());
        }
    }

    @Test
    void shutdownCallsTerminateAndTellsThePlayers() {
        ScriptedMatch handler = new ScriptedMatch(20);
        MatchHarness h = new MatchHarness(1, r -> r.match("t", () -> handler));
        String id = h.registry.create("t", Map.of());
        MatchHarness.Client alice = h.client("alice");
        alice.join(id, Map.of());
        h.close();
        assertEquals(List.of(0), handler.terminated);
        assertEquals(0, h.registry.count());
        assertThrows(IllegalStateException.class, () -> h.registry.create("t", Map.of()));
    }
}
