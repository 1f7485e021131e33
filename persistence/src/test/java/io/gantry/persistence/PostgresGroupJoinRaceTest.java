package io.gantry.persistence;

import io.gantry.proto.storage.StoredGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.gantry.persistence.GroupStore.ALL_BUT_BANNED;
import static io.gantry.persistence.GroupStore.MEMBER;
import static io.gantry.persistence.GroupStore.NONE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Gantry nodes (two {@link PostgresStore}s on one database) joining the same full-but-one group
 * at once: the group's row lock serializes their changes, so exactly one joins and the edge count
 * never passes the group's max count, with no JVM lock in common.
 */
class PostgresGroupJoinRaceTest {

    private static final String OWNER = "00000000-0000-4000-8000-00000000000a";
    private static final String X = "00000000-0000-4000-8000-00000000000b";
    private static final String Y = "00000000-0000-4000-8000-00000000000c";

    private PostgresStore nodeA;
    private PostgresStore nodeB;

    @BeforeEach
    void openTwoNodes() {
        String url = PostgresTestServer.shared().freshDatabase();
        PostgresSettings settings = new PostgresSettings(url, "postgres", "", 4, 5_000);
        nodeA = PostgresStore.open(settings, new StoreOptions(false, 4), Clock.systemUTC());
        nodeB = PostgresStore.open(settings, new StoreOptions(false, 4), Clock.systemUTC());
    }

    @AfterEach
    void closeNodes() {
        nodeB.close();
        nodeA.close();
    }

    /** A group of max count 2: its creator and room for one more. */
    private static StoredGroup group(String id) {
        return StoredGroup.newBuilder().setId(id).setCreatorId(OWNER).setName("race " + id).setLangTag("en")
                .setMetadata("{}").setOpen(true).setMaxCount(2).build();
    }

    /** The group service's join of an open group: refused when the group is full. */
    private static <E extends Exception> boolean join(GroupStore groups, String groupId, String user,
                                                      GroupStore.Change<Void, E> inside) throws E {
        return groups.change(groupId, m -> {
            inside.apply(m);
            StoredGroup g = m.group();
            if (g == null || m.state(user) != NONE || g.getEdgeCount() >= g.getMaxCount()) {
                return false;
            }
            m.setState(user, MEMBER);
            return true;
        });
    }

    private void assertOneJoined(String groupId, boolean xJoined, boolean yJoined) throws Exception {
        assertTrue(xJoined ^ yJoined, "exactly one of the two joined: " + xJoined + ", " + yJoined);
        StoredGroup g = nodeB.groups().get(groupId).orElseThrow();
        assertEquals(2, g.getEdgeCount());
        List<String> members = nodeA.groups().listUsers(groupId, ALL_BUT_BANNED, 10, null).members().stream()
                .map(GroupStore.Member::userId).toList();
        assertEquals(List.of(OWNER, xJoined ? X : Y), members);
    }

    @Test
    void whileOneNodeDecidesTheOtherWaitsForTheGroupsRowAndThenSeesItFull() throws Exception {
        String groupId = "10000000-0000-4000-8000-000000000001";
        nodeA.groups().create(group(groupId));
        CountDownLatch aInside = new CountDownLatch(1);
        CountDownLatch bWaiting = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> a = pool.submit(() -> join(nodeA.groups(), groupId, X, m -> {
                aInside.countDown();
                // A decides only once B is blocked on the row A holds.
                assertTrue(bWaiting.await(1, TimeUnit.MINUTES));
                return null;
            }));
            assertTrue(aInside.await(1, TimeUnit.MINUTES));
            Future<Boolean> b = pool.submit(() -> join(nodeB.groups(), groupId, Y, m -> null));
            await().atMost(Duration.ofMinutes(1)).until(() -> backendsWaitingOnALock() == 1);
            bWaiting.countDown();
            assertOneJoined(groupId, a.get(1, TimeUnit.MINUTES), b.get(1, TimeUnit.MINUTES));
            assertEquals(MEMBER, nodeB.groups().state(groupId, X), "A, holding the row first, joined");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyRoundsOfTwoNodesJoiningAtOnceNeverOverfillAGroup() throws Exception {
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                String groupId = String.format("20000000-0000-4000-8000-%012d", round);
                nodeA.groups().create(group(groupId));
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> x = pool.submit(() -> {
                    start.await();
                    return join(nodeA.groups(), groupId, X, m -> null);
                });
                Future<Boolean> y = pool.submit(() -> {
                    start.await();
                    return join(nodeB.groups(), groupId, Y, m -> null);
                });
                assertOneJoined(groupId, x.get(1, TimeUnit.MINUTES), y.get(1, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoNodesCreatingGroupsOfOneNameAtOnceCreateOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "name " + round;
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Boolean>> created = new ArrayList<>();
                for (PostgresStore node : List.of(nodeA, nodeB)) {
                    String id = String.format("3%07d-0000-4000-8000-%012d", node == nodeA ? 0 : 1, round);
                    created.add(pool.submit(() -> {
                        start.await();
                        try {
                            node.groups().create(group(id).toBuilder().setName(name).build());
                            return true;
                        } catch (GroupNameTakenException e) {
                            return false;
                        }
                    }));
                }
                boolean a = created.get(0).get(1, TimeUnit.MINUTES);
                boolean b = created.get(1).get(1, TimeUnit.MINUTES);
                assertTrue(a ^ b, "exactly one create of \"" + name + "\" succeeded: " + a + ", " + b);
                assertEquals(1, nodeA.groups().list(new GroupStore.Filter(name, null, null, null), 10, null)
                        .groups().size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Backends of this database waiting for a lock another transaction holds. */
    private long backendsWaitingOnALock() {
        return nodeA.db().read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
