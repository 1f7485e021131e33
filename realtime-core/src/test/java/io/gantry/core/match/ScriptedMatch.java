package io.gantry.core.match;

import io.gantry.runtime.JoinDecision;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import io.gantry.runtime.SignalResult;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A match handler whose loop a test scripts: it counts ticks, records what it is told, and runs
 * {@link #onLoop} each tick. State is a plain counter; returning null from the script ends it.
 */
class ScriptedMatch implements MatchHandler<Long> {

    @FunctionalInterface
    interface Loop {
        /** Returns false to end the match. */
        boolean run(MatchContext ctx, MatchDispatcher dispatcher, long tick, List<MatchMessage> messages);
    }

    int tickRate = 20;
    String label = "";
    volatile Loop onLoop = (ctx, d, tick, messages) -> true;
    volatile String rejectReason;
    final AtomicLong ticks = new AtomicLong();
    final List<Presence> joins = new CopyOnWriteArrayList<>();
    final List<Presence> leaves = new CopyOnWriteArrayList<>();
    final List<MatchMessage> messages = new CopyOnWriteArrayList<>();
    final List<Integer> terminated = new CopyOnWriteArrayList<>();
    volatile String matchId;

    ScriptedMatch() {
    }

    ScriptedMatch(int tickRate) {
        this.tickRate = tickRate;
    }

    @Override
    public MatchInit<Long> init(MatchContext ctx, Map<String, Object> params) {
        matchId = ctx.matchId();
        Object rate = params.get("tickRate");
        return new MatchInit<>(0L, rate instanceof Integer r ? r : tickRate, label);
    }

    @Override
    public JoinDecision<Long> joinAttempt(MatchContext ctx, MatchDispatcher dispatcher, long tick, Long state,
                                          Presence presence, Map<String, String> metadata) {
        String reason = rejectReason != null ? rejectReason : metadata.get("reject");
        return reason == null ? JoinDecision.accept(state) : JoinDecision.reject(state, reason);
    }

    @Override
    public Long join(MatchContext ctx, MatchDispatcher dispatcher, long tick, Long state, List<Presence> presences) {
        joins.addAll(presences);
        return state;
    }

    @Override
    public Long leave(MatchContext ctx, MatchDispatcher dispatcher, long tick, Long state, List<Presence> presences) {
        leaves.addAll(presences);
        return state;
    }

    @Override
    public Long loop(MatchContext ctx, MatchDispatcher dispatcher, long tick, Long state, List<MatchMessage> in) {
        ticks.incrementAndGet();
        messages.addAll(in);
        return onLoop.run(ctx, dispatcher, tick, in) ? state + 1 : null;
    }

    @Override
    public Long terminate(MatchContext ctx, MatchDispatcher dispatcher, long tick, Long state, int graceSeconds) {
        terminated.add(graceSeconds);
        return state;
    }

    @Override
    public SignalResult<Long> signal(MatchContext ctx, MatchDispatcher dispatcher, long tick, Long state, String data) {
        return new SignalResult<>(state, "ticks=" + ticks.get() + " data=" + data);
    }
}
