package io.gantry.persistence;

import io.gantry.persistence.LeaderboardStore.Created;
import io.gantry.persistence.LeaderboardStore.RecordChange;
import io.gantry.persistence.LeaderboardStore.RecordView;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link LeaderboardStore} must do: idempotent creation, deletion of a board with every
 * record of it, reads by key, atomic changes (a throwing decision writes nothing, {@code written}
 * sees exactly what was stored, sizes grow within their limit), changes of one board serialized,
 * the start-up scan of one period, the list of periods, and an owner's records deleted everywhere.
 * One subclass per implementation opens a fresh store on {@link #clock}.
 */
abstract class LeaderboardStoreContract {

    static final String A = "00000000-0000-4000-8000-00000000000a";
    static final String B = "00000000-0000-4000-8000-00000000000b";
    static final String C = "00000000-0000-4000-8000-00000000000c";
    static final String D = "00000000-0000-4000-8000-00000000000d";
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    protected final MutableClock clock = new MutableClock(T0);
    protected LeaderboardStore boards;

    protected abstract LeaderboardStore open();

    protected abstract LeaderboardStore reopen();

    protected abstract void close();

    @BeforeEach
    void openStore() {
        boards = open();
    }

    @AfterEach
    void closeStore() {
        close();
    }

    static StoredLeaderboard board(String id) {
        return StoredLeaderboard.newBuilder().setId(id).setSortOrder(1).setOperator(0).setMetadata("{}").build();
    }

    static StoredLeaderboardRecord rec(String owner, long score, long subscore) {
        return StoredLeaderboardRecord.newBuilder().setOwnerId(owner).setUsername("u-" + owner.substring(34))
                .setScore(score).setSubscore(subscore).setNumScore(1).setMetadata("{}").build();
    }

    /** Puts the record (and grows the size without limit if the owner had none), as a first write does. */
    StoredLeaderboardRecord put(String board, long expiry, StoredLeaderboardRecord record) {
        return boards.change(board, expiry, record.getOwnerId(), v -> {
            if (v.record() == null) {
                v.growSize(0);
            }
            v.put(record);
            return v.record();
        });
    }

    /** A change from a lambda, with a {@code written} that hands its record to {@code written}. */
    static <T> RecordChange<T, RuntimeException> change(java.util.function.Function<RecordView, T> decide,
                                                      Consumer<StoredLeaderboardRecord> written) {
        return new RecordChange<>() {
            @Override
            public T decide(RecordView view) {
                return decide.apply(view);
            }

            @Override
            public void written(StoredLeaderboardRecord stored) {
                written.accept(stored);
            }
        };
    }

    static String owners(List<StoredLeaderboardRecord> records) {
        return records.stream().map(r -> r.getOwnerId().substring(34) + "@" + r.getExpiryTime() + "=" + r.getScore())
                .collect(Collectors.joining(","));
    }

    /** "owner:score/subscore" of one period's records as {@link LeaderboardStore#forEachRecord} visits them, sorted. */
    List<String> visited(String board, long expiry) {
        List<String> out = new ArrayList<>();
        boards.forEachRecord(board, expiry, (owner, score, subscore) -> out.add(owner + ":" + score + "/" + subscore));
        out.sort(null);
        return out;
    }

    // ---- boards ----

    @Test
    void createStoresTheBoardWithTheStoresCreateTimeAndSizeZero() {
        Created created = boards.create(board("weekly").toBuilder().setSize(7).setTitle("Weekly").build());

        assertTrue(created.created());
        StoredLeaderboard expected = board("weekly").toBuilder().setTitle("Weekly")
                .setCreateTime(T0.getEpochSecond()).setSize(0).build();
        assertEquals(expected, created.board());
        assertEquals(expected, boards.board("weekly").orElseThrow());
    }

    @Test
    void createKeepsAGivenCreateTime() {
        assertEquals(1234, boards.create(board("t").toBuilder().setCreateTime(1234).build()).board().getCreateTime());
        assertEquals(1234, boards.board("t").orElseThrow().getCreateTime());
    }

    @Test
    void aSecondCreateAnswersTheStoredBoardUnchanged() {
        StoredLeaderboard first = boards.create(board("weekly")).board();
        put("weekly", 0, rec(A, 5, 0));
        StoredLeaderboard grown = boards.board("weekly").orElseThrow();
        assertEquals(1, grown.getSize());
        clock.advance(java.time.Duration.ofSeconds(60));

        Created again = boards.create(board("weekly").toBuilder().setSortOrder(0).setTitle("Other").build());

        assertFalse(again.created());
        assertEquals(grown, again.board());
        assertEquals(first.toBuilder().setSize(1).build(), boards.board("weekly").orElseThrow());
        assertEquals(List.of(rec(A, 5, 0).toBuilder().setLeaderboardId("weekly").build()),
                boards.records("weekly", 0, List.of(A)));
    }

    @Test
    void boardsAreListedInIdOrder() {
        for (String id : List.of("b", "ab", "a", "B", "a-very-long-board-id", "é")) {
            boards.create(board(id));
        }
        assertEquals(List.of("B", "a", "a-very-long-board-id", "ab", "b", "é"),
                boards.boards().stream().map(StoredLeaderboard::getId).toList());
    }

    @Test
    void aMissingBoardIsEmptyAndItsDeletionAnswersFalse() {
        assertTrue(boards.board("none").isEmpty());
        assertFalse(boards.delete("none"));
        assertTrue(boards.boards().isEmpty());
        assertTrue(boards.periods("none").isEmpty());
        assertTrue(boards.record("none", 0, A).isEmpty());
        assertTrue(visited("none", 0).isEmpty());
    }

    @Test
    void deleteRemovesTheBoardAndItsRecordsInEveryPeriodAndTheirOwnerEntries() {
        boards.create(board("lb"));
        boards.create(board("lb2"));   // an id the first is a prefix of: its records stay
        for (long expiry : List.of(100L, 200L, 300L)) {
            put("lb", expiry, rec(A, expiry, 1));
            put("lb", expiry, rec(B, expiry, 2));
        }
        put("lb2", 100, rec(A, 9, 9));

        assertTrue(boards.delete("lb"));

        assertTrue(boards.board("lb").isEmpty());
        assertEquals(List.of("lb2"), boards.boards().stream().map(StoredLeaderboard::getId).toList());
        assertTrue(boards.periods("lb").isEmpty());
        assertTrue(boards.record("lb", 100, A).isEmpty());
        assertTrue(boards.records("lb", 200, List.of(A, B)).isEmpty());
        assertTrue(visited("lb", 300).isEmpty());
        assertEquals(List.of(A + ":9/9"), visited("lb2", 100));
        assertFalse(boards.delete("lb"));

        // the owner index held nothing more of the deleted board
        assertEquals("0a@100=9", owners(boards.deleteAllOf(A)));
        assertTrue(boards.deleteAllOf(B).isEmpty());

        // and a board created again under the id starts empty
        assertTrue(boards.create(board("lb")).created());
        assertEquals(0, boards.board("lb").orElseThrow().getSize());
        assertTrue(boards.periods("lb").isEmpty());
        assertNull(boards.change("lb", 100, A, RecordView::record));
    }

    // ---- reads by key ----

    @Test
    void recordsAnswerInTheOrderAskedSkippingMissingOwnersAndRepeatingRepeatedOnes() {
        boards.create(board("lb"));
        put("lb", 100, rec(A, 1, 0));
        put("lb", 100, rec(C, 3, 0));
        put("lb", 200, rec(B, 2, 0));   // another period

        assertEquals("0c@100=3,0a@100=1,0a@100=1", owners(boards.records("lb", 100, List.of(C, B, A, D, A))));
        assertEquals("0b@200=2", owners(boards.records("lb", 200, List.of(A, B))));
        assertTrue(boards.records("lb", 100, List.of()).isEmpty());
        assertTrue(boards.records("lb", 300, List.of(A)).isEmpty());
        assertEquals(3, boards.record("lb", 100, C).orElseThrow().getScore());
        assertTrue(boards.record("lb", 100, B).isEmpty());
    }

    @Test
    void ownerIdsInEitherCaseNameOneOwner() {
        boards.create(board("lb"));
        put("lb", 0, rec(A, 1, 0));
        String upper = A.toUpperCase();
        assertEquals(A, boards.record("lb", 0, upper).orElseThrow().getOwnerId());
        assertEquals(1, boards.records("lb", 0, List.of(upper)).size());
    }

    static Stream<Named<Consumer<LeaderboardStore>>> badInputs() {
        String tooLong = "x".repeat(RocksLeaderboardStore.MAX_ID_BYTES + 1);
        return Stream.of(
                Named.of("create with an empty id", s -> s.create(board(""))),
                Named.of("create with a too long id", s -> s.create(board(tooLong))),
                Named.of("create with a lone surrogate", s -> s.create(board("a\uD800"))),
                Named.of("board with an empty id", s -> s.board("")),
                Named.of("delete with an empty id", s -> s.delete("")),
                Named.of("record with a negative expiry", s -> s.record("lb", -1, A)),
                Named.of("record with an owner that is no UUID", s -> s.record("lb", 0, "alice")),
                Named.of("records with an owner that is no UUID", s -> s.records("lb", 0, List.of(A, "alice"))),
                Named.of("change with a negative expiry", s -> s.change("lb", -5, A, v -> {
                    v.put(rec(A, 1, 0));
                    return null;
                })),
                Named.of("change with an owner that is no UUID", s -> s.change("lb", 0, "not-a-uuid", v -> {
                    v.put(rec(A, 1, 0));
                    return null;
                })),
                Named.of("forEachRecord with a negative expiry", s -> s.forEachRecord("lb", -1, (o, x, y) -> { })),
                Named.of("periods with an empty id", s -> s.periods("")),
                Named.of("deleteAllOf with an owner that is no UUID", s -> s.deleteAllOf("bob")));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputIsRefusedAndChangesNothing(Consumer<LeaderboardStore> call) {
        boards.create(board("lb"));
        put("lb", 0, rec(A, 1, 0));
        StoredLeaderboard before = boards.board("lb").orElseThrow();

        assertThrows(IllegalArgumentException.class, () -> call.accept(boards));

        assertEquals(List.of(before), boards.boards());
        assertEquals(List.of(0L), boards.periods("lb"));
        assertEquals(List.of(A + ":1/0"), visited("lb", 0));
    }

    // ---- changes ----

    @Test
    void changePutsTheRecordUnderTheChangesKeyAndDeletesIt() {
        boards.create(board("lb"));
        StoredLeaderboardRecord asked = rec(A, 42, 7).toBuilder().setLeaderboardId("elsewhere").setOwnerId(B)
                .setExpiryTime(999).build();
        List<StoredLeaderboardRecord> written = new ArrayList<>();

        String answer = boards.change("lb", 100, A, change(v -> {
            assertNull(v.record());
            v.put(asked);
            return "decided";
        }, written::add));

        assertEquals("decided", answer);
        StoredLeaderboardRecord stored = asked.toBuilder().setLeaderboardId("lb").setOwnerId(A).setExpiryTime(100).build();
        assertEquals(List.of(stored), written);
        assertEquals(stored, boards.record("lb", 100, A).orElseThrow());
        assertTrue(boards.record("lb", 100, B).isEmpty());
        assertTrue(boards.record("lb", 999, A).isEmpty());
        assertEquals(List.of(100L), boards.periods("lb"));

        StoredLeaderboardRecord seen = boards.change("lb", 100, A, change(v -> {
            StoredLeaderboardRecord before = v.record();
            v.delete();
            assertNull(v.record(), "the view sees the change's own deletion");
            return before;
        }, written::add));

        assertEquals(stored, seen);
        assertEquals(2, written.size());
        assertNull(written.get(1));
        assertTrue(boards.record("lb", 100, A).isEmpty());
        assertTrue(boards.periods("lb").isEmpty());
        assertTrue(boards.deleteAllOf(A).isEmpty(), "the owner entry went with the record");
    }

    @Test
    void theViewSeesTheBoardAndTheChangesOwnWrites() {
        boards.create(board("lb").toBuilder().setMaxSize(10).build());
        put("lb", 0, rec(A, 1, 0));
        boards.change("lb", 0, A, v -> {
            assertEquals(1, v.board().getSize());
            assertEquals(10, v.board().getMaxSize());
            assertEquals(1, v.record().getScore());
            v.put(rec(A, 2, 0));
            assertEquals(2, v.record().getScore());
            v.delete();
            assertNull(v.record());
            v.put(rec(A, 3, 0));
            assertTrue(v.growSize(0));
            assertEquals(2, v.board().getSize());
            return null;
        });
        assertEquals(3, boards.record("lb", 0, A).orElseThrow().getScore());
        assertEquals(2, boards.board("lb").orElseThrow().getSize());
    }

    @Test
    void growSizeStopsAtItsLimitAndTheSizeIsStoredWithTheBoard() {
        boards.create(board("t").toBuilder().setMaxSize(2).build());
        List<Boolean> grown = new ArrayList<>();
        for (String owner : List.of(A, B, C)) {
            grown.add(boards.change("t", 0, owner, v -> {
                boolean joined = v.growSize(2);
                if (joined) {
                    v.put(rec(owner, 0, 0));
                }
                return joined;
            }));
        }
        assertEquals(List.of(true, true, false), grown);
        assertEquals(2, boards.board("t").orElseThrow().getSize());
        assertTrue(boards.record("t", 0, C).isEmpty());
        assertEquals(List.of(A + ":0/0", B + ":0/0"), visited("t", 0));

        // 0: no limit; a size grows without a record being written
        boolean twice = boards.change("t", 0, D, v -> v.growSize(0) && v.growSize(0));
        assertTrue(twice);
        assertEquals(4, boards.board("t").orElseThrow().getSize());
        assertTrue(boards.record("t", 0, D).isEmpty());
    }

    @Test
    void aNegativeSizeLimitIsRefusedAndTheChangeWritesNothing() {
        boards.create(board("t"));
        assertThrows(IllegalArgumentException.class, () -> boards.change("t", 0, A, v -> {
            v.put(rec(A, 1, 0));
            return v.growSize(-1);
        }));
        assertTrue(boards.record("t", 0, A).isEmpty());
        assertEquals(0, boards.board("t").orElseThrow().getSize());
    }

    static final class Refused extends Exception {
        Refused() {
            super("refused");
        }
    }

    @Test
    void aThrowingDecisionWritesNothingAndIsNotToldOfAWrite() {
        boards.create(board("t"));
        put("t", 50, rec(A, 1, 0));
        Refused refused = new Refused();
        AtomicInteger writtenCalls = new AtomicInteger();

        Refused thrown = assertThrows(Refused.class, () -> boards.change("t", 50, A, new RecordChange<Void, Refused>() {
            @Override
            public Void decide(RecordView v) throws Refused {
                v.put(rec(A, 100, 0));
                assertTrue(v.growSize(0));
                throw refused;
            }

            @Override
            public void written(StoredLeaderboardRecord stored) {
                writtenCalls.incrementAndGet();
            }
        }));
        assertSame(refused, thrown);
        assertThrows(IllegalStateException.class, () -> boards.change("t", 50, B, v -> {
            v.put(rec(B, 1, 0));
            v.delete();
            throw new IllegalStateException("unchecked");
        }));

        assertEquals(0, writtenCalls.get());
        assertEquals(1, boards.record("t", 50, A).orElseThrow().getScore());
        assertTrue(boards.record("t", 50, B).isEmpty());
        assertEquals(1, boards.board("t").orElseThrow().getSize());
        assertEquals(List.of(A + ":1/0"), visited("t", 50));
    }

    @Test
    void writtenIsCalledOnlyWhenSomethingWasWrittenWithTheRecordAsStored() {
        boards.create(board("t"));
        List<String> calls = new ArrayList<>();
        Consumer<StoredLeaderboardRecord> log = r -> calls.add(r == null ? "null" : Long.toString(r.getScore()));

        boards.change("t", 0, A, change(v -> null, log));                  // nothing decided
        boards.change("t", 0, A, change(v -> {                             // delete of nothing
            v.delete();
            return null;
        }, log));
        assertEquals(List.of(), calls);

        boards.change("t", 0, A, change(v -> {
            v.put(rec(A, 5, 0));
            return null;
        }, log));
        boards.change("t", 0, A, change(v -> v.growSize(0), log));          // only the size: the record as it is
        boards.change("t", 0, B, change(v -> v.growSize(0), log));          // only the size, no record
        boards.change("t", 0, A, change(v -> {
            v.delete();
            return null;
        }, log));
        assertEquals(List.of("5", "5", "null", "null"), calls);
        assertEquals(2, boards.board("t").orElseThrow().getSize());
    }

    @Test
    void aChangeOfAMissingBoardThrowsWithoutDeciding() {
        AtomicInteger decided = new AtomicInteger();
        assertThrows(NoSuchElementException.class, () -> boards.change("none", 0, A, v -> {
            decided.incrementAndGet();
            v.put(rec(A, 1, 0));
            return null;
        }));
        assertEquals(0, decided.get());
        assertTrue(boards.record("none", 0, A).isEmpty());
        assertTrue(boards.deleteAllOf(A).isEmpty());
    }

    @Test
    void aViewIsDeadOutsideItsChange() {
        boards.create(board("t"));
        AtomicReference<RecordView> kept = new AtomicReference<>();
        boards.change("t", 0, A, v -> {
            kept.set(v);
            return null;
        });
        RecordView v = kept.get();
        for (Executable use : List.<Executable>of(v::board, v::record, v::delete, () -> v.put(rec(A, 1, 0)),
                () -> v.growSize(0))) {
            assertThrows(IllegalStateException.class, use);
        }
        assertTrue(boards.record("t", 0, A).isEmpty());
    }

    @Test
    void concurrentChangesOfOneBoardAreAppliedOneAtATimeInTheOrderTheyAreWritten() throws Exception {
        boards.create(board("hot"));
        boards.create(board("cold"));
        int threads = 8;
        int perThread = 150;
        Queue<Long> writtenScores = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String other = String.format("40000000-0000-4000-8000-%012d", t);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        boards.change("hot", 7, A, change(v -> {
                            StoredLeaderboardRecord now = v.record();
                            if (now == null) {
                                v.growSize(0);
                                now = rec(A, 0, 0);
                            }
                            v.put(now.toBuilder().setScore(now.getScore() + 1).setNumScore(now.getNumScore() + 1).build());
                            return null;
                        }, r -> writtenScores.add(r.getScore())));
                        // another board's changes meanwhile, on the same threads
                        put("cold", 7, rec(other, i, 0));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        int total = threads * perThread;
        StoredLeaderboardRecord last = boards.record("hot", 7, A).orElseThrow();
        assertEquals(total, last.getScore());
        assertEquals(total + 1, last.getNumScore());
        assertEquals(1, boards.board("hot").orElseThrow().getSize());
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), List.copyOf(writtenScores));
        assertEquals(threads, boards.board("cold").orElseThrow().getSize());
        assertEquals(threads, visited("cold", 7).size());
    }

    // ---- start-up reads ----

    @Test
    void forEachRecordVisitsExactlyThePeriodsRecords() {
        boards.create(board("lb"));
        boards.create(board("lb2"));
        boards.create(board("l"));
        put("lb", 100, rec(A, Long.MAX_VALUE, -1));
        put("lb", 100, rec(B, -5, Long.MIN_VALUE));
        put("lb", 100, rec(C, 0, 0).toBuilder().setMetadata("{\"long\":\"" + "m".repeat(10_000) + "\"}").build());
        put("lb", 99, rec(D, 1, 1));
        put("lb", 101, rec(D, 2, 2));
        put("lb2", 100, rec(D, 3, 3));
        put("l", 100, rec(D, 4, 4));

        assertEquals(List.of(A + ":" + Long.MAX_VALUE + "/-1", B + ":-5/" + Long.MIN_VALUE, C + ":0/0"),
                visited("lb", 100));
        assertEquals(List.of(D + ":1/1"), visited("lb", 99));
        assertEquals(List.of(), visited("lb", 0));
        assertEquals(List.of(), visited("lb", 102));
    }

    @Test
    void periodsAreTheBoardsExpiriesAscending() {
        boards.create(board("a"));
        boards.create(board("ab"));
        for (long expiry : List.of(300L, 0L, 100L, Long.MAX_VALUE, 100L, 256L)) {
            for (String owner : List.of(A, B, C)) {
                put("a", expiry, rec(owner, expiry, 0));
            }
        }
        put("ab", 50, rec(A, 1, 0));

        assertEquals(List.of(0L, 100L, 256L, 300L, Long.MAX_VALUE), boards.periods("a"));
        assertEquals(List.of(50L), boards.periods("ab"));
        assertEquals(List.of(A + ":" + Long.MAX_VALUE + "/0", B + ":" + Long.MAX_VALUE + "/0",
                C + ":" + Long.MAX_VALUE + "/0"), visited("a", Long.MAX_VALUE));
    }

    // ---- owners ----

    @Test
    void deleteAllOfRemovesTheOwnersRecordsInEveryBoardAndPeriodAndNoOneElses() {
        boards.create(board("b1"));
        boards.create(board("b2"));
        put("b1", 100, rec(A, 1, 0));
        put("b1", 200, rec(A, 2, 0));
        put("b2", 0, rec(A, 3, 0));
        put("b1", 100, rec(B, 4, 0));
        put("b2", 0, rec(C, 5, 0));

        List<StoredLeaderboardRecord> deleted = boards.deleteAllOf(A);

        Map<String, Long> byKey = new HashMap<>();
        for (StoredLeaderboardRecord r : deleted) {
            assertEquals(A, r.getOwnerId());
            byKey.put(r.getLeaderboardId() + "@" + r.getExpiryTime(), r.getScore());
        }
        assertEquals(3, deleted.size());
        assertEquals(Map.of("b1@100", 1L, "b1@200", 2L, "b2@0", 3L), byKey);
        assertTrue(boards.record("b1", 100, A).isEmpty());
        assertTrue(boards.record("b1", 200, A).isEmpty());
        assertTrue(boards.record("b2", 0, A).isEmpty());
        assertEquals(List.of(B + ":4/0"), visited("b1", 100));
        assertEquals(List.of(C + ":5/0"), visited("b2", 0));
        assertEquals(List.of(100L), boards.periods("b1"));
        assertTrue(boards.deleteAllOf(A).isEmpty());
        assertTrue(boards.deleteAllOf(D).isEmpty());
    }

    // ---- restart ----

    @Test
    void boardsAndRecordsSurviveAReopen() {
        StoredLeaderboard created = boards.create(board("lb").toBuilder().setDuration(3600).setMaxSize(5).build()).board();
        put("lb", 100, rec(A, 10, 1));
        put("lb", 200, rec(B, 20, 2));
        StoredLeaderboardRecord a = boards.record("lb", 100, A).orElseThrow();

        boards = reopen();

        assertEquals(List.of(created.toBuilder().setSize(2).build()), boards.boards());
        assertEquals(a, boards.record("lb", 100, A).orElseThrow());
        assertEquals(List.of(100L, 200L), boards.periods("lb"));
        assertEquals(List.of(B + ":20/2"), visited("lb", 200));
        assertEquals(1, boards.deleteAllOf(B).size());
    }
}
