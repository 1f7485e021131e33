package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the PostgreSQL leaderboard store costs: start-up's rank rebuild of one board of N records
 * ({@link LeaderboardStore#forEachRecord}, streamed), and record writes through {@link LeaderboardStore#change}
 * (optimistic: two round trips) from T threads on N owners, against two baselines on the same table
 * and threads: the transaction holding the record's row lock it falls back to (three round trips),
 * and Nakama's write (one {@code INSERT ... ON CONFLICT DO UPDATE} in auto-commit). Not a
 * test: run it by hand, from the repository's root (no URL: a PostgreSQL 16 of its own, from
 * {@link PostgresTestServer}; with one, an EMPTY database, e.g. the one Nakama's figures are taken on):
 *
 * <pre>
 * nice -n 19 mvn -o -q -B -pl persistence -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * nice -n 19 java -cp persistence/target/classes:persistence/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.gantry.persistence.PostgresLeaderboardTiming 200000 16 20000 [jdbc:postgresql://127.0.0.1:5432/gantry_bench user password]
 * </pre>
 */
public final class PostgresLeaderboardTiming {

    private static final String BOARD = "weekly";
    private static final long EXPIRY = 1_767_225_600L;

    private PostgresLeaderboardTiming() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int writes = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        String url = args.length > 3 ? args[3] : PostgresTestServer.shared().freshDatabase();
        String user = args.length > 4 ? args[4] : "postgres";
        String password = args.length > 5 ? args[5] : "";
        try (PostgresStore store = PostgresStore.open(new PostgresSettings(url, user, password, threads, 10_000),
                new StoreOptions(false, 4), Clock.systemUTC())) {
            LeaderboardStore boards = store.leaderboards();
            fill(store, n);
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                long[] sum = new long[1];
                boards.forEachRecord(BOARD, EXPIRY, (owner, score, subscore) -> sum[0]++);
                long rebuild = System.nanoTime() - start;
                if (sum[0] != n) {
                    throw new AssertionError("visited " + sum[0] + " of " + n);
                }
                double gantry = run(threads, writes, n, (random, owner) -> boards.change(BOARD, EXPIRY, owner, v -> {
                    StoredLeaderboardRecord now = v.record();
                    v.put(now.toBuilder().setScore(now.getScore() + random).setNumScore(now.getNumScore() + 1)
                            .setUpdateTimeUs(System.currentTimeMillis() * 1000).build());
                    return null;
                }));
                PostgresLeaderboardStore pg = (PostgresLeaderboardStore) boards;
                double locking = run(threads, writes, n, (random, owner) -> pg.locking(BOARD, EXPIRY,
                        UUID.fromString(owner), v -> {
                            StoredLeaderboardRecord now = v.record();
                            v.put(now.toBuilder().setScore(now.getScore() + random).setNumScore(now.getNumScore() + 1)
                                    .setUpdateTimeUs(System.currentTimeMillis() * 1000).build());
                            return null;
                        }));
                double nakama = run(threads, writes, n, (random, owner) -> store.db().read(c -> {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO leaderboard_records (leaderboard_id,"
                            + " expiry_time, owner_id, username, score, subscore, num_score, max_num_score, metadata,"
                            + " create_time_us, update_time_us) VALUES (?, ?, ?, NULL, ?, 0, 1, 1000000, '{}', 0, 0)"
                            + " ON CONFLICT (leaderboard_id, expiry_time, owner_id) DO UPDATE SET"
                            + " score = leaderboard_records.score + EXCLUDED.score,"
                            + " num_score = leaderboard_records.num_score + 1, update_time_us = EXCLUDED.update_time_us"
                            + " RETURNING score")) {
                        s.setString(1, BOARD);
                        s.setLong(2, EXPIRY);
                        s.setObject(3, UUID.fromString(owner));
                        s.setLong(4, random);
                        s.executeQuery().close();
                    }
                    return null;
                }));
                System.out.printf("round %d, %,d records: rebuild scan %d ms; %d threads: change() %,.0f writes/s,"
                        + " the row-locking transaction %,.0f writes/s, baseline one-statement upsert %,.0f writes/s%n",
                        round, n, rebuild / 1_000_000, threads, gantry, locking, nakama);
            }
        }
    }

    @FunctionalInterface
    private interface Write {
        void write(long random, String owner) throws Exception;
    }

    /** Writes per second: {@code writes} writes from {@code threads} threads, each to a random existing owner. */
    private static double run(int threads, int writes, int n, Write write) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(t);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < writes / threads; i++) {
                        write.write(random.nextInt(1000), owner(random.nextInt(n)));
                    }
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
            return (writes / threads) * threads / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String owner(int i) {
        return String.format("%08x-0000-4000-8000-%012x", i * 0x9E3779B1, i);
    }

    /** One board of n records, imported in batches of 10,000 (once: an existing board is kept). */
    private static void fill(PostgresStore store, int n) {
        if (!store.leaderboards().create(StoredLeaderboard.newBuilder().setId(BOARD).setSortOrder(1).setMetadata("{}")
                .build()).created()) {
            return;
        }
        long t0 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(1);
        StoreTransfer transfer = (StoreTransfer) store.leaderboards();
        List<DumpRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(DumpRecord.newBuilder().setLeaderboardRecord(StoredLeaderboardRecord.newBuilder()
                    .setLeaderboardId(BOARD).setExpiryTime(EXPIRY).setOwnerId(owner(i))
                    .setUsername("player-" + i).setScore(random.nextLong(1_000_000_000L)).setSubscore(random.nextInt(1000))
                    .setNumScore(1).setMaxNumScore(1_000_000).setMetadata("{\"level\":12}")
                    .setCreateTimeUs(1_767_000_000_000_000L).setUpdateTimeUs(1_767_000_000_000_000L)).build());
            if (batch.size() == 10_000 || i == n - 1) {
                transfer.importRecords(batch);
                batch.clear();
            }
        }
        store.db().read(c -> {
            try (var s = c.createStatement()) {
                s.execute("ANALYZE leaderboard_records");
            }
            return null;
        });
        System.out.printf("imported %,d records in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }
}
