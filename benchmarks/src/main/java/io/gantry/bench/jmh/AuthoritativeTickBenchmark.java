package io.gantry.bench.jmh;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.match.AuthoritativeMatchRunner;
import io.gantry.core.match.MatchSettings;
import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One tick of an authoritative match with N players, each of whom sent one message since the
 * last tick; the handler echoes every message to every player with {@code broadcast} (N
 * envelopes built, N x N queue offers). An invocation is what the router and the match's lane do
 * for that tick: N {@code offerData} calls (the router's side: bound check, copy, enqueue), then
 * the tick on the lane's side ({@link AuthoritativeMatchRunner#tickNow}: control queue, input
 * drained, the watched handler call, the dispatcher's broadcasts). The match is
 * {@link AuthoritativeMatchRunner#detached detached}, ticked on the benchmark thread; the
 * players' queues are drained synchronously by their {@link Connection} (no encoding, no socket).
 *
 * <p>Baseline ({@link #baselineDirectFanOut}): the same N x N fan-out done directly — the same
 * envelopes built and offered to the same sessions in two plain loops, no queues, no handler —
 * so the difference is what the runner adds per tick.
 *
 * <pre>./scripts/bench jmh AuthoritativeTick
 * java -jar benchmarks/target/benchmarks.jar AuthoritativeTick -f 1 -wi 2 -w 1s -i 3 -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthoritativeTickBenchmark {

    @Param({"2", "10", "100"})
    public int players;

    private AuthoritativeMatchRunner runner;
    private Session[] sessions;
    private UserPresence[] presences;
    private final ByteString payload = ByteString.copyFromUtf8("{\"x\":12.5,\"y\":-3.25,\"a\":90}");

    /** Echoes every message to everyone, naming its sender. */
    static final class EchoMatch implements MatchHandler<Object> {
        private static final Object STATE = new Object();

        @Override
        public MatchInit<Object> init(MatchContext ctx, Map<String, Object> params) {
            return new MatchInit<>(STATE, 60, "");
        }

        @Override
        public Object join(MatchContext ctx, MatchDispatcher dispatcher, long tick, Object state, List<Presence> presences) {
            return state;
        }

        @Override
        public Object leave(MatchContext ctx, MatchDispatcher dispatcher, long tick, Object state, List<Presence> presences) {
            return state;
        }

        @Override
        public Object loop(MatchContext ctx, MatchDispatcher dispatcher, long tick, Object state, List<MatchMessage> messages) {
            for (int i = 0; i < messages.size(); i++) {
                MatchMessage message = messages.get(i);
                dispatcher.broadcast(message.opCode(), message.data(), null, message.sender(), true);
            }
            return state;
        }

        @Override
        public Object terminate(MatchContext ctx, MatchDispatcher dispatcher, long tick, Object state, int graceSeconds) {
            return null;
        }
    }

    /** Drops what it is handed, as a socket that is always writable would. */
    static final class DrainingConnection implements Connection {
        @Override
        public void requestFlush(Session session) {
            do {
                while (session.poll() != null) {
                    // dropped
                }
            } while (session.flushDone());
        }

        @Override
        public void close(int closeCode, String reason) {
            throw new IllegalStateException("benchmark session closed: " + reason);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        runner = AuthoritativeMatchRunner.detached("echo", new EchoMatch(), Map.of(),
                new MatchSettings(Math.max(128, players), 0));
        DrainingConnection connection = new DrainingConnection();
        sessions = new Session[players];
        presences = new UserPresence[players];
        for (int i = 0; i < players; i++) {
            sessions[i] = new Session("s" + i, "u" + i, "user" + i, Map.of(), WireFormat.JSON, "en", false,
                    Long.MAX_VALUE, 1024, connection);
            presences[i] = UserPresence.newBuilder().setUserId("u" + i).setSessionId("s" + i).setUsername("user" + i).build();
            runner.joined(sessions[i], presences[i]);
        }
        runner.tickNow(); // handles the joins
        if (runner.size() != players) {
            throw new IllegalStateException("expected " + players + " players, have " + runner.size());
        }
    }

    @Benchmark
    public void tick() {
        for (int i = 0; i < players; i++) {
            if (!runner.offerData(presences[i], 1, payload, true)) {
                throw new IllegalStateException("input queue full");
            }
        }
        runner.tickNow();
    }

    @Benchmark
    public void baselineDirectFanOut() {
        String matchId = runner.id();
        for (int i = 0; i < players; i++) {
            Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                    .setMatchId(matchId).setOpCode(1).setData(ByteString.copyFrom(payload.toByteArray()))
                    .setPresence(presences[i]).setReliable(true)).build());
            for (Session session : sessions) {
                session.send(outbound);
            }
        }
    }
}
