package io.gantry.bench.jmh;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchCreate;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import io.gantry.core.match.MatchListing;
import io.gantry.core.match.MatchService;
import io.gantry.core.router.Router;
import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relayed match data on the router: a player's {@code match_data_send} is published into the
 * ring, the router thread hands it to {@link MatchService} (match id parsed, op code and size
 * checked, the sender found among the match's tracked members, one {@code match_data} envelope
 * built with the sender's presence), which offers that one shared {@link Outbound} to the queue of
 * every other player of the match. P players per match: the sender and P - 1 recipients.
 * Throughput is end to end, as in {@link RouterHopBenchmark}: an invocation publishes a batch and
 * spins until the recipients' queues were handed every message. The queues are drained
 * synchronously by their {@link Connection}, standing in for the event loops (no encoding, no
 * socket write).
 *
 * <p>Baseline ({@link #baselineRawFanOut}): {@link RouterHopBenchmark}'s raw fan-out (one
 * {@code match_data} envelope built and offered to the same P - 1 sessions, no validation, no
 * tracker lookup) on the same kind of router, so the difference is what the match service costs.
 *
 * <pre>./scripts/bench jmh MatchRelay
 * java -jar benchmarks/target/benchmarks.jar MatchRelay -f 1 -wi 2 -w 1s -i 3 -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatchRelayBenchmark {

    static final int BATCH = 1024;

    @Param({"2", "4", "8"})
    public int players;

    private Router router;
    private Router baselineRouter;
    private Session sender;
    private Session[] everyone;
    private Session[] baselineTargets;
    private Envelope send;
    private final CountingConnection counting = new CountingConnection();
    private long expected;
    private final AtomicLong rawHandled = new AtomicLong();
    private long expectedRaw;

    /** Drains what the router offered, as an event loop would, counting match data handed over. */
    static final class CountingConnection implements Connection {
        /** Written by the router thread only (drains happen synchronously inside its sends). */
        final AtomicLong delivered = new AtomicLong();

        @Override
        public void requestFlush(Session session) {
            long count = 0;
            do {
                for (Outbound out = session.poll(); out != null; out = session.poll()) {
                    if (out.envelope().hasMatchData()) {
                        count++;
                    }
                }
            } while (session.flushDone());
            if (count > 0) {
                delivered.lazySet(delivered.get() + count);
            }
        }

        @Override
        public void close(int closeCode, String reason) {
            throw new IllegalStateException("benchmark session closed: " + reason);
        }
    }

    @Setup(Level.Trial)
    public void setup() throws InterruptedException {
        everyone = sessions(players, counting);
        sender = everyone[0];
        router = new Router(65536);
        new MatchService(router, new MatchListing(), "bench", null);
        router.start();
        // the sender creates a named match, the others join it, all through the router
        router.publishRequestWaiting(sender, Envelope.newBuilder().setCid("c")
                .setMatchCreate(MatchCreate.newBuilder().setName("bench")).build());
        String id = UUID.nameUUIDFromBytes("gantry-match:bench".getBytes(StandardCharsets.UTF_8)) + ".";
        for (int i = 1; i < players; i++) {
            router.publishRequestWaiting(everyone[i], Envelope.newBuilder().setCid("j")
                    .setMatchJoin(MatchJoin.newBuilder().setMatchId(id)).build());
        }
        CountDownLatch joined = new CountDownLatch(1);
        router.execute(joined::countDown);
        joined.await();
        send = Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder()
                .setMatchId(id).setOpCode(1).setData(ByteString.copyFromUtf8("{\"x\":1,\"y\":2}"))).build();
        expected = counting.delivered.get(); // 0: presence events are not match data

        baselineTargets = sessions(players, new CountingConnection());
        baselineRouter = new Router(65536);
        baselineRouter.register(Envelope.MessageCase.MATCH_DATA_SEND, (session, envelope) -> rawFanOut(envelope));
        baselineRouter.start();
    }

    private static Session[] sessions(int count, Connection connection) {
        Session[] sessions = new Session[count];
        for (int i = 0; i < count; i++) {
            sessions[i] = new Session("s" + i, "u" + i, "user" + i, Map.of(), WireFormat.JSON, "en", false,
                    Long.MAX_VALUE, 1024, connection);
        }
        return sessions;
    }

    /** {@link RouterHopBenchmark}'s handler: build one envelope, offer it to every other session. */
    private void rawFanOut(Envelope envelope) {
        MatchDataSend data = envelope.getMatchDataSend();
        Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId(data.getMatchId()).setOpCode(data.getOpCode()).setData(data.getData())).build());
        Session[] to = baselineTargets;
        for (int i = 1; i < to.length; i++) {
            to[i].send(outbound);
        }
        rawHandled.lazySet(rawHandled.get() + 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        baselineRouter.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void relay() {
        for (int i = 0; i < BATCH; i++) {
            router.publishRequestWaiting(sender, send);
        }
        expected += (long) BATCH * (players - 1);
        while (counting.delivered.get() < expected) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void baselineRawFanOut() {
        for (int i = 0; i < BATCH; i++) {
            baselineRouter.publishRequestWaiting(baselineTargets[0], send);
        }
        expectedRaw += BATCH;
        while (rawHandled.get() < expectedRaw) {
            Thread.onSpinWait();
        }
    }
}
