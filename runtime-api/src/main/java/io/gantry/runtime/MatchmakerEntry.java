package io.gantry.runtime;

import java.util.Map;

/**
 * One matched user, as the matchmaker hands it to server code.
 *
 * @param presence the user's socket
 * @param ticket   the ticket that matched (shared by the members of a party ticket)
 * @param partyId  the party the user was matched with, or empty
 */
public record MatchmakerEntry(Presence presence, String ticket, String partyId,
                              Map<String, String> stringProperties, Map<String, Double> numericProperties) {
}
