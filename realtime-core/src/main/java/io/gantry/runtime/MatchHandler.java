package io.gantry.runtime;

import java.util.List;
import java.util.Map;

/**
 * Server-authoritative game logic: one instance per match, called by one thread at a time (a
 * match worker, never a socket thread or the router). {@code S} is the handler's own state type;
 * every call returns the state to keep. A call that throws, or runs far past its tick, ends this
 * match only: its players are told and the server goes on.
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

    /** Creates the match state; the match starts ticking at the returned rate. */
    MatchInit<S> init(MatchContext ctx, Map<String, Object> params);

    /** Whether a player may join; called before the player joins. Default: everyone may. */
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
