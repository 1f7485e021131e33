package io.gantry.runtime;

import java.util.Map;

/** The matchmaker, from server code (for example to widen a search). Thread-safe. */
public interface Matchmaker {

    /**
     * Adds a ticket on behalf of a connected session, as if it had sent {@code matchmaker_add}.
     * The session receives the {@code matchmaker_matched} when the ticket matches.
     *
     * @return the ticket id
     * @throws IllegalArgumentException for invalid counts or query, an unknown session, or too many tickets
     */
    String add(String sessionId, String query, int minCount, int maxCount, int countMultiple,
               Map<String, String> stringProperties, Map<String, Double> numericProperties);

    /** Withdraws a ticket; false when no such ticket is active. */
    boolean remove(String ticket);

    /** Tickets waiting now. */
    int activeTickets();
}
