package io.gantry.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Matches, from server code. Thread-safe.
 *
 * <p>A match handler must not wait for another match: each lane runs many matches, and a lane
 * waiting for another lane (which may be waiting for it) stalls every match on both. So from a
 * handler, {@link #signal} to a match of another lane is refused; use {@link #signalAsync}
 * (and {@link #createAsync}), whose continuations run back on the calling handler's lane, where
 * they may touch that handler's state:
 *
 * <pre>{@code
 * public Object loop(MatchContext ctx, MatchDispatcher dispatcher, long tick, Object state, List<MatchMessage> messages) {
 *     Arena arena = (Arena) state;
 *     ctx.server().matches().signalAsync(arena.lobbyId, "ready")
 *             .thenAccept(reply -> arena.lobbyReply = reply)       // on this match's lane
 *             .exceptionally(failure -> { arena.lobbyReply = null; return null; });
 *     return arena;
 * }
 * }</pre>
 * The dispatcher is valid only during a handler call: a continuation keeps what it learns in
 * the state, and the next {@code loop} acts on it.
 */
public interface Matches {

    /**
     * Creates an authoritative match with a registered handler and returns its id once
     * {@code init} has run.
     *
     * From a match handler, the new match runs on the caller's own lane and its {@code init}
     * runs inline, so the caller waits for no other lane; {@link #createAsync} spreads matches
     * over the lanes.
     *
     * @throws IllegalArgumentException when no handler has that name, or init returned a tick
     *                                  rate outside 1-60 or a label over 2048 characters
     * @throws IllegalStateException    when init did not return within 5 s, or the server is stopping
     * @throws RuntimeException         what {@code init} threw
     */
    String create(String handlerName, Map<String, Object> params);

    /**
     * Creates an authoritative match without waiting: the stage completes with its id once
     * {@code init} has run, or fails with what {@link #create} would throw. Called from a match
     * handler, the stage completes on that handler's lane (at most 1024 such calls pending per
     * lane; more fail at once); from other threads, on a pool thread.
     */
    CompletionStage<String> createAsync(String handlerName, Map<String, Object> params);

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
     * Sends a signal to an authoritative match and returns its reply, waiting at most 5 s. From a
     * match handler, only a match of the caller's own lane can be signalled this way (it is
     * answered inline); any other is refused: use {@link #signalAsync}.
     *
     * @throws IllegalArgumentException when no such match runs on this node
     * @throws IllegalStateException    when the match ended or failed before answering, or did
     *                                  not answer in time, or the caller is a match handler and
     *                                  the match runs on another lane
     */
    String signal(String matchId, String data);

    /**
     * Sends a signal without waiting: the stage completes with the match's reply, or fails with
     * what {@link #signal} would throw. Called from a match handler, the stage completes on that
     * handler's lane (at most 1024 such calls pending per lane; more fail at once); from other
     * threads, on a pool thread.
     */
    CompletionStage<String> signalAsync(String matchId, String data);
}
