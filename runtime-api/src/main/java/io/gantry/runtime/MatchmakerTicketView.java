package io.gantry.runtime;

import java.util.List;
import java.util.Map;

/**
 * An active matchmaker ticket as a custom {@link MatchmakerProcessor} sees it.
 *
 * @param presences      the users of the ticket: one, or every member of a party
 * @param partyId        the party that added it, or empty
 * @param intervals      how many intervals it has waited through already
 * @param createTimeMs   when it was added (epoch milliseconds)
 */
public record MatchmakerTicketView(String ticket, List<Presence> presences, String partyId, String query,
                                   int minCount, int maxCount, int countMultiple,
                                   Map<String, String> stringProperties, Map<String, Double> numericProperties,
                                   int intervals, long createTimeMs) {
}
