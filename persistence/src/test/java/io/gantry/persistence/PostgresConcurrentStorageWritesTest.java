package io.gantry.persistence;

import io.gantry.persistence.ConcurrentStorageWritesTest.Step;
import io.gantry.persistence.StorageStore.Write;
import io.gantry.proto.storage.StoredStorageObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Two Gantry nodes on one PostgreSQL database: two {@link PostgresStore}s, each with its own pool,
 * racing conditional writes and friend requests on the same rows. Only the database's row locks
 * and constraints order them, so these prove there is no reliance on a JVM lock.
 */
class PostgresConcurrentStorageWritesTest {

    private static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    private static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    private static final int RACERS = 6;
    private static final int ROUNDS = 20;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private PostgresStore node1;
    private PostgresStore node2;
    private ExecutorService pool;

    @BeforeEach
    void openTwoNodes() {
        String url = PostgresTestServer.shared().freshDatabase();
        node1 = PostgresStore.open(new PostgresSettings(url, "postgres", "", 8, 10_000), new StoreOptions(false, 4), clock);
        node2 = PostgresStore.open(new PostgresSettings(url, "postgres", "", 8, 10_000), new StoreOptions(false, 4), clock);
        pool = Executors.newFixedThreadPool(Math.max(RACERS, ConcurrentStorageWritesTest.THREADS));
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        node1.close();
        node2.close();
    }

    private StorageStore node(int i) {
        return (i % 2 == 0 ? node1 : node2).storage();
    }

    /** Runs {@code racer} on {@link #RACERS} threads released together; returns how many succeeded. */
    private <T> List<T> race(int racers, RacerBody<T> racer) throws Exception {
        CyclicBarrier start = new CyclicBarrier(racers);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            int id = i;
            futures.add(pool.submit((Callable<T>) () -> {
                start.await();
                return racer.run(id);
            }));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    @FunctionalInterface
    private interface RacerBody<T> {
        T run(int racer) throws Exception;
    }

    @Test
    void createIfAbsentFromBothNodesAtOnceHasExactlyOneWinner() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String key = "new" + round;
            boolean alone = round % 2 == 0;   // one object (one statement), or two (one transaction)
            List<Boolean> won = race(RACERS, racer -> {
                try {
                    Write create = new Write("c", key, ALICE, "{\"racer\":" + racer + "}", "*", 1, 1);
                    node(racer).write(alone ? List.of(create)
                            : List.of(create, new Write("c", key + "-by-" + racer, BOB, "{}", "", 1, 1)), false);
                    return true;
                } catch (StorageRejectedException e) {
                    assertEquals(StorageRejectedException.Reason.VERSION, e.reason());
                    return false;
                }
            });
            assertEquals(1, won.stream().filter(w -> w).count(), "round " + round + ": " + won);
            int winner = won.indexOf(true);
            StoredStorageObject stored = ConcurrentStorageWritesTest.read(node2.storage(), key, ALICE);
            assertEquals("{\"racer\":" + winner + "}", stored.getValue(), "the winner's value is stored");
            for (int racer = 0; racer < RACERS && !alone; racer++) {
                // a losing call wrote nothing of itself, not even its unconditional half
                assertEquals(racer == winner, ConcurrentStorageWritesTest.read(node1.storage(), key + "-by-" + racer, BOB) != null);
            }
        }
    }

    @Test
    void updatesFromOneVersionOnBothNodesAtOnceHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String key = "hot" + round;
            String base = node1.storage().write(List.of(new Write("c", key, ALICE, "{\"base\":" + round + "}", "", 1, 1)), false)
                    .get(0).getVersion();
            boolean alone = round % 2 == 0;   // one object (one statement), or two (one transaction)
            List<String> versions = race(RACERS, racer -> {
                try {
                    Write update = new Write("c", key, ALICE, "{\"racer\":" + racer + "}", base, 1, 1);
                    return node(racer).write(alone ? List.of(update)
                            : List.of(update, new Write("c", "other" + racer, BOB, "{}", "", 1, 1)), false).get(0).getVersion();
                } catch (StorageRejectedException e) {
                    assertEquals(StorageRejectedException.Reason.VERSION, e.reason());
                    return null;
                }
            });
            List<String> winners = versions.stream().filter(v -> v != null).toList();
            assertEquals(1, winners.size(), "round " + round + ": " + versions);
            assertEquals(winners.get(0), ConcurrentStorageWritesTest.read(node2.storage(), key, ALICE).getVersion());
        }
    }

    @Test
    void acknowledgedCallsOfTwoNodesFormOneSerialHistoryPerObject() throws Exception {
        ConcurrentLinkedQueue<Step> steps = new ConcurrentLinkedQueue<>();
        List<String> own = race(ConcurrentStorageWritesTest.THREADS,
                thread -> ConcurrentStorageWritesTest.run(node(thread), thread, steps));
        ConcurrentStorageWritesTest.checkHistory(node1.storage(), steps);
        Map<String, String> expected = new HashMap<>();
        for (int t = 0; t < own.size(); t++) {
            expected.put("own" + t, own.get(t));
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            StoredStorageObject stored = ConcurrentStorageWritesTest.read(node2.storage(), e.getKey(), BOB);
            assertEquals(e.getValue(), stored == null ? null : stored.getValue(), e.getKey());
        }
    }

    @Test
    void twoUsersAddingEachOtherOnTwoNodesAtOnceBecomeFriends() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String a = String.format("00000000-0000-4000-8000-%012d", 2 * round + 1);
            String b = String.format("00000000-0000-4000-8000-%012d", 2 * round + 2);
            List<FriendStore.AddResult> results = race(2, racer ->
                    racer == 0 ? node1.friends().add(a, b) : node2.friends().add(b, a));
            assertEquals(List.of(FriendStore.AddResult.INVITED, FriendStore.AddResult.ACCEPTED),
                    results.stream().sorted().toList(), "round " + round);
            assertEquals(FriendStore.FRIEND, node1.friends().state(a, b));
            assertEquals(FriendStore.FRIEND, node2.friends().state(b, a));
            assertEquals(1, node1.friends().count(a));
            assertEquals(1, node2.friends().count(b));
        }
    }

    /** How many sessions of the test database wait for a lock (a row another transaction holds). */
    private int sessionsWaitingForALock() {
        return node1.db().read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    /**
     * The deterministic form of the race: another node's transaction has inserted rows and not yet
     * committed, so this node's calls find them absent, cannot lock them, and block on the insert.
     * When the other commits, each call must be checked again against the row it now sees: the
     * "*" write is refused, the unconditional one updates the other's row (keeping its create
     * time), and the friend request accepts the other's invite instead of overwriting it.
     */
    @Test
    void aRowAnotherNodeInsertsWhileACallRunsIsCheckedNotOverwritten() throws Exception {
        String a = "00000000-0000-4000-8000-00000000000a";
        String b = "00000000-0000-4000-8000-00000000000b";
        try (Connection other = node2.db().connection()) {
            other.setAutoCommit(false);
            try (PreparedStatement s = other.prepareStatement("INSERT INTO storage_objects"
                    + " (user_id, collection, key, value, version, read, write, create_time_us, update_time_us)"
                    + " VALUES (?, 'c'::text::bytea, ?, '{\"other\":1}', ?, 1, 1, 7, 7)")) {
                for (String key : List.of("star", "plain")) {
                    s.setObject(1, UUID.fromString(ALICE));
                    s.setBytes(2, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    s.setString(3, RocksStorageStore.md5Hex("{\"other\":1}"));
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = other.prepareStatement("INSERT INTO friend_edges"
                    + " (user_id, other_id, state, position, update_time_us) VALUES (?, ?, 1, 5, 5), (?, ?, 2, 6, 5)")) {
                s.setObject(1, UUID.fromString(a));
                s.setObject(2, UUID.fromString(b));
                s.setObject(3, UUID.fromString(b));
                s.setObject(4, UUID.fromString(a));
                s.executeUpdate();
            }
            Future<List<StoredStorageObject>> star = pool.submit(() -> node1.storage().write(
                    List.of(new Write("c", "star", ALICE, "{\"mine\":1}", "*", 1, 1)), false));
            Future<List<StoredStorageObject>> plain = pool.submit(() -> node1.storage().write(
                    List.of(new Write("c", "plain", ALICE, "{\"mine\":1}", "", 1, 1)), false));
            Future<FriendStore.AddResult> accept = pool.submit(() -> node1.friends().add(b, a));
            await().atMost(Duration.ofSeconds(30)).until(() -> sessionsWaitingForALock() == 3);
            other.commit();

            ExecutionException refused = assertThrows(ExecutionException.class, () -> star.get(30, TimeUnit.SECONDS));
            StorageRejectedException rejection = assertInstanceOf(StorageRejectedException.class, refused.getCause());
            assertEquals(StorageRejectedException.Reason.VERSION, rejection.reason());
            assertEquals("{\"other\":1}", ConcurrentStorageWritesTest.read(node1.storage(), "star", ALICE).getValue());

            StoredStorageObject updated = plain.get(30, TimeUnit.SECONDS).get(0);
            assertEquals(7, updated.getCreateTimeUs(), "an update of the other's row, not an insert");
            assertEquals(updated, ConcurrentStorageWritesTest.read(node1.storage(), "plain", ALICE));

            assertEquals(FriendStore.AddResult.ACCEPTED, accept.get(30, TimeUnit.SECONDS));
            FriendStore.Edge edge = node2.friends().list(a, -1, 10, null).edges().get(0);
            assertEquals(FriendStore.FRIEND, edge.state());
            assertEquals(5, edge.position(), "accepting keeps the invite's position");
            assertEquals(1, node2.friends().count(b));
        }
    }
}
