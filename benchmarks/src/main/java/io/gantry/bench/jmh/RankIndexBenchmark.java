package io.gantry.bench.jmh;

import io.gantry.core.leaderboard.RankIndex;
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

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;

/**
 * The leaderboard rank index at the size, one descending board of N records with random
 * owners and scores:
 * <ul>
 *   <li>{@code rank}: "where am I" for a random owner (owner table probe plus one descent);</li>
 *   <li>{@code move}: a random existing owner put with a new random score (a removal and an
 *       insertion, the rank after returned);</li>
 *   <li>{@code aroundOwner}: the page {@code range(rank - 50, 100)} around a random owner, its
 *       rank looked up first;</li>
 *   <li>{@code build}: the start-up bulk load of N records through {@link RankIndex#builder}.</li>
 * </ul>
 *
 * <p>Baseline ({@code skipListMove}): the same move in what Nakama 3.18 keeps, a skip list of
 * record objects ordered by the same comparator (here the JDK's {@link ConcurrentSkipListSet} and
 * a {@link HashMap} from owner to record). The JDK's skip list keeps no counts, so its rank is a
 * walk of the whole prefix ({@code skipListRank}, O(n)): what a rank costs without them.
 *
 * <pre>./scripts/bench jmh RankIndex -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class RankIndexBenchmark {

    @Param({"1000000"})
    public int records;

    private UUID[] owners;
    private long[] scores;
    private RankIndex index;
    private long seed = 0x2545F4914F6CDD1DL;

    /** Nakama's RankDesc order for the baseline: score, subscore, owner (as a string), descending. */
    private record Rec(UUID owner, long score, long subscore) {}

    private static final Comparator<Rec> DESC = Comparator.<Rec>comparingLong(r -> -r.score)
            .thenComparingLong(r -> -r.subscore)
            .thenComparing((a, b) -> {
                int c = Long.compareUnsigned(b.owner.getMostSignificantBits(), a.owner.getMostSignificantBits());
                return c != 0 ? c : Long.compareUnsigned(b.owner.getLeastSignificantBits(),
                        a.owner.getLeastSignificantBits());
            });

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(42);
        owners = new UUID[records];
        scores = new long[records];
        RankIndex.Builder builder = RankIndex.builder(true);
        for (int i = 0; i < records; i++) {
            owners[i] = new UUID(random.nextLong(), random.nextLong());
            scores[i] = random.nextLong(1_000_000_000L);
            builder.add(owners[i], scores[i], 0);
        }
        index = builder.build();
    }

    /** The baseline's records, built only for the baseline's benchmarks. */
    @State(Scope.Benchmark)
    public static class SkipList {
        ConcurrentSkipListSet<Rec> set;
        Map<UUID, Rec> byOwner;

        @Setup(Level.Trial)
        public void fill(RankIndexBenchmark bench) {
            set = new ConcurrentSkipListSet<>(DESC);
            byOwner = new HashMap<>(bench.records * 2);
            for (int i = 0; i < bench.records; i++) {
                Rec rec = new Rec(bench.owners[i], bench.scores[i], 0);
                set.add(rec);
                byOwner.put(rec.owner, rec);
            }
        }
    }

    /** xorshift64*: a random number without allocation or shared state. */
    private long next() {
        long x = seed;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        seed = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    private UUID randomOwner() {
        return owners[(int) ((next() >>> 1) % records)];
    }

    @Benchmark
    public long rank() {
        return index.rank(randomOwner());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long move() {
        return index.put(randomOwner(), (next() >>> 1) % 1_000_000_000L, 0);
    }

    @Benchmark
    public List<RankIndex.Entry> aroundOwner() {
        long rank = index.rank(randomOwner());
        return index.range(Math.max(1, rank - 50), 100);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RankIndex build() {
        RankIndex.Builder builder = RankIndex.builder(true);
        final UUID[] o = owners;
        final long[] s = scores;
        for (int i = 0; i < o.length; i++) {
            builder.add(o[i], s[i], 0);
        }
        return builder.build();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public boolean skipListMove(SkipList skipList) {
        UUID owner = randomOwner();
        Rec old = skipList.byOwner.get(owner);
        skipList.set.remove(old);
        Rec rec = new Rec(owner, (next() >>> 1) % 1_000_000_000L, 0);
        skipList.byOwner.put(owner, rec);
        return skipList.set.add(rec);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int skipListRank(SkipList skipList) {
        return skipList.set.headSet(skipList.byOwner.get(randomOwner())).size() + 1;
    }
}
