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
     * @throws IllegalArgumentException when no handler has that name
     * @throws RuntimeException         what {@code init} threw
     */
    String create(String handlerName, Map<String, Object> params);

    /** The match, if it exists. */
    Optional<MatchInfo> get(String matchId);

    /**
     * Lists matches as {@code GET /v2/match} does.
     *
     * @param authoritative null for both kinds
     * @param label         exact label, or null
     * @param query         a query over the label ({@code +label.mode:ranked}), or null
     */
    List<MatchInfo> list(int limit, Boolean authoritative, String label, Integer minSize, Integer maxSize, String query);

    /** Sends a signal to an authoritative match and returns its reply. */
    String signal(String matchId, String data);
}
