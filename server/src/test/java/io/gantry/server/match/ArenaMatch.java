package io.gantry.server.match;

import io.gantry.runtime.JoinDecision;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import io.gantry.runtime.SignalResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The authoritative handler the match tests drive from the client side: what a message makes it
 * do is its op code. Params: {@code tick_rate} (default 10), {@code label}, {@code ticks} (broadcast
 * {@link #OP_TICK} with the tick number every tick).
 */
final class ArenaMatch implements MatchHandler<ArenaMatch.State> {

    /** Echo to everyone (sender shown as the sender), sent now. */
    static final long OP_ECHO = 1;
    /** Broadcasts {@link #OP_DEFERRED} deferred, then {@link #OP_NOW} now: clients see NOW first. */
    static final long OP_DEFERRED_THEN_NOW = 2;
    static final long OP_DEFERRED = 21;
    static final long OP_NOW = 22;
    /** Answers the sender only, with {@link #OP_PRIVATE}. */
    static final long OP_TO_SENDER = 3;
    static final long OP_PRIVATE = 30;
    /** Kicks the sender. */
    static final long OP_KICK_ME = 4;
    /** Sets the label to the data. */
    static final long OP_LABEL = 5;
    /** Throws. */
    static final long OP_THROW = 6;
    /** Spins until {@link #RELEASE} is set, deaf to interrupts. */
    static final long OP_SPIN = 7;
    /** Replies {@link #OP_BATCH} with how many messages this tick's loop received. */
    static final long OP_COUNT = 8;
    static final long OP_BATCH = 80;
    /** Sent every tick when the param {@code ticks} is true. */
    static final long OP_TICK = 50;
    /** Sent to everyone from terminate. */
    static final long OP_TERMINATING = 99;

    static final AtomicBoolean RELEASE = new AtomicBoolean();

    static final class State {
        final Map<String, Presence> players = new LinkedHashMap<>();
        boolean ticks;
        long loops;
    }

    @Override
    public MatchInit<State> init(MatchContext ctx, Map<String, Object> params) {
        State state = new State();
        state.ticks = Boolean.TRUE.equals(params.get("ticks"));
        Object rate = params.get("tick_rate");
        Object label = params.get("label");
        return new MatchInit<>(state, rate instanceof Number n ? n.intValue() : 10, label == null ? "" : label.toString());
    }

    @Override
    public JoinDecision<State> joinAttempt(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state,
                                           Presence presence, Map<String, String> metadata) {
        String reject = metadata.get("reject");
        return reject != null ? JoinDecision.reject(state, reject) : JoinDecision.accept(state);
    }

    @Override
    public State join(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, List<Presence> presences) {
        for (Presence presence : presences) {
            state.players.put(presence.sessionId(), presence);
        }
        return state;
    }

    @Override
    public State leave(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, List<Presence> presences) {
        for (Presence presence : presences) {
            state.players.remove(presence.sessionId());
        }
        return state;
    }

    @Override
    public State loop(MatchContext ctx, MatchDispatcher d, long tick, State state, List<MatchMessage> messages) {
        state.loops++;
        for (MatchMessage m : messages) {
            byte[] data = m.data();
            switch ((int) m.opCode()) {
                case (int) OP_ECHO -> d.broadcast(OP_ECHO, data, null, m.sender(), true);
                case (int) OP_DEFERRED_THEN_NOW -> {
                    d.broadcastDeferred(OP_DEFERRED, data, null, null, true);
                    d.broadcast(OP_NOW, data, null, null, true);
                }
                case (int) OP_TO_SENDER -> d.broadcast(OP_PRIVATE, data, List.of(m.sender()), null, false);
                case (int) OP_KICK_ME -> d.kick(List.of(m.sender()));
                case (int) OP_LABEL -> d.updateLabel(new String(data, StandardCharsets.UTF_8));
                case (int) OP_THROW -> throw new IllegalStateException(new String(data, StandardCharsets.UTF_8));
                case (int) OP_SPIN -> {
                    while (!RELEASE.get()) {
                        Thread.onSpinWait();
                    }
                }
                case (int) OP_COUNT -> d.broadcast(OP_BATCH, Integer.toString(messages.size()).getBytes(StandardCharsets.UTF_8),
                        List.of(m.sender()), null, true);
                default -> {
                }
            }
        }
        if (state.ticks) {
            d.broadcast(OP_TICK, Long.toString(tick).getBytes(StandardCharsets.UTF_8));
        }
        return state;
    }

    @Override
    public State terminate(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, int graceSeconds) {
        dispatcher.broadcast(OP_TERMINATING, ("grace=" + graceSeconds).getBytes(StandardCharsets.UTF_8));
        return state;
    }

    /** {@code players} answers the session ids of the players; {@code label:X} sets the label; anything else echoes. */
    @Override
    public SignalResult<State> signal(MatchContext ctx, MatchDispatcher dispatcher, long tick, State state, String data) {
        if (data.equals("players")) {
            return new SignalResult<>(state, String.join(",", new ArrayList<>(state.players.keySet())));
        }
        if (data.startsWith("label:")) {
            dispatcher.updateLabel(data.substring("label:".length()));
            return new SignalResult<>(state, "ok");
        }
        return new SignalResult<>(state, "signalled:" + data + " at tick " + tick);
    }
}
