package io.gantry.matchmaker;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.query.Document;
import io.gantry.core.query.Query;
import io.gantry.core.session.Session;

import java.util.List;
import java.util.Map;

/**
 * One matchmaker ticket: a user, or a whole party, looking for a group. Immutable but for the
 * matchmaker thread's bookkeeping ({@link #intervals}, {@link #matched}).
 */
final class Ticket {

    /** A user of the ticket. */
    record Member(Session session, UserPresence presence) {
    }

    final String id;
    /** Who owns the ticket: the session that added it (the leader, for a party). */
    final String ownerSessionId;
    final String partyId;
    final List<Member> members;
    final String queryText;
    final Query query;
    final int minCount;
    final int maxCount;
    final int countMultiple;
    final Map<String, String> stringProperties;
    final Map<String, Double> numericProperties;
    final Document document;
    final long createTimeMs;
    final long sequence;

    /** Matchmaker thread only. */
    int intervals;
    boolean matched;

    Ticket(String id, String ownerSessionId, String partyId, List<Member> members, String queryText, Query query,
           int minCount, int maxCount, int countMultiple, Map<String, String> stringProperties,
           Map<String, Double> numericProperties, long createTimeMs, long sequence) {
        this.id = id;
        this.ownerSessionId = ownerSessionId;
        this.partyId = partyId;
        this.members = List.copyOf(members);
        this.queryText = queryText;
        this.query = query;
        this.minCount = minCount;
        this.maxCount = maxCount;
        this.countMultiple = countMultiple;
        this.stringProperties = Map.copyOf(stringProperties);
        this.numericProperties = Map.copyOf(numericProperties);
        this.document = Document.fromProperties("properties", stringProperties, numericProperties);
        this.createTimeMs = createTimeMs;
        this.sequence = sequence;
    }

    int size() {
        return members.size();
    }

    boolean isParty() {
        return !partyId.isEmpty();
    }

    /** Whether a group of {@code size} users suits this ticket. */
    boolean accepts(int size) {
        return size >= minCount && size <= maxCount && size % countMultiple == 0;
    }

    /** Whether two tickets share a user's socket or a party: such tickets never match together. */
    boolean conflictsWith(Ticket other) {
        if (isParty() && partyId.equals(other.partyId)) {
            return true;
        }
        for (Member mine : members) {
            for (Member theirs : other.members) {
                if (mine.session().id().equals(theirs.session().id())) {
                    return true;
                }
            }
        }
        return false;
    }
}
