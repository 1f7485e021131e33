package io.gantry.persistence;

import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls per second of the account store's hot calls (a new device's account, a returning device's
 * lookup, a wallet update with its ledger entry) from T threads, on PostgreSQL and, as the
 * baseline, on RocksDB. Not a test: run it by hand, from the repository's root, on a quiet machine:
 *
 * <pre>
 * mvn -o -q -B -pl persistence -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp persistence/target/classes:persistence/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.gantry.persistence.PostgresAccountTiming 16 5 [postgres://user:pass@127.0.0.1:5432/db]
 * </pre>
 *
 * Without an address it starts the tests' PostgreSQL 16 (an empty database); with one it uses that
 * database (its schema migrated by Gantry's Flyway migrations, beside whatever else is there).
 */
public final class PostgresAccountTiming {

    private PostgresAccountTiming() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        PostgresSettings settings = args.length > 2 ? PostgresSettings.parse(args[2])
                : new PostgresSettings(PostgresTestServer.shared().freshDatabase(), "postgres", "", threads, 5_000);
        StoreOptions options = new StoreOptions(false, 4);
        try (PostgresStore postgres = PostgresStore.open(settings, options, Clock.systemUTC())) {
            run("postgres", postgres.accounts(), threads, seconds);
        }
        try (RocksStore rocks = RocksStore.open(Files.createTempDirectory("account-timing"), options)) {
            run("rocksdb ", rocks.accounts(), threads, seconds);
        }
        System.exit(0);   // the shared test server's shutdown hook stops PostgreSQL
    }

    private static void run(String name, AccountStore accounts, int threads, int seconds) throws Exception {
        String prefix = "timing-" + System.nanoTime() + "-";
        AtomicLong created = new AtomicLong();
        double create = measure(threads, seconds, t -> {
            long i = created.getAndIncrement();
            accounts.createWithDevice(prefix + i, null);
        });
        long devices = created.get();
        String userId = accounts.byDeviceId(prefix + 0).orElseThrow().getId();
        double lookup = measure(threads, seconds, t -> accounts.byDeviceId(prefix + (t % devices)).orElseThrow());
        double wallet = measure(threads, seconds, t -> accounts.updateWallet(
                accounts.byDeviceId(prefix + (t % Math.min(devices, 1_000))).orElseThrow().getId(),
                Map.of("gold", 1L), "{}", true));
        double oneWallet = measure(threads, seconds, t -> accounts.updateWallet(userId, Map.of("gold", 1L), "{}", true));
        System.out.printf("%s  %d threads: createWithDevice %.0f/s, byDeviceId %.0f/s, "
                        + "byDeviceId+updateWallet(1000 users) %.0f/s, updateWallet(one user) %.0f/s%n",
                name, threads, create, lookup, wallet, oneWallet);
    }

    private interface Call {
        void run(long i) throws Exception;
    }

    /** Calls per second of {@code call} from {@code threads} threads for {@code seconds}. */
    private static double measure(int threads, int seconds, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        List<Future<Object>> futures = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    call.run(done.getAndIncrement());
                }
                return null;
            }));
        }
        for (Future<Object> f : futures) {
            f.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        return done.get() * 1e9 / elapsed;
    }
}
