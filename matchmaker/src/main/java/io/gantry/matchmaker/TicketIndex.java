package io.gantry.matchmaker;

import io.gantry.query.Clause;
import io.gantry.query.Matcher;
import io.gantry.query.Occur;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The active tickets, indexed for the queries that search them: inverted postings per
 * {@code field:term} of string properties, each in age order. A query with a required term
 * ({@code +properties.region:eu}) walks only that term's postings, oldest first, instead of the
 * whole pool; other clauses (ranges, wildcards, exclusions) are checked on the candidates it
 * yields. Owned by the matchmaker thread: no locks.
 */
final class TicketIndex {

    private final LinkedHashMap<String, Ticket> byId = new LinkedHashMap<>();
    private final Map<String, LinkedHashSet<Ticket>> postings = new HashMap<>();
    private final Map<String, Set<Ticket>> byOwner = new HashMap<>();
    private final Map<String, Set<Ticket>> byParty = new HashMap<>();

    void add(Ticket ticket) {
        byId.put(ticket.id, ticket);
        for (Map.Entry<String, String> property : ticket.stringProperties.entrySet()) {
            postings.computeIfAbsent(key("properties." + property.getKey(), property.getValue()),
                    k -> new LinkedHashSet<>()).add(ticket);
        }
        byOwner.computeIfAbsent(ticket.ownerSessionId, k -> new LinkedHashSet<>()).add(ticket);
        if (ticket.isParty()) {
            byParty.computeIfAbsent(ticket.partyId, k -> new LinkedHashSet<>()).add(ticket);
        }
    }

    Ticket remove(String ticketId) {
        Ticket ticket = byId.remove(ticketId);
        if (ticket == null) {
            return null;
        }
        for (Map.Entry<String, String> property : ticket.stringProperties.entrySet()) {
            String key = key("properties." + property.getKey(), property.getValue());
            Set<Ticket> posting = postings.get(key);
            if (posting != null) {
                posting.remove(ticket);
                if (posting.isEmpty()) {
                    postings.remove(key);
                }
            }
        }
        removeFrom(byOwner, ticket.ownerSessionId, ticket);
        if (ticket.isParty()) {
            removeFrom(byParty, ticket.partyId, ticket);
        }
        return ticket;
    }

    Ticket get(String ticketId) {
        return byId.get(ticketId);
    }

    int size() {
        return byId.size();
    }

    /** Every active ticket, oldest first. */
    Collection<Ticket> all() {
        return byId.values();
    }

    Set<Ticket> ownedBy(String sessionId) {
        return byOwner.getOrDefault(sessionId, Set.of());
    }

    Set<Ticket> ofParty(String partyId) {
        return byParty.getOrDefault(partyId, Set.of());
    }

    /**
     * The tickets worth checking against a query, oldest first: the shortest postings list of
     * its required terms, or every ticket when it has none. A superset: callers still run the
     * query on each candidate.
     */
    Collection<Ticket> candidates(Ticket searcher) {
        Collection<Ticket> best = null;
        for (Clause clause : searcher.query.clauses()) {
            if (clause.occur() != Occur.MUST || clause.field() == null) {
                continue;
            }
            if (clause.matcher() instanceof Matcher.Term term && term.number() == null) {
                Set<Ticket> posting = postings.get(key(clause.field(), term.value()));
                if (posting == null) {
                    return Set.of(); // a required term nobody has
                }
                if (best == null || posting.size() < best.size()) {
                    best = posting;
                }
            }
        }
        return best != null ? best : byId.values();
    }

    private static String key(String field, String term) {
        return field + '\u0000' + term;
    }

    private static void removeFrom(Map<String, Set<Ticket>> map, String key, Ticket ticket) {
        Set<Ticket> set = map.get(key);
        if (set != null) {
            set.remove(ticket);
            if (set.isEmpty()) {
                map.remove(key);
            }
        }
    }
}
