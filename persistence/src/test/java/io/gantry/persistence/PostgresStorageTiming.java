package io.gantry.persistence;

import io.gantry.persistence.StorageStore.ObjectKey;
import io.gantry.persistence.StorageStore.Write;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls per second of the storage and friend stores, PostgreSQL against RocksDB, with T threads
 * making N calls each of every kind. Not a test: run it by hand, from the repository's root, on a
 * quiet machine (the PostgreSQL is the test server from Maven Central unless a JDBC URL is given,
 * for instance the database a Nakama uses; the test server runs with fsync off, so only a real
 * server's figures compare with Nakama's):
 *
 * <pre>
 * mvn -o -q -B -pl persistence -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp persistence/target/classes:persistence/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.gantry.persistence.PostgresStorageTiming 8 2000 [jdbc:postgresql://127.0.0.1:5432/gantry user password]
 * </pre>
 */
public final class PostgresStorageTiming {

    private PostgresStorageTiming() {
    }

    @FunctionalInterface
    private interface Call {
        void run(int thread, int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        PostgresSettings settings = args.length > 2
                ? new PostgresSettings(args[2], args.length > 3 ? args[3] : "postgres", args.length > 4 ? args[4] : "",
                threads, 10_000)
                : new PostgresSettings(PostgresTestServer.shared().freshDatabase(), "postgres", "", threads, 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (PostgresStore postgres = PostgresStore.open(settings, new StoreOptions(false, 4));
             RocksStore rocks = RocksStore.open(Files.createTempDirectory("storage-timing"), new StoreOptions(true, 4))) {
            for (int round = 0; round < 2; round++) {
                System.out.println("round " + round + " (" + threads + " threads x " + calls + " calls)");
                measure("postgres", postgres.storage(), postgres.friends(), pool, threads, calls, round);
                measure("rocksdb ", rocks.storage(), rocks.friends(), pool, threads, calls, round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String user(int round, int thread, int i) {
        return String.format("00000000-0000-4000-%04d-%012d", round * 100 + thread, i);
    }

    private static void measure(String name, StorageStore storage, FriendStore friends, ExecutorService pool,
                                int threads, int calls, int round) throws Exception {
        String r = "r" + round;
        time(name, "storage write, new object", pool, threads, calls, (t, i) ->
                storage.write(List.of(new Write(r, "k" + i, user(round, t, 0), "{\"i\":" + i + "}", "", 2, 1)), false));
        time(name, "storage write, update", pool, threads, calls, (t, i) ->
                storage.write(List.of(new Write(r, "k" + i, user(round, t, 0), "{\"u\":" + i + "}", "", 2, 1)), false));
        time(name, "storage write, 2 objects", pool, threads, calls, (t, i) ->
                storage.write(List.of(new Write(r, "a" + i, user(round, t, 0), "{}", "", 2, 1),
                        new Write(r, "b" + i, user(round, t, 0), "{}", "", 2, 1)), false));
        time(name, "storage read, 1 object", pool, threads, calls, (t, i) ->
                storage.read(List.of(new ObjectKey(r, "k" + i, user(round, t, 0)))));
        time(name, "storage list, 100 of a user", pool, threads, calls, (t, i) ->
                storage.list(r, user(round, t, 0), 1, 100, ""));
        time(name, "friend add (invite)", pool, threads, calls, (t, i) ->
                friends.add(user(round, t, 0), user(round, t, i + 1)));
        time(name, "friend list, 100", pool, threads, calls, (t, i) ->
                friends.list(user(round, t, 0), -1, 100, null));
    }

    private static void time(String name, String what, ExecutorService pool, int threads, int calls, Call call)
            throws Exception {
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < calls; i++) {
                    try {
                        call.run(thread, i);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %s  %-30s %9.0f calls/s%s%n", name, what, threads * calls / seconds,
                failures.get() == 0 ? "" : "  (" + failures.get() + " failed)");
    }
}
