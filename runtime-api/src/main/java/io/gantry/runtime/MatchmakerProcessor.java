package io.gantry.runtime;

import java.util.List;

/**
 * Replaces the matchmaker's grouping logic. Called once per interval on the matchmaker's own
 * thread with every active ticket, oldest first; returns the groups to form, each a list of
 * ticket ids. The server checks each group (every ticket active and in one group only, no
 * session twice) and forms the valid ones; tickets not grouped stay active.
 */
@FunctionalInterface
public interface MatchmakerProcessor {
    List<List<String>> process(List<MatchmakerTicketView> tickets);
}
