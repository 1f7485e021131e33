package io.gantry.matchmaker;

import io.gantry.query.Query;
import io.gantry.query.QueryParseException;
import io.gantry.runtime.Presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Builds users and tickets for matchmaker tests. */
final class Tickets {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** A user on one socket; {@code closed} says whether the socket is gone. */
    record User(Presence presence, boolean closed) implements Ticket.Member {

        @Override
        public String sessionId() {
            return presence.sessionId();
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    private Tickets() {
    }

    static User session() {
        String id = UUID.randomUUID().toString();
        return new User(new Presence(UUID.randomUUID().toString(), id, "user-" + id.substring(0, 6), ""), false);
    }

    static Ticket solo(User session, String query, int min, int max, int multiple, Map<String, String> strings,
                       Map<String, Double> numbers) {
        return ticket(List.of(session), "", query, min, max, multiple, strings, numbers);
    }

    static Ticket solo(String query, int min, int max, Map<String, String> strings) {
        return solo(session(), query, min, max, 1, strings, Map.of());
    }

    static Ticket party(String partyId, int members, String query, int min, int max) {
        List<User> sessions = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            sessions.add(session());
        }
        return ticket(sessions, partyId, query, min, max, 1, Map.of(), Map.of());
    }

    static Ticket ticket(List<User> sessions, String partyId, String query, int min, int max, int multiple,
                         Map<String, String> strings, Map<String, Double> numbers) {
        List<Ticket.Member> members = new ArrayList<>(sessions);
        try {
            return new Ticket(UUID.randomUUID().toString(), sessions.get(0).sessionId(), partyId, members, query,
                    Query.parse(query), min, max, multiple, strings, numbers, System.currentTimeMillis(),
                    SEQUENCE.incrementAndGet());
        } catch (QueryParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
