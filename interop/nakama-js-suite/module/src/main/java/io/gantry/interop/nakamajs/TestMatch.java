package io.gantry.interop.nakamajs;

import io.gantry.runtime.JoinDecision;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import io.gantry.runtime.SignalResult;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * match.lua: a match that accepts everyone, ticks once a second, does nothing with the data it
 * receives, and ends itself after its eleventh tick. With {@code debug} it logs each call (Lua's
 * {@code print}; here at DEBUG level).
 *
 * <p>Ticks: Nakama passes {@code match_loop} the ticks 0, 1, 2… and the Lua ends the match when it is
 * called with tick 10; Gantry numbers the first loop 1, so the same (eleventh) call has tick 11.
 */
final class TestMatch implements MatchHandler<TestMatch.State> {

    private static final System.Logger LOG = System.getLogger(TestMatch.class.getName());

    /** match.lua: {@code if tick < 10 then return state end} with Nakama's 0-based ticks. */
    static final long LAST_TICK = 10;

    record State(boolean debug) {
    }

    @Override
    public MatchInit<State> init(MatchContext ctx, Map<String, Object> params) {
        boolean debug = params != null && Boolean.TRUE.equals(params.get("debug"));
        Object label = params == null ? null : params.get("label");
        State state = new State(debug);
        log(state, () -> "match init " + ctx.matchId() + " params " + Json.encode(params));
        return new MatchInit<>(state, 1, label instanceof String s ? s : "skill=100-150");
    }

    @Override
    public JoinDecision<State> joinAttempt(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state,
                                           Presence presence, Map<String, String> metadata) {
        log(state, () -> "match join attempt " + Json.encode(ClientRpcModule.presence(presence))
                + " metadata " + Json.encode(metadata));
        return JoinDecision.accept(state);
    }

    @Override
    public State join(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, List<Presence> presences) {
        log(state, () -> "match join " + presences);
        return state;
    }

    @Override
    public State leave(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, List<Presence> presences) {
        log(state, () -> "match leave " + presences);
        return state;
    }

    @Override
    public State loop(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, List<MatchMessage> messages) {
        long nakamaTick = tick - 1;
        log(state, () -> "match " + ctx.matchId() + " tick " + nakamaTick + " messages " + messages.size()
                + messages.stream().map(m -> " [" + m.opCode() + " " + new String(m.data(), StandardCharsets.UTF_8) + "]")
                        .reduce("", String::concat));
        return nakamaTick < LAST_TICK ? state : null;
    }

    @Override
    public State terminate(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, int graceSeconds) {
        log(state, () -> "match " + ctx.matchId() + " tick " + tick + " grace_seconds " + graceSeconds);
        return state;
    }

    @Override
    public SignalResult<State> signal(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, String data) {
        log(state, () -> "match " + ctx.matchId() + " tick " + tick + " data " + data);
        return new SignalResult<>(state, "signal received: " + data);
    }

    private static void log(State state, java.util.function.Supplier<String> message) {
        if (state.debug()) {
            LOG.log(Level.DEBUG, message);
        }
    }
}
