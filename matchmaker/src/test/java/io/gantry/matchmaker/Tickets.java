package io.gantry.matchmaker;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.query.Query;
import io.gantry.core.query.QueryParseException;
import io.gantry.core.session.Connection;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Builds sessions and tickets for matchmaker tests. */
final class Tickets {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    static final Connection NO_SOCKET = new Connection() {
        @Override
        public void requestFlush(Session session) {
        }

        @Override
        public void close(int closeCode, String reason) {
        }
    };

    private Tickets() {
    }

    static Session session() {
        String id = UUID.randomUUID().toString();
        return new Session(id, UUID.randomUUID().toString(), "user-" + id.substring(0, 6), Map.of(), WireFormat.JSON, "en",
                false, Long.MAX_VALUE, 1024, NO_SOCKET);
    }

    static Ticket solo(Session session, String query, int min, int max, int multiple, Map<String, String> strings,
                       Map<String, Double> numbers) {
        return ticket(List.of(session), "", query, min, max, multiple, strings, numbers);
    }

    static Ticket solo(String query, int min, int max, Map<String, String> strings) {
        return solo(session(), query, min, max, 1, strings, Map.of());
    }

    static Ticket party(String partyId, int members, String query, int min, int max) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            sessions.add(session());
        }
        return ticket(sessions, partyId, query, min, max, 1, Map.of(), Map.of());
    }

    static Ticket ticket(List<Session> sessions, String partyId, String query, int min, int max, int multiple,
                         Map<String, String> strings, Map<String, Double> numbers) {
        List<Ticket.Member> members = new ArrayList<>();
        for (Session session : sessions) {
            members.add(new Ticket.Member(session, UserPresence.newBuilder().setUserId(session.userId())
                    .setSessionId(session.id()).setUsername(session.username()).build()));
        }
        try {
            return new Ticket(UUID.randomUUID().toString(), sessions.get(0).id(), partyId, members, query,
                    Query.parse(query), min, max, multiple, strings, numbers, System.currentTimeMillis(),
                    SEQUENCE.incrementAndGet());
        } catch (QueryParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
