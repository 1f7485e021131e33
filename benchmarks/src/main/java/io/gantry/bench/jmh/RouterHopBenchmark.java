package io.gantry.bench.jmh;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
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

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router hop: a request is published into the ring, the router thread dispatches it to a
 * handler, and the handler builds one outbound message and offers it to each of N recipients'
 * queues (the fan-out, before any socket write). Throughput is end to end: an invocation
 * publishes a batch and waits until the router has handled all of it.
 *
 * <p>Baseline: the same hand-off through a plain {@link ArrayBlockingQueue} and a consumer thread
 * (the obvious design Gantry's ring replaces), with the same handler.
 *
 * <pre>./scripts/bench jmh RouterHop</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouterHopBenchmark {

    static final int BATCH = 1024;

    @Param({"1", "2", "8", "64"})
    public int recipients;

    private Router router;
    private Session sender;
    private Session[] targets;
    private Envelope request;
    private final AtomicLong handled = new AtomicLong();
    private long expected;

    private ArrayBlockingQueue<Envelope> baselineQueue;
    private Thread baselineConsumer;
    private final AtomicLong baselineHandled = new AtomicLong();
    private volatile boolean running;

    /** Drains synchronously what the router offered: stands in for the event loop's consumer side. */
    static final class DrainingConnection implements Connection {
        @Override
        public void requestFlush(Session session) {
            while (session.poll() != null) {
                // dropped: no socket
            }
            session.flushDone();
        }

        @Override
        public void close(int closeCode, String reason) {
            throw new IllegalStateException("benchmark session closed: " + reason);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        DrainingConnection connection = new DrainingConnection();
        targets = new Session[recipients];
        for (int i = 0; i < recipients; i++) {
            targets[i] = new Session("s" + i, "u" + i, "user" + i, Map.of(), WireFormat.JSON, "en", false,
                    Long.MAX_VALUE, 64, connection);
        }
        sender = targets[0];
        request = Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder()
                .setMatchId("m.").setOpCode(1).setData(ByteString.copyFromUtf8("{\"x\":1}"))).build();
        router = new Router(65536);
        router.register(Envelope.MessageCase.MATCH_DATA_SEND, (session, envelope) -> fanOut(envelope));
        router.start();

        baselineQueue = new ArrayBlockingQueue<>(65536);
        running = true;
        baselineConsumer = new Thread(() -> {
            try {
                while (running) {
                    Envelope envelope = baselineQueue.poll(10, TimeUnit.MILLISECONDS);
                    if (envelope != null) {
                        fanOutBaseline(envelope);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "baseline-consumer");
        baselineConsumer.start();
    }

    private void fanOut(Envelope envelope) {
        MatchDataSend send = envelope.getMatchDataSend();
        Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId(send.getMatchId()).setOpCode(send.getOpCode()).setData(send.getData())).build());
        Session[] to = targets;
        for (Session session : to) {
            session.send(outbound);
        }
        handled.lazySet(handled.get() + 1);
    }

    private void fanOutBaseline(Envelope envelope) {
        MatchDataSend send = envelope.getMatchDataSend();
        Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId(send.getMatchId()).setOpCode(send.getOpCode()).setData(send.getData())).build());
        for (Session session : targets) {
            session.send(outbound);
        }
        baselineHandled.lazySet(baselineHandled.get() + 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        router.close();
        running = false;
        baselineConsumer.join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void ring() {
        for (int i = 0; i < BATCH; i++) {
            router.publishRequestWaiting(sender, request);
        }
        expected += BATCH;
        while (handled.get() < expected) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void baselineBlockingQueue() throws InterruptedException {
        long target = baselineHandled.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            baselineQueue.put(request);
        }
        while (baselineHandled.get() < target) {
            Thread.onSpinWait();
        }
    }
}
