package io.gantry.persistence;

import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * How long start-up's rank rebuild reads one board of N records ({@link LeaderboardStore#forEachRecord}),
 * against the baseline of iterating the same records and parsing each whole protobuf. Not a test: run
 * it by hand, from the repository's root:
 *
 * <pre>
 * mvn -o -q -B -pl persistence -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp persistence/target/classes:persistence/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.gantry.persistence.LeaderboardRebuildTiming 1000000 10 [/tmp/kept-db]
 * </pre>
 */
public final class LeaderboardRebuildTiming {

    private LeaderboardRebuildTiming() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        // a third argument keeps the database there, so that a second run skips the writes
        boolean keep = args.length > 2;
        Path dir = keep ? Path.of(args[2]) : Files.createTempDirectory("lb-timing");
        try (RocksStore store = RocksStore.open(dir, new StoreOptions(false, 4))) {
            LeaderboardStore boards = store.leaderboards();
            if (boards.create(StoredLeaderboard.newBuilder().setId("weekly").setSortOrder(1).build()).created()) {
                write(store, boards, n);
            }
            ColumnFamilyHandle records = store.handle(StoreColumnFamily.LEADERBOARD_RECORDS);
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                long steps = 0;
                try (ReadOptions read = new ReadOptions().setFillCache(false);
                     RocksIterator it = store.db().newIterator(records, read)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        steps++;
                    }
                }
                long bare = System.nanoTime() - start;

                ByteBuffer key = ByteBuffer.allocateDirect(256);
                ByteBuffer value = ByteBuffer.allocateDirect(4096);
                start = System.nanoTime();
                try (ReadOptions read = new ReadOptions().setFillCache(false);
                     RocksIterator it = store.db().newIterator(records, read)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        key.clear();
                        value.clear();
                        it.key(key);
                        it.value(value);
                    }
                }
                long copied = System.nanoTime() - start;

                long[] sum = new long[2];
                start = System.nanoTime();
                boards.forEachRecord("weekly", EXPIRY, (owner, score, subscore) -> {
                    sum[0]++;
                    sum[1] += score + subscore + owner.length();
                });
                long visit = System.nanoTime() - start;

                long[] base = new long[2];
                start = System.nanoTime();
                try (RocksIterator it = store.db().newIterator(records)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        StoredLeaderboardRecord rec = StoredLeaderboardRecord.parseFrom(it.value());
                        base[0]++;
                        base[1] += rec.getScore() + rec.getSubscore() + rec.getOwnerId().length();
                    }
                }
                long full = System.nanoTime() - start;
                if (steps != n || sum[0] != n || base[0] != n || sum[1] != base[1]) {
                    throw new AssertionError("visited " + sum[0] + " and " + base[0] + " of " + n);
                }
                System.out.printf("round %d, %,d records: iteration alone %d ms; + key and value into direct "
                        + "buffers %d ms; forEachRecord %d ms; baseline (key and value arrays, whole parse) %d ms%n",
                        r, n, bare / 1_000_000, copied / 1_000_000, visit / 1_000_000, full / 1_000_000);
            }
        } finally {
            if (!keep) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static final long EXPIRY = 1_767_225_600L;

    private static void write(RocksStore store, LeaderboardStore boards, int n) throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String owner = String.format("%08x-0000-4000-8000-%012x", random.nextInt(), i);
            long score = random.nextLong(1_000_000_000L);
            long subscore = random.nextInt(1000);
            boards.change("weekly", EXPIRY, owner, v -> {
                v.growSize(0);
                v.put(StoredLeaderboardRecord.newBuilder().setOwnerId(owner).setUsername("player-" + owner.substring(24))
                        .setScore(score).setSubscore(subscore).setNumScore(1).setMetadata("{\"level\":12}")
                        .setCreateTimeUs(1_767_000_000_000_000L).setUpdateTimeUs(1_767_000_000_000_000L).build());
                return null;
            });
        }
        System.out.printf("wrote %,d records through change() in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        store.db().compactRange(store.handle(StoreColumnFamily.LEADERBOARD_RECORDS));
    }
}
