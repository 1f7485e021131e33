package io.gantry.bench.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.StatusUpdate;
import io.gantry.core.router.Router;
import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.core.status.StatusService;
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

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The status fan-out: one {@code status_update} from a user who appears online, through the
 * router ring to the {@link StatusService}, which updates the tracker, answers the sender and
 * offers one shared status event (join new, leave old) to each of F followers' queues. Throughput
 * is updates per second end to end: an invocation publishes a batch and waits until the last
 * follower has received every event of it.
 *
 * <p>Baseline ({@code rawFanout}): the router hop of {@link RouterHopBenchmark} to the same F
 * sessions: a handler that builds one outbound message and offers it to each, with no status
 * logic. The gap between the two is what status costs on top of the bare fan-out.
 *
 * <pre>./scripts/bench jmh StatusFanout</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatusFanoutBenchmark {

    static final int BATCH = 256;

    @Param({"1", "10", "100", "1000"})
    public int followers;

    private Router router;
    private Session updater;
    private Session[] fans;
    private Envelope[] updates;
    private Envelope raw;
    /** Messages the last follower has drained: one per update (or per raw message). */
    private final AtomicLong lastFanReceived = new AtomicLong();
    private long expected;

    /** Drains synchronously what the router offered, as {@link RouterHopBenchmark.DrainingConnection}. */
    static class DrainingConnection implements Connection {
        @Override
        public void requestFlush(Session session) {
            while (session.poll() != null) {
                delivered();
            }
            session.flushDone();
        }

        void delivered() {
        }

        @Override
        public void close(int closeCode, String reason) {
            throw new IllegalStateException("benchmark session closed: " + reason);
        }
    }

    @Setup(Level.Trial)
    public void setup() throws InterruptedException {
        router = new Router(65536);
        StatusService status = new StatusService(router, null, Runnable::run); // follows are set up directly
        router.register(Envelope.MessageCase.MATCH_DATA_SEND, (session, envelope) -> rawFanOut(envelope));
        router.start();

        DrainingConnection draining = new DrainingConnection();
        DrainingConnection counting = new DrainingConnection() {
            @Override
            void delivered() {
                lastFanReceived.lazySet(lastFanReceived.get() + 1);
            }
        };
        updater = new Session("updater", "user-updater", "updater", Map.of(), WireFormat.JSON, "en", true,
                Long.MAX_VALUE, 1024, draining);
        fans = new Session[followers];
        for (int i = 0; i < followers; i++) {
            fans[i] = new Session("s" + i, "u" + i, "user" + i, Map.of(), WireFormat.JSON, "en", false,
                    Long.MAX_VALUE, 1024, i == followers - 1 ? counting : draining);
        }
        router.publishConnect(updater);
        for (Session fan : fans) {
            router.publishConnect(fan);
        }
        CountDownLatch ready = new CountDownLatch(1);
        router.execute(() -> {
            for (Session fan : fans) {
                status.follow(fan, List.of(updater.userId()));
            }
            ready.countDown();
        });
        if (!ready.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("router did not set up the followers");
        }
        // Two texts in turn, so every update really changes the status.
        updates = new Envelope[]{update("in the lobby"), update("in a match")};
        raw = Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder()
                .setMatchId("m.").setOpCode(1).setData(ByteString.copyFromUtf8("{\"x\":1}"))).build();
        expected = lastFanReceived.get();
    }

    private static Envelope update(String text) {
        return Envelope.newBuilder().setStatusUpdate(StatusUpdate.newBuilder().setStatus(StringValue.of(text))).build();
    }

    private void rawFanOut(Envelope envelope) {
        MatchDataSend send = envelope.getMatchDataSend();
        Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId(send.getMatchId()).setOpCode(send.getOpCode()).setData(send.getData())).build());
        Session[] to = fans;
        for (Session session : to) {
            session.send(outbound);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void statusUpdate() {
        Envelope[] u = updates;
        for (int i = 0; i < BATCH; i++) {
            router.publishRequestWaiting(updater, u[i & 1]);
        }
        awaitLastFan();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawFanout() {
        for (int i = 0; i < BATCH; i++) {
            router.publishRequestWaiting(updater, raw);
        }
        awaitLastFan();
    }

    private void awaitLastFan() {
        expected += BATCH;
        while (lastFanReceived.get() < expected) {
            Thread.onSpinWait();
        }
    }
}
