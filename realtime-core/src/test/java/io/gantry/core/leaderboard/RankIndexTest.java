package io.gantry.core.leaderboard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankIndexTest {

    /** Below 0x8000… under {@link UUID#compareTo} (signed), above it as a string: the trap. */
    private static final UUID HIGH = UUID.fromString("80000000-0000-0000-0000-000000000000");
    private static final UUID LOW = UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff");
    private static final UUID HIGH_LSB = UUID.fromString("00000000-0000-0000-8000-000000000000");
    private static final UUID LOW_LSB = UUID.fromString("00000000-0000-0000-7fff-ffffffffffff");
    private static final UUID NIL = new UUID(0, 0);

    /** The reference order, straight from Nakama's RankAsc/RankDesc: owner ids as strings. */
    private static Comparator<Rec> order(boolean descending) {
        Comparator<Rec> asc = Comparator.<Rec>comparingLong(r -> r.score)
                .thenComparingLong(r -> r.subscore)
                .thenComparing(r -> r.owner.toString());
        return descending ? asc.reversed() : asc;
    }

    private record Rec(UUID owner, long score, long subscore) {}

    private static UUID id(int n) {
        return new UUID(0x1000L + n, n);
    }

    @Test
    void ownerTiesBreakAsUnsignedStringsNotAsUuidCompareTo() {
        assertTrue(HIGH.compareTo(LOW) < 0, "the premise: UUID.compareTo is signed");
        assertTrue(HIGH.toString().compareTo(LOW.toString()) > 0);

        RankIndex asc = new RankIndex(false);
        for (UUID u : List.of(HIGH, HIGH_LSB, NIL, LOW, LOW_LSB)) {
            asc.put(u, 7, 3);
        }
        assertEquals(List.of(NIL, LOW_LSB, HIGH_LSB, LOW, HIGH), owners(asc.range(1, 10)));

        RankIndex desc = new RankIndex(true);
        for (UUID u : List.of(LOW, NIL, HIGH, LOW_LSB, HIGH_LSB)) {
            desc.put(u, 7, 3);
        }
        assertEquals(List.of(HIGH, LOW, HIGH_LSB, LOW_LSB, NIL), owners(desc.range(1, 10)));
        assertEquals(1, desc.rank(HIGH));
        assertEquals(5, desc.rank(NIL));
    }

    @Test
    void theNilOwnerIsAnOwnerLikeAnyOther() {
        RankIndex index = new RankIndex(false);
        assertEquals(0, index.rank(NIL));
        assertFalse(index.remove(NIL));
        index.put(id(1), 5, 0);
        assertEquals(1, index.put(NIL, 1, 0));
        assertEquals(2, index.put(NIL, 9, 0));
        assertEquals(new RankIndex.Entry(NIL, 9, 0, 2), index.entry(NIL));
        assertEquals(2, index.size());
        assertTrue(index.remove(NIL));
        assertEquals(0, index.rank(NIL));
        assertEquals(1, index.size());
        RankIndex built = RankIndex.builder(true).add(NIL, 3, 0).add(id(1), 5, 0).add(NIL, 7, 0).build();
        assertEquals(List.of(new RankIndex.Entry(NIL, 7, 0, 1), new RankIndex.Entry(id(1), 5, 0, 2)),
                built.range(1, 5));
        built.verify();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void scoreThenSubscoreThenOwner(boolean descending) {
        RankIndex index = new RankIndex(descending);
        index.put(id(1), 10, 5);
        index.put(id(2), 10, 4);
        index.put(id(3), 9, 100);
        index.put(id(4), 11, -100);
        index.put(id(5), 10, 5);
        List<UUID> ascending = List.of(id(3), id(2), id(1), id(5), id(4));
        List<UUID> expected = descending ? reversed(ascending) : ascending;
        assertEquals(expected, owners(index.range(1, 10)));
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(i + 1, index.rank(expected.get(i)));
        }
    }

    @Test
    void ranksFollowInsertsMovesAndRemoves() {
        RankIndex index = new RankIndex(true);
        assertEquals(1, index.put(id(1), 100, 0));
        assertEquals(1, index.put(id(2), 200, 0));
        assertEquals(3, index.put(id(3), 50, 0));
        assertEquals(2, index.rank(id(1)));

        assertEquals(1, index.put(id(3), 300, 0), "a move up");
        assertEquals(List.of(id(3), id(2), id(1)), owners(index.range(1, 3)));
        assertEquals(3, index.put(id(2), 1, 0), "a move down");
        assertEquals(2, index.put(id(1), 100, 0), "an unchanged put answers the rank");
        assertEquals(3, index.size());

        assertTrue(index.remove(id(3)));
        assertFalse(index.remove(id(3)));
        assertEquals(0, index.rank(id(3)));
        assertNull(index.entry(id(3)));
        assertEquals(1, index.rank(id(1)));
        assertEquals(new RankIndex.Entry(id(2), 1, 0, 2), index.entry(id(2)));
        assertEquals(2, index.size());
        index.verify();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void countBeforePresentAndAbsentKeys(boolean descending) {
        RankIndex index = new RankIndex(descending);
        for (int i = 0; i < 500; i++) {
            index.put(id(i), i / 2, 0); // pairs of equal scores
        }
        for (int i = 0; i < 500; i++) {
            assertEquals(index.rank(id(i)) - 1, index.countBefore(i / 2, 0, id(i)));
        }
        // absent keys between, below and above everything
        long belowAll = descending ? 1000 : -1;
        long aboveAll = descending ? -1 : 1000;
        assertEquals(0, index.countBefore(belowAll, 0, id(0)));
        assertEquals(500, index.countBefore(aboveAll, 0, id(0)));
        // score 10 is held by id(20) and id(21); a subscore of 1 orders after both ascending
        assertEquals(descending ? 500 - 22 : 22, index.countBefore(10, 1, id(0)));
        // the same score and subscore, an owner between the two holders
        UUID between = new UUID(0x1000L + 20, 21 - 1 + 0x7fffffffL);
        assertEquals(descending ? 500 - 21 : 21, index.countBefore(10, 0, between));
        assertEquals(0, index.rank(between));
    }

    @Test
    void rangeAtStartMiddleEndAndPastIt() {
        RankIndex index = new RankIndex(false);
        for (int i = 0; i < 1000; i++) {
            index.put(id(i), i, 0);
        }
        List<RankIndex.Entry> start = index.range(1, 3);
        assertEquals(List.of(new RankIndex.Entry(id(0), 0, 0, 1), new RankIndex.Entry(id(1), 1, 0, 2),
                new RankIndex.Entry(id(2), 2, 0, 3)), start);
        List<RankIndex.Entry> middle = index.range(450, 100);
        assertEquals(100, middle.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(new RankIndex.Entry(id(449 + i), 449 + i, 0, 450 + i), middle.get(i));
        }
        List<RankIndex.Entry> end = index.range(995, 100);
        assertEquals(6, end.size());
        assertEquals(new RankIndex.Entry(id(999), 999, 0, 1000), end.get(5));
        assertEquals(List.of(), index.range(1001, 10));
        assertEquals(List.of(), index.range(Long.MAX_VALUE, 10));
        assertEquals(List.of(), index.range(1, 0));
        assertEquals(List.of(), new RankIndex(true).range(1, 10));
    }

    @Test
    void badArgumentsAreRefusedAndChangeNothing() {
        RankIndex index = new RankIndex(false);
        index.put(id(1), 1, 1);
        assertThrows(IllegalArgumentException.class, () -> index.range(0, 10));
        assertThrows(IllegalArgumentException.class, () -> index.range(-49, 100));
        assertThrows(IllegalArgumentException.class, () -> index.range(1, -1));
        assertThrows(NullPointerException.class, () -> index.put(null, 1, 1));
        assertThrows(NullPointerException.class, () -> index.rank(null));
        assertThrows(NullPointerException.class, () -> index.remove(null));
        assertThrows(NullPointerException.class, () -> index.countBefore(1, 1, null));
        assertEquals(List.of(new RankIndex.Entry(id(1), 1, 1, 1)), index.range(1, 10));
        RankIndex.Builder builder = RankIndex.builder(false).add(id(1), 1, 1);
        builder.build();
        assertThrows(IllegalStateException.class, () -> builder.add(id(2), 1, 1));
        assertThrows(IllegalStateException.class, builder::build);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void builderEqualsInsertingOneByOne(boolean descending) {
        Random random = new Random(7);
        RankIndex.Builder builder = RankIndex.builder(descending);
        RankIndex oneByOne = new RankIndex(descending);
        int owners = 30_000;
        for (int i = 0; i < 40_000; i++) {
            int k = random.nextInt(owners);
            UUID owner = new UUID(k * 0x9E3779B97F4A7C15L, k % 3 == 0 ? -1 : 1);
            long score = random.nextInt(200);
            long subscore = random.nextInt(3);
            builder.add(owner, score, subscore); // an owner added twice: the last wins
            oneByOne.put(owner, score, subscore);
        }
        RankIndex built = builder.build();
        built.verify();
        assertEquals(oneByOne.size(), built.size());
        assertEquals(oneByOne.range(1, Integer.MAX_VALUE), built.range(1, Integer.MAX_VALUE));
        assertEquals(0, RankIndex.builder(descending).build().size());
        // the built index takes writes like any other
        UUID first = built.range(1, 1).get(0).owner();
        built.put(first, descending ? Long.MIN_VALUE : Long.MAX_VALUE, 0);
        assertEquals(built.size(), built.rank(first));
        built.verify();
    }

    /**
     * Many thousands of random puts, moves and removes against a TreeSet with Nakama's comparator,
     * growing past three tree levels, shrinking to nothing and growing again; ranks, the whole
     * order and the size are compared after every batch.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void randomOperationsMatchASortedSet(boolean descending) {
        Random random = new Random(20261206L + (descending ? 1 : 0));
        RankIndex index = new RankIndex(descending);
        TreeSet<Rec> model = new TreeSet<>(order(descending));
        Map<UUID, Rec> byOwner = new HashMap<>();
        List<UUID> known = new ArrayList<>();
        List<UUID> present = new ArrayList<>();
        int[] targets = {12_000, 6_000, 0, 9_000};
        int operations = 0;
        for (int target : targets) {
            while (Math.abs(byOwner.size() - target) > (target == 0 ? 0 : 50)) {
                operations++;
                boolean grow = byOwner.size() < target;
                int dice = random.nextInt(10);
                if (dice < 3 && !known.isEmpty()) { // move an existing owner (or re-add a removed one)
                    UUID owner = known.get(random.nextInt(known.size()));
                    if (apply(index, model, byOwner, owner, random)) {
                        present.add(owner);
                    }
                } else if (grow ? dice < 8 : dice < 4) { // a new owner
                    UUID owner = randomOwner(random);
                    known.add(owner);
                    apply(index, model, byOwner, owner, random);
                    present.add(owner);
                } else if (dice == 9 || present.isEmpty()) { // remove one that may be absent
                    UUID owner = known.get(random.nextInt(known.size()));
                    Rec old = byOwner.remove(owner);
                    if (old != null) {
                        model.remove(old);
                        present.remove(owner);
                    }
                    assertEquals(old != null, index.remove(owner));
                } else { // remove a present one (swap-remove from the list)
                    int at = random.nextInt(present.size());
                    UUID owner = present.get(at);
                    present.set(at, present.get(present.size() - 1));
                    present.remove(present.size() - 1);
                    model.remove(byOwner.remove(owner));
                    assertTrue(index.remove(owner));
                }
                if (operations % 2000 == 0) {
                    compare(index, model, byOwner);
                }
            }
            compare(index, model, byOwner);
        }
        assertTrue(operations > 20_000, "ran " + operations);
    }

    /** Puts a random score for the owner in both; true if the owner was new. */
    private static boolean apply(RankIndex index, TreeSet<Rec> model, Map<UUID, Rec> byOwner, UUID owner,
                                 Random random) {
        // a narrow score range forces ties on score and subscore, so owners break them
        Rec rec = new Rec(owner, random.nextInt(500) - 250, random.nextInt(3));
        Rec old = byOwner.put(owner, rec);
        if (old != null) {
            model.remove(old);
        }
        model.add(rec);
        assertEquals(model.headSet(rec).size() + 1, index.put(owner, rec.score, rec.subscore));
        return old == null;
    }

    private static UUID randomOwner(Random random) {
        long hi = random.nextLong();
        // a fifth of the owners share their high half with another, so the low half decides
        return new UUID(random.nextInt(5) == 0 ? hi & 0xF000_0000_0000_000FL : hi, random.nextLong());
    }

    private static void compare(RankIndex index, TreeSet<Rec> model, Map<UUID, Rec> byOwner) {
        index.verify();
        assertEquals(model.size(), index.size());
        List<RankIndex.Entry> all = index.range(1, Integer.MAX_VALUE);
        assertEquals(model.size(), all.size());
        int rank = 1;
        for (Rec rec : model) {
            RankIndex.Entry entry = all.get(rank - 1);
            assertEquals(new RankIndex.Entry(rec.owner, rec.score, rec.subscore, rank), entry);
            assertEquals(rank, index.rank(rec.owner));
            rank++;
        }
        if (!model.isEmpty()) {
            int from = Math.max(1, model.size() / 3);
            List<RankIndex.Entry> page = index.range(from, 100);
            assertEquals(all.subList(from - 1, Math.min(all.size(), from - 1 + 100)), page);
            Rec probe = new Rec(new UUID(0, 0), 0, 1);
            assertEquals(model.headSet(probe).size(), index.countBefore(probe.score, probe.subscore, probe.owner));
        }
        assertEquals(byOwner.size(), model.size());
    }

    /**
     * One thread moves owners while others read: every page a reader takes is a permutation of
     * the owners with consecutive ranks in order, and every rank is within range. A second writer
     * on its own owners runs at the same time; at the end both writers' last puts are what the
     * index holds.
     */
    @Test
    void readersSeeWholeStatesWhileWritersMoveOwners() throws Exception {
        int n = 5_000;
        List<UUID> mine = new ArrayList<>();
        List<UUID> theirs = new ArrayList<>();
        RankIndex.Builder builder = RankIndex.builder(true);
        for (int i = 0; i < n; i++) {
            UUID owner = new UUID(i * 0x9E3779B97F4A7C15L, ~i);
            (i % 2 == 0 ? mine : theirs).add(owner);
            builder.add(owner, i % 100, 0);
        }
        RankIndex index = builder.build();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<Map<UUID, Long>> first = pool.submit(() -> write(index, mine, 1));
            Future<Map<UUID, Long>> second = pool.submit(() -> write(index, theirs, 2));
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int seed = r;
                readers.add(pool.submit(() -> read(index, mine, n, writing, seed)));
            }
            Map<UUID, Long> last = new HashMap<>(first.get(60, TimeUnit.SECONDS));
            last.putAll(second.get(60, TimeUnit.SECONDS));
            writing.set(false);
            for (Future<Integer> reader : readers) {
                assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
            }
            index.verify();
            assertEquals(n, index.size());
            for (Map.Entry<UUID, Long> e : last.entrySet()) {
                assertEquals(e.getValue(), index.entry(e.getKey()).score());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<UUID, Long> write(RankIndex index, List<UUID> owners, long seed) {
        Random random = new Random(seed);
        Map<UUID, Long> last = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            UUID owner = owners.get(random.nextInt(owners.size()));
            long score = random.nextInt(1000);
            long rank = index.put(owner, score, 0);
            assertTrue(rank >= 1 && rank <= owners.size() * 2L, "rank " + rank);
            last.put(owner, score);
        }
        return last;
    }

    private static int read(RankIndex index, List<UUID> owners, int n, AtomicBoolean writing, int seed) {
        Random random = new Random(seed);
        int reads = 0;
        do {
            UUID owner = owners.get(random.nextInt(owners.size()));
            long rank = index.rank(owner);
            assertTrue(rank >= 1 && rank <= n, "rank " + rank);
            RankIndex.Entry entry = index.entry(owner);
            assertTrue(entry.rank() >= 1 && entry.rank() <= n);
            List<RankIndex.Entry> page = index.range(Math.max(1, rank - 50), 100);
            checkPage(page, Math.max(1, rank - 50));
            if (reads % 200 == 0) {
                List<RankIndex.Entry> all = index.range(1, Integer.MAX_VALUE);
                assertEquals(n, all.size());
                checkPage(all, 1);
                assertEquals(n, all.stream().map(RankIndex.Entry::owner).distinct().count());
            }
            reads++;
        } while (writing.get());
        return reads;
    }

    private static void checkPage(List<RankIndex.Entry> page, long from) {
        for (int i = 0; i < page.size(); i++) {
            assertEquals(from + i, page.get(i).rank());
            if (i > 0) {
                assertTrue(page.get(i - 1).score() >= page.get(i).score(), "descending order");
            }
        }
    }

    private static List<UUID> owners(List<RankIndex.Entry> entries) {
        return entries.stream().map(RankIndex.Entry::owner).toList();
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
