package io.gantry.persistence;

import io.gantry.persistence.GroupStore.Filter;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredGroup;
import io.gantry.proto.storage.StoredGroupEdge;

import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

import static io.gantry.persistence.GroupStore.ALL_BUT_BANNED;
import static io.gantry.persistence.GroupStore.MEMBER;
import static io.gantry.persistence.GroupStore.NONE;

/**
 * Throughput of the group store's common calls on RocksDB (the baseline) and on PostgreSQL: joins
 * and leaves ({@link GroupStore#change}), a page of a group's users, a page of groups by name
 * prefix, each from T threads over 1,000 imported groups of 50 members. Not a test: run it by hand,
 * from the repository's root, on a quiet machine (with a URL, against that database, which it
 * fills: give it an empty one; without, on the tests' own PostgreSQL 16):
 *
 * <pre>
 * mvn -o -q -B -pl persistence -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp persistence/target/classes:persistence/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.gantry.persistence.GroupStoreTiming 8 10 [postgres://user:pass@127.0.0.1:5432/empty_db]
 * </pre>
 */
public final class GroupStoreTiming {

    private static final int GROUPS = 1_000;
    private static final int MEMBERS = 50;

    private GroupStoreTiming() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        StoreOptions options = new StoreOptions(false, 4);
        try (RocksStore rocks = RocksStore.open(Files.createTempDirectory("group-timing"), options)) {
            run("rocksdb", rocks.groups(), threads, seconds);
        }
        PostgresSettings given = args.length > 2 ? PostgresSettings.parse(args[2]) : null;
        PostgresSettings settings = given != null
                ? new PostgresSettings(given.jdbcUrl(), given.user(), given.password(), threads, 5_000)
                : new PostgresSettings(PostgresTestServer.shared().freshDatabase(), "postgres", "", threads, 5_000);
        try (PostgresStore postgres = PostgresStore.open(settings, options, Clock.systemUTC())) {
            run("postgres", postgres.groups(), threads, seconds);
        }
        System.exit(0);
    }

    private static String id(int prefix, int n) {
        return String.format("%08x-0000-4000-8000-%012x", prefix, n);
    }

    private static void run(String name, GroupStore groups, int threads, int seconds) throws Exception {
        List<DumpRecord> records = new ArrayList<>();
        long now = System.currentTimeMillis() * 1000;
        for (int g = 0; g < GROUPS; g++) {
            records.add(DumpRecord.newBuilder().setGroup(StoredGroup.newBuilder().setId(id(1, g)).setCreatorId(id(2, g))
                    .setName("g " + g).setLangTag("en").setMetadata("{}").setOpen(true).setEdgeCount(MEMBERS)
                    .setMaxCount(1_000_000).setCreateTimeUs(now).setUpdateTimeUs(now)).build());
            for (int m = 0; m < MEMBERS; m++) {
                records.add(DumpRecord.newBuilder().setGroupEdge(StoredGroupEdge.newBuilder().setGroupId(id(1, g))
                        .setUserId(m == 0 ? id(2, g) : id(3, g * MEMBERS + m)).setState(m == 0 ? 0 : MEMBER)
                        .setPosition(now + m).setUpdateTimeUs(now)).build());
            }
        }
        ((StoreTransfer) groups).importRecords(records);
        measure(name, "join or leave", threads, seconds, random -> {
            String user = id(4, random.nextInt(10_000));
            groups.change(id(1, random.nextInt(GROUPS)), m -> {
                if (m.state(user) == NONE) {
                    m.setState(user, MEMBER);
                } else {
                    m.remove(user);
                }
                return null;
            });
        });
        measure(name, "list users (100)", threads, seconds,
                random -> groups.listUsers(id(1, random.nextInt(GROUPS)), ALL_BUT_BANNED, 100, null));
        measure(name, "list groups by prefix (10)", threads, seconds,
                random -> groups.list(new Filter("g " + random.nextInt(100) + "%", null, null, null), 10, null));
        measure(name, "get", threads, seconds, random -> groups.get(id(1, random.nextInt(GROUPS))));
    }

    @FunctionalInterface
    private interface Call {
        void run(SplittableRandom random) throws Exception;
    }

    private static void measure(String store, String call, int threads, int seconds, Call body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            futures.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                while (System.nanoTime() < end) {
                    body.run(random);
                    done.increment();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("%-9s %-28s %9.0f calls/s (%d threads)%n", store, call, done.sum() / (double) seconds, threads);
    }
}
