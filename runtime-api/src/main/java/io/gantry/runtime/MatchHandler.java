package io.gantry.runtime;

import java.util.List;
import java.util.Map;

/**
 * Server-authoritative game logic: one instance per match, called by one thread at a time (a
 * match worker, never a socket thread or the router), so its state needs no locks. {@code S} is
 * the handler's own state type; every call returns the state to keep, and returning null from
 * {@code join}, {@code leave}, {@code loop} or {@code terminate} (or a null state in a
 * {@link SignalResult}) ends the match normally: its players get a leave event.
 *
 * <p>{@code tick} is the number of the current tick: the first {@code loop} gets 1, and calls
 * before it get 0. A call that throws ends this match only, with the error
 * {@code "handler error: <message>"} sent to its players (the stack trace is logged, never
 * sent); a call that runs past its budget (ten tick intervals, at least a second) ends the match
 * once it returns ({@code "handler overran its tick"}); a call that never returns loses its
 * thread after five seconds and the match is ended ({@code "handler stuck: ..."}). The other
 * matches and the server go on either way.
 *
 * <pre>{@code
 * public final class ArenaMatch implements MatchHandler<ArenaState> {
 *     public MatchInit<ArenaState> init(MatchContext ctx, Map<String, Object> params) {
 *         return new MatchInit<>(new ArenaState(), 10, "{\"mode\":\"ranked\"}");
 *     }
 *     public ArenaState loop(MatchContext ctx, MatchDispatcher d, long tick, ArenaState s, List<MatchMessage> in) {
 *         for (MatchMessage m : in) d.broadcast(m.opCode(), m.data(), null, m.sender(), true);
 *         return s.players().isEmpty() && tick > 100 ? null : s;   // null ends the match
 *     }
 *     ...
 * }
 * }</pre>
 */
public interface MatchHandler<S> {

    /**
     * Creates the match state; the match starts ticking at the returned rate. A tick rate outside
     * 1-60, a label over 2048 characters or a null state fails the creation with an
     * {@link IllegalArgumentException} for the creator; so does anything init throws.
     */
    MatchInit<S> init(MatchContext ctx, Map<String, Object> params);

    /**
     * Whether a player may join; called before the player joins, as soon as the request arrives
     * (not at the next tick). A rejected player receives {@code MATCH_JOIN_REJECTED} with the
     * reason. An accepted player may still disconnect before {@link #join}: a handler that
     * reserves a seat here should let the reservation expire. Default: everyone may.
     */
    default JoinDecision<S> joinAttempt(MatchContext ctx, MatchDispatcher dispatcher, long tick, S state,
                                        Presence presence, Map<String, String> metadata) {
        return JoinDecision.accept(state);
    }

    /** Players joined (after an accepted join attempt). */
    S join(MatchContext ctx, MatchDispatcher dispatcher, long tick, S state, List<Presence> presences);

    /** Players left, disconnected or were kicked. */
    S leave(MatchContext ctx, MatchDispatcher dispatcher, long tick, S state, List<Presence> presences);

    /** One tick, with the messages received since the last one. Return null to end the match. */
    S loop(MatchContext ctx, MatchDispatcher dispatcher, long tick, S state, List<MatchMessage> messages);

    /** The server is stopping (or the match is being ended): {@code graceSeconds} remain. Return null to end now. */
    S terminate(MatchContext ctx, MatchDispatcher dispatcher, long tick, S state, int graceSeconds);

    /** A signal from server code ({@link Matches#signal}); the reply goes back to the caller. */
    default SignalResult<S> signal(MatchContext ctx, MatchDispatcher dispatcher, long tick, S state, String data) {
        return new SignalResult<>(state, "");
    }
}
