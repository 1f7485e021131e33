package io.gantry.bench.jmh;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.ChannelMessageSend;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import io.gantry.core.channel.ChannelService;
import io.gantry.core.channel.ChannelSettings;
import io.gantry.core.router.Router;
import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The channel send path on the router: a {@code channel_message_send} envelope is published into
 * the ring, the router thread hands it to {@link ChannelService} (membership check, content
 * validation as a JSON object, message id and timestamps, the {@code channel_message} envelope),
 * which offers one shared {@link Outbound} to each of the N members' queues and then the
 * {@code channel_message_ack} to the sender. The members joined with {@code persistence=false},
 * so the group-commit writer is not on this path (the {@link RocksStore} in a temp directory is
 * only there because the service needs one). Throughput is end to end, as in
 * {@link RouterHopBenchmark}: an invocation publishes a batch with
 * {@link Router#publishRequestWaiting} and spins until the sender has been handed every ack;
 * the ack is offered after the fan-out, so a counted ack means its message reached all N queues.
 * The members' queues are drained synchronously by their {@link Connection}, standing in for the
 * event loops (no encoding, no socket write: {@link Outbound} encodes lazily off the router).
 *
 * <p>Baseline ({@link #baselineRawFanOut}): {@link RouterHopBenchmark}'s raw fan-out, i.e. its
 * {@code ring} benchmark's handler (one {@code match_data} envelope built and offered to the
 * same N sessions, nothing else), on the same kind of router and the same sessions, so the
 * difference is what the channel service itself costs per message.
 *
 * <pre>./scripts/bench jmh ChannelFanout
 * java -jar benchmarks/target/benchmarks.jar ChannelFanout -f 1 -wi 2 -w 1s -i 3 -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChannelFanoutBenchmark {

    static final int BATCH = 1024;
    static final String ROOM = "bench";

    @Param({"1", "8", "64", "200"})
    public int recipients;

    private Path dataDir;
    private RocksStore store;
    private ExecutorService readers;
    private Router router;
    private Session sender;
    private Session[] members;
    private Envelope send;
    private Envelope rawSend;

    /** Acks handed to the sender: written by the router thread only. */
    private final AtomicLong acks = new AtomicLong();
    private long expectedAcks;
    /** Raw fan-outs handled: written by the router thread only. */
    private final AtomicLong rawHandled = new AtomicLong();
    private long expectedRaw;

    /** Drains what the router offered, as an event loop would, and drops it (no socket). */
    static class DrainingConnection implements Connection {
        @Override
        public void requestFlush(Session session) {
            do {
                for (Outbound out = session.poll(); out != null; out = session.poll()) {
                    seen(out);
                }
            } while (session.flushDone());
        }

        void seen(Outbound out) {
            // dropped
        }

        @Override
        public void close(int closeCode, String reason) {
            throw new IllegalStateException("benchmark session closed: " + reason);
        }
    }

    /** The sender's connection: counts the acks it is handed; anything else is an error. */
    final class SenderConnection extends DrainingConnection {
        @Override
        void seen(Outbound out) {
            switch (out.envelope().getMessageCase()) {
                case CHANNEL_MESSAGE_ACK -> acks.lazySet(acks.get() + 1);
                case CHANNEL_MESSAGE, CHANNEL, CHANNEL_PRESENCE_EVENT, MATCH_DATA -> {
                    // its own copy of the message, its join reply and the join events
                }
                default -> throw new IllegalStateException("sender got " + out.envelope());
            }
        }
    }

    @Setup(Level.Trial)
    public void setup() throws IOException, InterruptedException {
        dataDir = Files.createTempDirectory("gantry-bench-channel-");
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        readers = Executors.newSingleThreadExecutor();
        router = new Router(65536);
        new ChannelService(router, store.history(), store.writer(),
                new io.gantry.core.channel.ChannelAccess(store.accounts(), store.friends(), store.groups()), readers,
                (from, to, subject, content) -> java.util.concurrent.CompletableFuture.completedFuture(null),
                ChannelSettings.defaults(), Clock.systemUTC());
        router.register(Envelope.MessageCase.MATCH_DATA_SEND, (session, envelope) -> rawFanOut(envelope));
        router.start();

        DrainingConnection drain = new DrainingConnection();
        members = new Session[recipients];
        for (int i = 0; i < recipients; i++) {
            members[i] = new Session("s" + i, "u" + i, "user" + i, Map.of(), WireFormat.JSON, "en", false,
                    Long.MAX_VALUE, 64, i == 0 ? new SenderConnection() : drain);
        }
        sender = members[0];

        Envelope join = Envelope.newBuilder().setCid("j").setChannelJoin(ChannelJoin.newBuilder()
                .setTarget(ROOM).setType(1).setPersistence(BoolValue.of(false))).build();
        for (Session member : members) {
            router.publishRequestWaiting(member, join);
        }
        CountDownLatch joined = new CountDownLatch(1);
        router.execute(joined::countDown); // the ring is in order: every join is done before this
        if (!joined.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("joins not handled");
        }

        send = Envelope.newBuilder().setCid("1").setChannelMessageSend(ChannelMessageSend.newBuilder()
                .setChannelId("2..." + ROOM).setContent("{\"text\":\"hello everyone\",\"n\":1}")).build();
        rawSend = Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder()
                .setMatchId("m.").setOpCode(1).setData(ByteString.copyFromUtf8("{\"text\":\"hello everyone\",\"n\":1}")))
                .build();

        // one send through the path: it must be acked, or every invocation would spin forever
        router.publishRequestWaiting(sender, send);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (acks.get() < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the channel send path did not ack a message");
            }
            Thread.onSpinWait();
        }
        expectedAcks = 1;
    }

    /** {@link RouterHopBenchmark}'s handler: one envelope, offered to every member. */
    private void rawFanOut(Envelope envelope) {
        MatchDataSend data = envelope.getMatchDataSend();
        Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId(data.getMatchId()).setOpCode(data.getOpCode()).setData(data.getData())).build());
        for (Session session : members) {
            session.send(outbound);
        }
        rawHandled.lazySet(rawHandled.get() + 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        router.close();
        readers.shutdownNow();
        store.close();
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void channelSend() {
        for (int i = 0; i < BATCH; i++) {
            router.publishRequestWaiting(sender, send);
        }
        expectedAcks += BATCH;
        while (acks.get() < expectedAcks) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void baselineRawFanOut() {
        for (int i = 0; i < BATCH; i++) {
            router.publishRequestWaiting(sender, rawSend);
        }
        expectedRaw += BATCH;
        while (rawHandled.get() < expectedRaw) {
            Thread.onSpinWait();
        }
    }
}
