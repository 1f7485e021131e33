package io.gantry.bench.load;

import io.gantry.persistence.LeaderboardStore;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code leaderboard-seed}: fills a board in a Gantry data dir directly, with the server stopped,
 * for the start-up measure ({@code benchmarks/side-by-side/leaderboard-startup.sh}): opens the
 * store with {@link RocksStore} and writes through {@link LeaderboardStore#change}, one record per
 * random owner, the board and its records as the server's {@code LeaderboardService} stores them
 * (a board of the SET operator, highest score first, never reset; records of one score each, no
 * metadata, no username). Far faster than the RPC (no HTTP, no WAL sync), and the same bytes on
 * disk. Exit status 0 when every record was written, 2 for bad flags, 1 on a store error.
 */
@Command(name = "leaderboard-seed", mixinStandardHelpOptions = true,
        description = "Write N records with random owners into a board of a stopped Gantry's data dir (start-up measure).")
final class LeaderboardSeed implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, description = "Gantry's data_dir (the store is <data-dir>/rocksdb).")
    Path dataDir;

    @Option(names = "--records", defaultValue = "1000000", description = "Records to add (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--board", paramLabel = "ID", description = "The board's id (default: bench-<records>, e.g. bench-1m).")
    String board;

    @Override
    public Integer call() {
        if (records < 1 || records > 100_000_000) {
            System.err.println("gantry-bench leaderboard-seed: --records must be 1-100000000");
            return 2;
        }
        String id = board != null ? board : LeaderboardLoad.defaultBoard(records);
        long t0 = System.nanoTime();
        try (RocksStore store = RocksStore.open(dataDir, new StoreOptions(false, StoreOptions.DEFAULT_BCRYPT_COST))) {
            LeaderboardStore lb = store.leaderboards();
            // as LeaderboardService.create stores a leaderboard: sort order 1 (descending), operator 1 (set)
            lb.create(StoredLeaderboard.newBuilder().setId(id).setSortOrder(1).setOperator(1).setResetSchedule("")
                    .setMetadata("{}").setCreateTime(System.currentTimeMillis() / 1000).build());
            SplittableRandom rnd = new SplittableRandom();
            for (int i = 0; i < records; i++) {
                String owner = LeaderboardRequests.randomOwner(rnd);
                long score = LeaderboardRequests.SCORE_MIN + rnd.nextLong(LeaderboardRequests.SCORE_SPAN);
                long micros = System.currentTimeMillis() * 1000;
                lb.change(id, 0, owner, v -> {
                    v.put(StoredLeaderboardRecord.newBuilder().setLeaderboardId(id).setOwnerId(owner).setScore(score)
                            .setSubscore(0).setNumScore(1).setMaxNumScore(0).setMetadata("{}")
                            .setCreateTimeUs(micros).setUpdateTimeUs(micros).setExpiryTime(0).build());
                    return null;
                });
                if ((i + 1) % 100_000 == 0) {
                    System.err.printf("%,d records …%n", i + 1);
                }
            }
        } catch (Exception e) {
            System.err.println("gantry-bench leaderboard-seed: " + e);
            return 1;
        }
        System.out.printf("leaderboard-seed: %,d records written into %s in %.1f s%n", records, id, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
