package io.gantry.persistence;

import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Gantry nodes on one database: two {@link PostgresStore}s, each with its own pool, writing the
 * same board at once. No JVM lock is shared between them, so what keeps their changes apart is
 * PostgreSQL's: no increment is lost, and a tournament's last place goes to exactly one owner.
 */
class PostgresLeaderboardRaceTest {

    static final String A = "00000000-0000-4000-8000-00000000000a";

    private PostgresStore node1;
    private PostgresStore node2;

    @BeforeEach
    void openTwoNodes() {
        String url = PostgresTestServer.shared().freshDatabase();
        node1 = PostgresStore.open(new PostgresSettings(url, "postgres", "", 4, 5_000), new StoreOptions(false, 4),
                Clock.systemUTC());
        node2 = PostgresStore.open(new PostgresSettings(url, "postgres", "", 4, 5_000), new StoreOptions(false, 4),
                Clock.systemUTC());
    }

    @AfterEach
    void closeNodes() {
        node1.close();
        node2.close();
    }

    private static StoredLeaderboard board(String id, int maxSize) {
        return StoredLeaderboard.newBuilder().setId(id).setSortOrder(1).setMetadata("{}").setMaxSize(maxSize).build();
    }

    /** Adds one to the owner's score, creating the record (and growing the size) on its first write. */
    private static void increment(LeaderboardStore boards, String board, String owner) {
        boards.change(board, 0, owner, v -> {
            StoredLeaderboardRecord now = v.record();
            if (now == null) {
                v.growSize(0);
                now = StoredLeaderboardRecord.newBuilder().setMetadata("{}").build();
            }
            v.put(now.toBuilder().setScore(now.getScore() + 1).setNumScore(now.getNumScore() + 1).build());
            return null;
        });
    }

    @Test
    void twoNodesIncrementingOneRecordLoseNoUpdate() throws Exception {
        node1.leaderboards().create(board("hot", 0));
        int threadsPerNode = 3;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerNode);
        CyclicBarrier start = new CyclicBarrier(2 * threadsPerNode);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (PostgresStore node : List.of(node1, node2)) {
                for (int t = 0; t < threadsPerNode; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            increment(node.leaderboards(), "hot", A);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        int total = 2 * threadsPerNode * perThread;
        StoredLeaderboardRecord last = node2.leaderboards().record("hot", 0, A).orElseThrow();
        assertEquals(total, last.getScore());
        assertEquals(total, last.getNumScore());
        assertEquals(1, node1.leaderboards().board("hot").orElseThrow().getSize(), "the size grew once");
    }

    @Test
    void aFirstWriteThatLosesTheInsertToAnotherNodeIsDecidedAgainOnItsRecord() {
        node1.leaderboards().create(board("lb", 0));
        AtomicInteger decisions = new AtomicInteger();

        node1.leaderboards().change("lb", 0, A, v -> {
            if (decisions.incrementAndGet() == 1) {
                // node 2 writes the owner's first record while node 1 is deciding on "no record"
                increment(node2.leaderboards(), "lb", A);
            }
            StoredLeaderboardRecord now = v.record();
            if (now == null) {
                v.growSize(0);
                now = StoredLeaderboardRecord.newBuilder().setMetadata("{}").build();
            }
            v.put(now.toBuilder().setScore(now.getScore() + 10).setNumScore(now.getNumScore() + 1).build());
            return null;
        });

        assertEquals(2, decisions.get(), "decided again after the insert lost");
        StoredLeaderboardRecord stored = node1.leaderboards().record("lb", 0, A).orElseThrow();
        assertEquals(11, stored.getScore());
        assertEquals(2, stored.getNumScore());
        assertEquals(1, node2.leaderboards().board("lb").orElseThrow().getSize());
    }

    /** Node 1 adds 10 to the record; during its first {@code interrupted} decisions node 2 adds 1. */
    private int incrementInterrupted(int interrupted) {
        AtomicInteger decisions = new AtomicInteger();
        node1.leaderboards().change("lb", 0, A, v -> {
            if (decisions.incrementAndGet() <= interrupted) {
                increment(node2.leaderboards(), "lb", A);
            }
            StoredLeaderboardRecord now = v.record();
            v.put(now.toBuilder().setScore(now.getScore() + 10).setNumScore(now.getNumScore() + 1).build());
            return null;
        });
        return decisions.get();
    }

    @Test
    void aChangeWhoseRecordAnotherNodeUpdatedMeanwhileIsDecidedAgainOnTheNewRecord() {
        node1.leaderboards().create(board("lb", 0));
        increment(node1.leaderboards(), "lb", A);

        assertEquals(2, incrementInterrupted(1), "the optimistic write lost once, then won");

        StoredLeaderboardRecord stored = node2.leaderboards().record("lb", 0, A).orElseThrow();
        assertEquals(1 + 1 + 10, stored.getScore());
        assertEquals(3, stored.getNumScore());
    }

    @Test
    void aChangeThatKeepsLosingWaitsForTheRecordsLockAndLosesNothing() {
        node1.leaderboards().create(board("lb", 0));
        increment(node1.leaderboards(), "lb", A);

        // two lost optimistic writes, then the locking transaction, which no one can overtake
        assertEquals(3, incrementInterrupted(2));

        StoredLeaderboardRecord stored = node2.leaderboards().record("lb", 0, A).orElseThrow();
        assertEquals(1 + 2 + 10, stored.getScore());
        assertEquals(4, stored.getNumScore());
    }

    @Test
    void aDeletionOnAnotherNodeDuringTheDecisionIsSeenByTheDecisionMadeAgain() {
        node1.leaderboards().create(board("lb", 0));
        increment(node1.leaderboards(), "lb", A);
        List<Boolean> seen = new ArrayList<>();

        node1.leaderboards().change("lb", 0, A, v -> {
            seen.add(v.record() != null);
            if (seen.size() == 1) {
                node2.leaderboards().change("lb", 0, A, w -> {
                    w.delete();
                    return null;
                });
            }
            if (v.record() != null) {
                v.put(v.record().toBuilder().setScore(100).build());
            }
            return null;
        });

        assertEquals(List.of(true, false), seen, "the update of a deleted record lost, and was decided again");
        assertTrue(node1.leaderboards().record("lb", 0, A).isEmpty());
    }

    @Test
    void twoNewOwnersOnTwoNodesRaceForTheLastPlaceAndExactlyOneGetsIn() throws Exception {
        int rounds = 20;
        String[] owners = {"10000000-0000-4000-8000-000000000001", "20000000-0000-4000-8000-000000000002"};
        List<PostgresStore> nodes = List.of(node1, node2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                String id = "cup-" + round;
                node1.leaderboards().create(board(id, 1));
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Boolean>> joined = new ArrayList<>();
                for (int n = 0; n < 2; n++) {
                    LeaderboardStore boards = nodes.get(n).leaderboards();
                    String owner = owners[n];
                    joined.add(pool.submit(() -> {
                        start.await();
                        return boards.change(id, 0, owner, v -> {
                            if (!v.growSize(v.board().getMaxSize())) {
                                return false;
                            }
                            v.put(StoredLeaderboardRecord.newBuilder().setScore(1).setNumScore(1).setMetadata("{}").build());
                            return true;
                        });
                    }));
                }
                int in = 0;
                for (Future<Boolean> f : joined) {
                    in += f.get(1, TimeUnit.MINUTES) ? 1 : 0;
                }
                assertEquals(1, in, "round " + round + ": exactly one owner got in");
                assertEquals(1, node2.leaderboards().board(id).orElseThrow().getSize());
                List<String> stored = new ArrayList<>();
                node1.leaderboards().forEachRecord(id, 0, (owner, score, subscore) -> stored.add(owner));
                assertEquals(1, stored.size(), "round " + round + ": one record");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
