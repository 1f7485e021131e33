package io.gantry.matchmaker;

import io.gantry.query.Query;
import io.gantry.query.QueryParseException;
import io.gantry.runtime.Presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A filled ticket pool for benchmarks (kept in the main sources so the JMH module can reach the
 * agent's package-private interval step). Tickets: region in {eu, us, asia, sa}, rank 0-99, each searching its
 * region and ranks within 10 of its own, groups of exactly 2.
 */
public final class MatchmakerBenchmarkSupport {

    private static final String[] REGIONS = {"eu", "us", "asia", "sa"};

    /** A benchmark user: never disconnects. */
    private record Player(Presence presence) implements Ticket.Member {

        @Override
        public String sessionId() {
            return presence.sessionId();
        }

        @Override
        public boolean isClosed() {
            return false;
        }
    }

    private final MatchmakerAgent agent;
    private final List<Ticket> tickets = new ArrayList<>();
    private final AtomicInteger matchedUsers = new AtomicInteger();

    public MatchmakerBenchmarkSupport(int count, long seed) {
        agent = new MatchmakerAgent(new MatchmakerSettings(1_000, 2, 3, false, count + 16),
                group -> matchedUsers.addAndGet(group.size()), null);
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            String region = REGIONS[random.nextInt(REGIONS.length)];
            int rank = random.nextInt(100);
            String query = "+properties.region:" + region + " +properties.rank:>=" + (rank - 10) + " +properties.rank:<=" + (rank + 10);
            Player player = new Player(new Presence(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "u" + i, ""));
            Ticket ticket;
            try {
                ticket = new Ticket(UUID.randomUUID().toString(), player.sessionId(), "", List.of(player),
                        query, Query.parse(query), 2, 2, 1, Map.of("region", region), Map.of("rank", (double) rank),
                        0, i);
            } catch (QueryParseException e) {
                throw new IllegalStateException(e);
            }
            tickets.add(ticket);
            agent.offer(new MatchmakerAgent.Add(ticket, 3, reason -> {
            }));
            if (i % 4096 == 4095) {
                agent.drainCommands();
            }
        }
        agent.drainCommands();
    }

    /** One interval of the real matchmaker; returns the users matched. */
    public int processInterval() {
        agent.processInterval();
        return matchedUsers.get();
    }

    /** The baseline: every unmatched ticket tests every other ticket with its query. */
    public int processNaively() {
        boolean[] matched = new boolean[tickets.size()];
        int users = 0;
        for (int i = 0; i < tickets.size(); i++) {
            if (matched[i]) {
                continue;
            }
            Ticket searcher = tickets.get(i);
            for (int j = 0; j < tickets.size(); j++) {
                if (j != i && !matched[j] && searcher.query.matches(tickets.get(j).document)) {
                    matched[i] = true;
                    matched[j] = true;
                    users += 2;
                    break;
                }
            }
        }
        return users;
    }

    public int activeTickets() {
        return agent.activeTickets();
    }
}
