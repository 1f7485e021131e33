package io.gantry.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Matches, from server code. Thread-safe. */
public interface Matches {

    /**
     * Creates an authoritative match with a registered handler and returns its id once
     * {@code init} has run.
     *
     * @throws IllegalArgumentException when no handler has that name, or init returned a tick
     *                                  rate outside 1-60 or a label over 2048 characters
     * @throws IllegalStateException    when init did not return within 5 s, or the server is stopping
     * @throws RuntimeException         what {@code init} threw
     */
    String create(String handlerName, Map<String, Object> params);

    /** The match, if it exists: an authoritative one as it is now, a relayed one as last listed. */
    Optional<MatchInfo> get(String matchId);

    /**
     * Lists matches as {@code GET /v2/match} does.
     *
     * @param authoritative null for both kinds
     * @param label         exact label, or null
     * @param query         a query over the label ({@code +label.mode:ranked}), or null
     * @throws IllegalArgumentException when limit is below 1, or the query does not parse (the
     *                                  message says where)
     */
    List<MatchInfo> list(int limit, Boolean authoritative, String label, Integer minSize, Integer maxSize, String query);

    /**
     * Sends a signal to an authoritative match and returns its reply, waiting at most 5 s.
     *
     * @throws IllegalArgumentException when no such match runs on this node
     * @throws IllegalStateException    when the match ended or failed before answering, or did
     *                                  not answer in time
     */
    String signal(String matchId, String data);
}
