package io.gantry.core.party;

import io.gantry.core.session.Session;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the party service needs of the matchmaker ({@code core.matchmaker.MatchmakerService},
 * which implements it; an interface so that the party package does not depend on the matchmaker
 * package): adding and withdrawing a ticket for a whole party. Callbacks may come from any thread.
 */
public interface PartyMatchmaking {

    /** Adds a ticket for every member; {@code onTicket} gets its id, or {@code onError} why not. */
    void addParty(String partyId, Session leader, List<Session> members, String query, int minCount, int maxCount,
                  Integer countMultiple, Map<String, String> stringProperties, Map<String, Double> numericProperties,
                  Consumer<String> onTicket, Consumer<String> onError);

    /** Withdraws a party ticket; {@code onResult} tells whether it was active. */
    void removeParty(String partyId, String ticket, Consumer<Boolean> onResult);

    /** The party changed members or ended: its tickets no longer describe it. */
    void removeAllOfParty(String partyId);
}
