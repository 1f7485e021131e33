package io.gantry.matchmaker;

import io.gantry.query.Document;
import io.gantry.query.Query;
import io.gantry.runtime.Presence;

import java.util.List;
import java.util.Map;

/**
 * One matchmaker ticket: a user, or a whole party, looking for a group. Immutable but for the
 * matchmaker thread's bookkeeping ({@link #intervals}, {@link #matched}).
 */
public final class Ticket {

    /**
     * A user of the ticket, as the matchmaker sees them. The router side implements it over the
     * user's session: the engine never touches sessions or the wire protocol.
     */
    public interface Member {

        /** The user's socket: two tickets that share one never match together. */
        String sessionId();

        /** Whether the socket is gone; a ticket with such a member is refused. Any thread. */
        boolean isClosed();

        /** The user as server code sees them (custom processors), node left empty. */
        Presence presence();
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

    public Ticket(String id, String ownerSessionId, String partyId, List<Member> members, String queryText, Query query,
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

    public String id() {
        return id;
    }

    /** The session that added the ticket (a party's leader for a party ticket). */
    public String ownerSessionId() {
        return ownerSessionId;
    }

    /** The query as written, before parsing. */
    public String queryText() {
        return queryText;
    }

    public int minCount() {
        return minCount;
    }

    public int maxCount() {
        return maxCount;
    }

    public int countMultiple() {
        return countMultiple;
    }

    public long createTimeMs() {
        return createTimeMs;
    }

    public String partyId() {
        return partyId;
    }

    public List<Member> members() {
        return members;
    }

    public Map<String, String> stringProperties() {
        return stringProperties;
    }

    public Map<String, Double> numericProperties() {
        return numericProperties;
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
                if (mine.sessionId().equals(theirs.sessionId())) {
                    return true;
                }
            }
        }
        return false;
    }
}
