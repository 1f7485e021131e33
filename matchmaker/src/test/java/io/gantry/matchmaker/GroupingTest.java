package io.gantry.matchmaker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in grouping rules, driven interval by interval on the test thread. */
class GroupingTest {

    private final List<List<Ticket>> groups = new ArrayList<>();

    private MatchmakerAgent agent(boolean revPrecision) {
        return new MatchmakerAgent(new MatchmakerSettings(1000, 2, 3, revPrecision, 1024), groups::add, null);
    }

    private static String add(MatchmakerAgent agent, Ticket ticket) {
        AtomicReference<String> result = new AtomicReference<>("not answered");
        agent.offer(new MatchmakerAgent.Add(ticket, 3, result::set));
        agent.drainCommands();
        return result.get();
    }

    private static Set<String> regions(List<Ticket> group) {
        Set<String> regions = new HashSet<>();
        for (Ticket ticket : group) {
            regions.add(ticket.stringProperties.get("region"));
        }
        return regions;
    }

    @Test
    void theAgentProcessesThePoolOnceEveryIntervalAndAppliesCommandsInBetween() {
        long[] now = {5_000_000_000L};
        MatchmakerAgent agent = new MatchmakerAgent(new MatchmakerSettings(1000, 2, 3, false, 1024), groups::add,
                null, () -> now[0]);
        agent.onStart();
        AtomicReference<String> first = new AtomicReference<>("not answered");
        agent.offer(new MatchmakerAgent.Add(Tickets.solo("*", 2, 2, Map.of()), 3, first::set));
        assertEquals(1, agent.doWork(), "the add is applied at once");
        assertNull(first.get());
        assertEquals(0, agent.doWork(), "idle before the interval");

        agent.offer(new MatchmakerAgent.Add(Tickets.solo("*", 2, 2, Map.of()), 3, reason -> { }));
        now[0] += 999_000_000L;
        assertEquals(1, agent.doWork());
        assertEquals(0, agent.intervals(), "not yet: 999 ms of 1000");
        assertEquals(2, agent.activeTickets());

        now[0] += 1_000_000L;
        assertEquals(1, agent.doWork(), "the interval is work");
        assertEquals(1, agent.intervals());
        assertEquals(1, groups.size());
        assertEquals(0, agent.activeTickets());

        now[0] += 999_999_999L;
        assertEquals(0, agent.doWork(), "the next one is due an interval after this one");
        now[0] += 1;
        agent.doWork();
        assertEquals(2, agent.intervals());
        assertEquals("gantry-matchmaker", agent.roleName());
    }

    @Test
    void ticketsArePairedByTheirRegionQuery() {
        MatchmakerAgent agent = agent(false);
        for (String region : List.of("eu", "us", "eu", "us")) {
            assertNull(add(agent, Tickets.solo("+properties.region:" + region, 2, 2, Map.of("region", region))));
        }
        agent.processInterval();
        assertEquals(2, groups.size());
        for (List<Ticket> group : groups) {
            assertEquals(2, group.size());
            assertEquals(1, regions(group).size(), "a group never mixes regions");
        }
        assertEquals(0, agent.activeTickets());
    }

    @Test
    void aGroupWaitsForMaxCountUntilTheLastInterval() {
        MatchmakerAgent agent = agent(false);
        for (int i = 0; i < 3; i++) {
            add(agent, Tickets.solo("*", 2, 4, Map.of()));
        }
        agent.processInterval();
        assertTrue(groups.isEmpty(), "3 of max 4: keep waiting on the first interval");
        agent.processInterval();
        assertEquals(1, groups.size(), "last interval: any size from min to max");
        assertEquals(3, groups.get(0).size());
    }

    @Test
    void aGroupClosesAtMaxCountAtOnce() {
        MatchmakerAgent agent = agent(false);
        for (int i = 0; i < 5; i++) {
            add(agent, Tickets.solo("*", 2, 4, Map.of()));
        }
        agent.processInterval();
        assertEquals(1, groups.size());
        assertEquals(4, groups.get(0).size());
        assertEquals(1, agent.activeTickets());
    }

    @Test
    void theCountMultipleIsRespected() {
        MatchmakerAgent agent = agent(false);
        for (int i = 0; i < 3; i++) {
            add(agent, Tickets.solo(Tickets.session(), "*", 2, 4, 2, Map.of(), Map.of()));
        }
        agent.processInterval();
        agent.processInterval();
        assertEquals(1, groups.size());
        assertEquals(2, groups.get(0).size(), "3 is not a multiple of 2: the group settles for 2");
        assertEquals(1, agent.activeTickets());
    }

    @Test
    void ticketsOfOneSessionNeverMatchTogether() {
        MatchmakerAgent agent = agent(false);
        Tickets.User session = Tickets.session();
        add(agent, Tickets.solo(session, "*", 2, 2, 1, Map.of(), Map.of()));
        add(agent, Tickets.solo(session, "*", 2, 2, 1, Map.of(), Map.of()));
        agent.processInterval();
        agent.processInterval();
        assertTrue(groups.isEmpty());
        add(agent, Tickets.solo("*", 2, 2, Map.of()));
        agent.processInterval();
        assertEquals(1, groups.size());
    }

    @Test
    void aPartyIsMatchedAsAUnitAndNeverSplit() {
        MatchmakerAgent agent = agent(false);
        add(agent, Tickets.party("party-1", 3, "*", 4, 4));
        add(agent, Tickets.party("party-2", 2, "*", 4, 4));
        add(agent, Tickets.solo("*", 4, 4, Map.of()));
        agent.processInterval();
        assertEquals(1, groups.size());
        int users = groups.get(0).stream().mapToInt(Ticket::size).sum();
        assertEquals(4, users);
        assertTrue(groups.get(0).stream().anyMatch(t -> t.partyId.equals("party-1")));
        assertTrue(groups.get(0).stream().noneMatch(t -> t.partyId.equals("party-2")),
                "party-2 (2 users) would overflow 4: it waits, whole");
    }

    @Test
    void numericRangesSelectCandidates() {
        MatchmakerAgent agent = agent(false);
        add(agent, Tickets.solo(Tickets.session(), "+properties.rank:>=5 +properties.rank:<=10", 2, 2, 1, Map.of(), Map.of("rank", 7.0)));
        add(agent, Tickets.solo(Tickets.session(), "*", 2, 2, 1, Map.of(), Map.of("rank", 20.0)));
        add(agent, Tickets.solo(Tickets.session(), "*", 2, 2, 1, Map.of(), Map.of("rank", 9.0)));
        agent.processInterval();
        assertEquals(1, groups.size());
        assertTrue(groups.get(0).stream().anyMatch(t -> t.numericProperties.get("rank") == 9.0));
        assertTrue(groups.get(0).stream().noneMatch(t -> t.numericProperties.get("rank") == 20.0));
    }

    @Test
    void mustNotExcludes() {
        MatchmakerAgent agent = agent(false);
        add(agent, Tickets.solo("-properties.mode:casual", 2, 2, Map.of("mode", "ranked")));
        add(agent, Tickets.solo("*", 2, 2, Map.of("mode", "casual")));
        agent.processInterval();
        // the casual ticket's own search finds the first ticket acceptable ("*") and closes a
        // pair: without rev_precision only the searching ticket's query counts
        assertEquals(1, groups.size());
    }

    @Test
    void revPrecisionRequiresEveryQueryToAcceptTheOthers() {
        MatchmakerAgent agent = agent(true);
        add(agent, Tickets.solo("*", 2, 2, Map.of("region", "eu")));
        add(agent, Tickets.solo("+properties.region:us", 2, 2, Map.of("region", "us")));
        agent.processInterval();
        agent.processInterval();
        assertTrue(groups.isEmpty(), "the us ticket does not accept an eu player");

        MatchmakerAgent lenient = agent(false);
        add(lenient, Tickets.solo("*", 2, 2, Map.of("region", "eu")));
        add(lenient, Tickets.solo("+properties.region:us", 2, 2, Map.of("region", "us")));
        lenient.processInterval();
        assertEquals(1, groups.size(), "without rev_precision the eu ticket's '*' query is enough");
    }

    @Test
    void boostsOrderCandidates() {
        MatchmakerAgent agent = agent(false);
        Ticket searcher = Tickets.solo("properties.mode:ranked^5 properties.mode:casual", 2, 2, Map.of("mode", "any"));
        add(agent, searcher);
        add(agent, Tickets.solo("+properties.mode:nothing", 2, 2, Map.of("mode", "casual")));
        Ticket ranked = Tickets.solo("+properties.mode:nothing", 2, 2, Map.of("mode", "ranked"));
        add(agent, ranked);
        agent.processInterval();
        assertEquals(1, groups.size());
        assertTrue(groups.get(0).contains(ranked), "the higher-boosted candidate is taken first");
    }

    @Test
    void aTicketWhoseMemberIsGoneIsRefused() {
        MatchmakerAgent agent = agent(false);
        Tickets.User gone = new Tickets.User(Tickets.session().presence(), true);
        Ticket ticket = Tickets.ticket(List.of(Tickets.session(), gone), "party-1", "*", 2, 4, 1, Map.of(), Map.of());
        assertEquals("Session closed.", add(agent, ticket));
        assertEquals(0, agent.activeTickets());
    }

    @Test
    void tooManyTicketsPerSessionAreRefused() {
        MatchmakerAgent agent = agent(false);
        Tickets.User session = Tickets.session();
        for (int i = 0; i < 3; i++) {
            assertNull(add(agent, Tickets.solo(session, "*", 2, 2, 1, Map.of(), Map.of())));
        }
        assertNotNull(add(agent, Tickets.solo(session, "*", 2, 2, 1, Map.of(), Map.of())));
        assertEquals(3, agent.activeTickets());
    }

    @Test
    void removeAndDisconnectWithdrawTickets() {
        MatchmakerAgent agent = agent(false);
        Tickets.User session = Tickets.session();
        Ticket first = Tickets.solo(session, "*", 2, 2, 1, Map.of(), Map.of());
        add(agent, first);
        add(agent, Tickets.solo(session, "*", 2, 2, 1, Map.of(), Map.of()));
        AtomicReference<Boolean> removed = new AtomicReference<>();
        agent.offer(new MatchmakerAgent.Remove("no-such-ticket", session.sessionId(), removed::set));
        agent.drainCommands();
        assertEquals(false, removed.get());
        agent.offer(new MatchmakerAgent.Remove(first.id, Tickets.session().sessionId(), removed::set));
        agent.drainCommands();
        assertEquals(false, removed.get(), "another session cannot remove it");
        agent.offer(new MatchmakerAgent.Remove(first.id, session.sessionId(), removed::set));
        agent.drainCommands();
        assertEquals(true, removed.get());
        agent.offer(new MatchmakerAgent.RemoveSession(session.sessionId()));
        agent.drainCommands();
        assertEquals(0, agent.activeTickets());
    }

    @Test
    void aCustomProcessorDecidesTheGroups() {
        List<String> seen = new ArrayList<>();
        MatchmakerAgent agent = new MatchmakerAgent(new MatchmakerSettings(1000, 2, 3, false, 1024), groups::add, tickets -> {
            tickets.forEach(t -> seen.add(t.ticket()));
            // pair the first and the last, and propose one invalid group (a ticket twice)
            return List.of(List.of(tickets.get(0).ticket(), tickets.get(tickets.size() - 1).ticket()),
                    List.of(tickets.get(1).ticket(), tickets.get(1).ticket()));
        });
        Ticket a = Tickets.solo("+properties.x:never", 2, 2, Map.of());
        Ticket b = Tickets.solo("*", 2, 2, Map.of());
        Ticket c = Tickets.solo("*", 2, 2, Map.of());
        add(agent, a);
        add(agent, b);
        add(agent, c);
        agent.processInterval();
        assertEquals(3, seen.size());
        assertEquals(1, groups.size());
        assertEquals(List.of(a, c), groups.get(0));
        assertEquals(1, agent.activeTickets());
    }

    @Test
    void aLargePoolPairsEveryCompatibleTicketInOneInterval() {
        MatchmakerAgent agent = agent(false);
        String[] regions = {"eu", "us", "asia", "sa"};
        for (int i = 0; i < 10_000; i++) {
            String region = regions[i % 4];
            add(agent, Tickets.solo(Tickets.session(), "+properties.region:" + region + " +properties.rank:>=0 +properties.rank:<=100",
                    2, 2, 1, Map.of("region", region), Map.of("rank", (double) (i % 100))));
        }
        agent.processInterval();
        assertEquals(5_000, groups.size());
        for (List<Ticket> group : groups) {
            assertEquals(1, regions(group).size());
        }
    }
}
