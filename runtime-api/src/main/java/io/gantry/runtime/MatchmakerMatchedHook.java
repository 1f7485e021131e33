package io.gantry.runtime;

import java.util.List;

/**
 * Called when the matchmaker forms a group. Return the id of an authoritative match (typically
 * one just made with {@code server.matches().create(...)}) to send the players there, or null
 * to give them a token for a relayed match instead. Runs on an RPC worker thread.
 *
 * <pre>{@code .matchmakerMatched((server, entries) -> server.matches().create("arena", Map.of()))}</pre>
 */
@FunctionalInterface
public interface MatchmakerMatchedHook {
    String matched(ServerApi server, List<MatchmakerEntry> entries) throws Exception;
}
