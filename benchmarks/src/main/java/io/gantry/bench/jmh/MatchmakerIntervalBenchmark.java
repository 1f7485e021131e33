package io.gantry.bench.jmh;

import io.gantry.matchmaker.MatchmakerBenchmarkSupport;
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

import java.util.concurrent.TimeUnit;

/**
 * One matchmaker interval over a pool of N active tickets, each with a 4-value region property
 * query and a numeric rank range ({@code +properties.region:eu +properties.rank:>=R-10
 * +properties.rank:<=R+10}), groups of 2: the target shape. Each invocation refills the
 * pool (not timed) and processes it once (timed).
 *
 * <p>Baseline: {@code naive}, the same interval where every ticket evaluates its query against
 * every other active ticket (what an unindexed pool costs), at the sizes where it finishes.
 *
 * <pre>./scripts/bench jmh MatchmakerInterval</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class MatchmakerIntervalBenchmark {

    @Param({"1000", "10000", "100000"})
    public int tickets;

    private MatchmakerBenchmarkSupport pool;

    @Setup(Level.Invocation)
    public void fill() {
        pool = new MatchmakerBenchmarkSupport(tickets, 42);
    }

    @Benchmark
    public int indexed() {
        return pool.processInterval();
    }

    @Benchmark
    public int naive() {
        if (tickets > 10_000) {
            return -1; // quadratic: minutes at 100k
        }
        return pool.processNaively();
    }
}
