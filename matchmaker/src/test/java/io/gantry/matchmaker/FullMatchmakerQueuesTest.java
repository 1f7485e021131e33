package io.gantry.matchmaker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The matchmaker's command queues, with the agent not running: the test fills them and then
 * drains them on its own thread, so "full" is exact.
 */
class FullMatchmakerQueuesTest {

    private static final int QUEUE = 2;

    private final List<List<Ticket>> groups = new ArrayList<>();
    private final MatchmakerAgent agent = new MatchmakerAgent(new MatchmakerSettings(1000, 2, 3, false, QUEUE), groups::add, null);

    @Test
    void aFullAddQueueRefusesTheAdd() {
        for (int i = 0; i < QUEUE; i++) {
            assertTrue(agent.offer(new MatchmakerAgent.Add(Tickets.solo("*", 2, 2, Map.of()), 3, reason -> { })));
        }
        assertFalse(agent.offer(new MatchmakerAgent.Add(Tickets.solo("*", 2, 2, Map.of()), 3, reason -> { })),
                "the add is refused; the service tells the client");
        agent.drainCommands();
        assertEquals(QUEUE, agent.activeTickets());
    }

    @Test
    void aFullRemovalQueueRefusesRemovalsButNeverADisconnect() {
        Tickets.User leaving = Tickets.session();
        AtomicReference<String> added = new AtomicReference<>("not answered");
        agent.offer(new MatchmakerAgent.Add(Tickets.solo(leaving, "*", 2, 2, 1, Map.of(), Map.of()), 3, added::set));
        agent.drainCommands();
        assertNull(added.get());
        assertEquals(1, agent.activeTickets());

        for (int i = 0; i < QUEUE; i++) {
            assertTrue(agent.offer(new MatchmakerAgent.Remove("no-such-ticket-" + i, null, removed -> { })));
        }
        assertFalse(agent.offer(new MatchmakerAgent.Remove("one-too-many", null, removed -> { })),
                "a client's removal is refused; the service tells it to retry");
        assertTrue(agent.offer(new MatchmakerAgent.RemoveSession(leaving.sessionId())), "a disconnect is never refused");
        assertTrue(agent.offer(new MatchmakerAgent.RemoveParty("ended-party", null, null)), "nor a party's end");

        agent.drainCommands();
        assertEquals(0, agent.activeTickets(), "the disconnected session's ticket is gone");
    }
}
