package io.gantry.persistence;

import io.gantry.persistence.HistoryFixtures.WriterBlocker;
import io.gantry.proto.storage.StoredChannelMessage;
import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.gantry.persistence.HistoryFixtures.ALICE;
import static io.gantry.persistence.HistoryFixtures.BOB;
import static io.gantry.persistence.HistoryFixtures.LOBBY;
import static io.gantry.persistence.HistoryFixtures.T0;
import static io.gantry.persistence.HistoryFixtures.append;
import static io.gantry.persistence.HistoryFixtures.listAll;
import static io.gantry.persistence.HistoryFixtures.message;
import static io.gantry.persistence.HistoryFixtures.write;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PostgreSQL writer: a round is one transaction, committed before its callbacks run; a failed
 * commit fails every op of its round and stores none of it; bounded queues; close drains; dedup
 * holds across rounds and across nodes sharing the database.
 */
class PostgresCommitWriterTest {

    private static final String BOB_USER = "00000000-0000-4000-8000-000000000b0b";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private PostgresStore store;
    private HistoryStore history;
    private PostgresCommitWriter writer;

    @BeforeEach
    void open() {
        open(PostgresStores.fresh(clock));
    }

    private void open(PostgresStore opened) {
        store = opened;
        history = store.history();
        writer = (PostgresCommitWriter) store.writer();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A connection of its own (not the store's pool), auto-committing: what another node sees. */
    private Connection otherConnection() throws SQLException {
        return DriverManager.getConnection(store.db().settings().jdbcUrl(), "postgres", "");
    }

    // ---- callbacks after the commit ----

    @Test
    void callbacksRunAfterTheCommitInOfferOrderAndAnotherConnectionSeesTheRows() throws Exception {
        try (Connection other = otherConnection();
             PreparedStatement message = other.prepareStatement("SELECT count(*) FROM channel_messages WHERE message_id = ?::uuid");
             PreparedStatement notification = other.prepareStatement("SELECT count(*) FROM notifications WHERE id = ?::uuid")) {
            List<String> order = new ArrayList<>();
            List<String> unseen = new ArrayList<>();
            CountDownLatch all = new CountDownLatch(21);
            WriterBlocker blocker = new WriterBlocker(writer);
            for (int i = 0; i < 20; i++) {
                StoredChannelMessage m = message(LOBBY, T0 + i, ALICE, "m" + i);
                assertTrue(writer.offer(new WriteOp.Append(m, r -> {
                    order.add(m.getContent());
                    if (!(r instanceof WriteResult.Ok) || count(message, m.getMessageId()) != 1
                            || !Thread.currentThread().getName().equals(StoreCommitLoop.THREAD_NAME)) {
                        unseen.add(m.getContent());
                    }
                    all.countDown();
                })));
            }
            StoredNotification n = NotificationStoreTest.notification(BOB_USER, T0, "reward");
            assertTrue(writer.offer(new NotificationWrite(List.of(n), failure -> {
                order.add("notification");
                if (failure != null || count(notification, n.getId()) != 1) {
                    unseen.add("notification");
                }
                all.countDown();
            })));
            blocker.release();
            assertTrue(all.await(10, TimeUnit.SECONDS));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add("m" + i);
            }
            expected.add("notification");
            assertEquals(expected, order, "history ops in offer order, then notification writes");
            assertEquals(List.of(), unseen, "committed before each callback ran");
            assertEquals(21, writer.lastBatchSize(), "one round");
        }
    }

    private static int count(PreparedStatement s, String id) {
        try {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    // ---- a round sees its own earlier ops ----

    @Test
    void opsOfOneRoundSeeEachOther() {
        StoredChannelMessage kept = message(LOBBY, T0, ALICE, "kept");
        append(writer, kept);
        StoredChannelMessage m = message(LOBBY, T0 + 1, ALICE, "draft");
        List<CompletableFuture<WriteResult>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(new CompletableFuture<>());
        }
        WriterBlocker blocker = new WriterBlocker(writer);
        assertTrue(writer.offer(new WriteOp.Append(m, results.get(0)::complete)));
        assertTrue(writer.offer(new WriteOp.Update(LOBBY, m.getMessageId(), ALICE, "final", T0 + 5, results.get(1)::complete)));
        assertTrue(writer.offer(new WriteOp.Update(LOBBY, m.getMessageId(), BOB, "hijack", T0 + 6, results.get(2)::complete)));
        assertTrue(writer.offer(new WriteOp.Remove(LOBBY, m.getMessageId(), ALICE, results.get(3)::complete)));
        assertTrue(writer.offer(new WriteOp.Remove(LOBBY, m.getMessageId(), ALICE, results.get(4)::complete)));
        assertTrue(writer.offer(new WriteOp.Update(LOBBY, kept.getMessageId(), ALICE, "edited", T0 + 7, results.get(5)::complete)));
        blocker.release();

        assertEquals(m, assertInstanceOf(WriteResult.Ok.class, join(results.get(0))).message());
        assertEquals("final", assertInstanceOf(WriteResult.Ok.class, join(results.get(1))).message().getContent());
        assertInstanceOf(WriteResult.NotOwner.class, join(results.get(2)));
        assertEquals("final", assertInstanceOf(WriteResult.Ok.class, join(results.get(3))).message().getContent());
        assertInstanceOf(WriteResult.NotFound.class, join(results.get(4)));
        assertInstanceOf(WriteResult.Ok.class, join(results.get(5)));
        assertEquals(6, writer.lastBatchSize(), "all six in one round");
        assertTrue(history.get(m.getMessageId()).isEmpty());
        StoredChannelMessage edited = history.get(kept.getMessageId()).orElseThrow();
        assertEquals("edited", edited.getContent());
        assertEquals(T0 + 7, edited.getUpdateTimeUs());
        assertEquals(T0, edited.getCreateTimeUs(), "an edit keeps the place in history");
    }

    @Test
    void aTakenIdFailsThatAppendAloneAndTheRestOfTheRoundIsStored() {
        StoredChannelMessage first = message(LOBBY, T0, ALICE, "first");
        append(writer, first);
        StoredChannelMessage impostor = first.toBuilder().setCreateTimeUs(T0 + 5).setContent("impostor").build();
        StoredChannelMessage other = message(LOBBY, T0 + 6, BOB, "other");
        CompletableFuture<WriteResult> ri = new CompletableFuture<>();
        CompletableFuture<WriteResult> ro = new CompletableFuture<>();
        WriterBlocker blocker = new WriterBlocker(writer);
        assertTrue(writer.offer(new WriteOp.Append(impostor, ri::complete)));
        assertTrue(writer.offer(new WriteOp.Append(other, ro::complete)));
        blocker.release();
        assertTrue(assertInstanceOf(WriteResult.Failed.class, join(ri)).reason().contains("already exists"));
        assertInstanceOf(WriteResult.Ok.class, join(ro));
        assertEquals(first, history.get(first.getMessageId()).orElseThrow());
        assertEquals(other, history.get(other.getMessageId()).orElseThrow());
    }

    @Test
    void textPostgresCannotHoldFailsItsOwnOpOrWriteNotTheRound() throws Exception {
        StoredChannelMessage nul = message(LOBBY, T0, ALICE, "a\u0000b");
        StoredChannelMessage fine = message(LOBBY, T0 + 1, ALICE, "fine");
        StoredNotification badNote = NotificationStoreTest.notification(BOB_USER, T0, "x").toBuilder().setSubject("\u0000").build();
        StoredNotification goodNote = NotificationStoreTest.notification(BOB_USER, T0 + 1, "ok");
        CompletableFuture<WriteResult> rn = new CompletableFuture<>();
        CompletableFuture<WriteResult> rf = new CompletableFuture<>();
        CompletableFuture<StoreException> bad = new CompletableFuture<>();
        CompletableFuture<StoreException> good = new CompletableFuture<>();
        WriterBlocker blocker = new WriterBlocker(writer);
        assertTrue(writer.offer(new WriteOp.Append(nul, rn::complete)));
        assertTrue(writer.offer(new WriteOp.Append(fine, rf::complete)));
        assertTrue(writer.offer(new NotificationWrite(List.of(badNote), bad::complete)));
        assertTrue(writer.offer(new NotificationWrite(List.of(goodNote), good::complete)));
        blocker.release();
        assertTrue(assertInstanceOf(WriteResult.Failed.class, join(rn)).reason().contains("NUL"));
        assertInstanceOf(WriteResult.Ok.class, join(rf));
        assertTrue(bad.get(10, TimeUnit.SECONDS).getMessage().contains("NUL"));
        assertNull(good.get(10, TimeUnit.SECONDS));
        assertTrue(history.get(nul.getMessageId()).isEmpty());
        assertEquals(List.of(goodNote), store.notifications().list(BOB_USER, 10, null).notifications());
    }

    // ---- a failed commit ----

    @Test
    void aFailedCommitFailsEveryOpOfTheRoundAndStoresNoneOfIt() throws Exception {
        StoredChannelMessage existing = message(LOBBY, T0, ALICE, "existing");
        StoredChannelMessage doomed = message(LOBBY, T0 + 1, ALICE, "doomed");
        append(writer, existing);
        append(writer, doomed);
        writer.beforeCommit(c -> {
            throw new SQLException("disk on fire");
        });
        WriterBlocker blocker = new WriterBlocker(writer);
        List<CompletableFuture<WriteResult>> results = new ArrayList<>();
        List<StoredChannelMessage> lost = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<WriteResult> f = new CompletableFuture<>();
            StoredChannelMessage m = message(LOBBY, T0 + 10 + i, ALICE, "lost" + i).toBuilder()
                    .setClientMessageId(i == 0 ? "c-lost" : "").build();
            lost.add(m);
            assertTrue(writer.offer(new WriteOp.Append(m, f::complete)));
            results.add(f);
        }
        CompletableFuture<WriteResult> update = new CompletableFuture<>();
        assertTrue(writer.offer(new WriteOp.Update(LOBBY, existing.getMessageId(), ALICE, "changed", T0 + 9, update::complete)));
        results.add(update);
        CompletableFuture<WriteResult> remove = new CompletableFuture<>();
        assertTrue(writer.offer(new WriteOp.Remove(LOBBY, doomed.getMessageId(), ALICE, remove::complete)));
        results.add(remove);
        CompletableFuture<StoreException> note = new CompletableFuture<>();
        assertTrue(writer.offer(new NotificationWrite(List.of(NotificationStoreTest.notification(BOB_USER, T0, "lost")),
                note::complete)));
        long failedBefore = writer.batchesFailed();
        blocker.release();

        for (CompletableFuture<WriteResult> f : results) {
            assertTrue(assertInstanceOf(WriteResult.Failed.class, join(f)).reason().contains("disk on fire"));
        }
        assertTrue(note.get(10, TimeUnit.SECONDS).getMessage().contains("disk on fire"));
        assertEquals(failedBefore + 1, writer.batchesFailed());
        lost.forEach(m -> assertTrue(history.get(m.getMessageId()).isEmpty()));
        assertEquals(existing, history.get(existing.getMessageId()).orElseThrow(), "the update was rolled back");
        assertEquals(doomed, history.get(doomed.getMessageId()).orElseThrow(), "the remove was rolled back");
        assertTrue(history.dedup(ALICE, "c-lost").isEmpty(), "the dedup entry was rolled back");
        assertEquals(List.of(), store.notifications().list(BOB_USER, 10, null).notifications());

        writer.beforeCommit(c -> { });
        assertInstanceOf(WriteResult.Ok.class, append(writer, lost.get(0)), "the writer carries on");
    }

    @Test
    void theDatabaseGoingAwayFailsTheRoundAndTheWriterCarriesOnWhenItIsBack() throws Exception {
        store.close();
        try (PostgresTestServer pg = PostgresTestServer.start()) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "")) {
                c.createStatement().execute("CREATE DATABASE gantry");
            }
            String url = pg.jdbcUrl().replace("/postgres", "/gantry");
            open(PostgresStore.open(new PostgresSettings(url, "postgres", "", 4, 1_000), new StoreOptions(false, 4), clock));
            StoredChannelMessage before = message(LOBBY, T0, ALICE, "before");
            assertInstanceOf(WriteResult.Ok.class, append(writer, before));

            WriterBlocker blocker = new WriterBlocker(writer);
            List<CompletableFuture<WriteResult>> results = new ArrayList<>();
            List<StoredChannelMessage> lost = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CompletableFuture<WriteResult> f = new CompletableFuture<>();
                StoredChannelMessage m = message(LOBBY, T0 + 1 + i, ALICE, "lost" + i);
                lost.add(m);
                assertTrue(writer.offer(new WriteOp.Append(m, f::complete)));
                results.add(f);
            }
            CompletableFuture<StoreException> note = new CompletableFuture<>();
            StoredNotification n = NotificationStoreTest.notification(BOB_USER, T0, "lost");
            assertTrue(writer.offer(new NotificationWrite(List.of(n), note::complete)));
            pg.stop();
            blocker.release();
            for (CompletableFuture<WriteResult> f : results) {
                assertInstanceOf(WriteResult.Failed.class, join(f));
            }
            StoreException failure = note.get(10, TimeUnit.SECONDS);
            assertTrue(PostgresDatabase.unavailable(failure), "the database is away: " + failure);

            pg.restart();
            StoredChannelMessage after = message(LOBBY, T0 + 10, ALICE, "after");
            await().atMost(Duration.ofSeconds(20)).until(() -> append(writer, after) instanceof WriteResult.Ok
                    || history.get(after.getMessageId()).isPresent());
            assertEquals(List.of(before, after), listAll(history, LOBBY, 10, true), "nothing of the failed round");
            assertEquals(List.of(), store.notifications().list(BOB_USER, 10, null).notifications());
            store.close();
        }
        open(PostgresStores.fresh(clock)); // for @AfterEach
    }

    // ---- bounded queues, close ----

    @Test
    void fullQueuesRefuseOffersAndNeverCallThemBack() throws Exception {
        store.close();
        open(PostgresStores.fresh(clock, new StoreOptions(false, 4).withHistoryQueueCapacity(4)
                .withNotificationQueueCapacity(2)));
        assertEquals(4, writer.capacity());
        assertEquals(2, writer.notificationCapacity());
        WriterBlocker blocker = new WriterBlocker(writer);
        List<CompletableFuture<WriteResult>> accepted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<WriteResult> f = new CompletableFuture<>();
            assertTrue(writer.offer(new WriteOp.Append(message(LOBBY, T0 + i, ALICE, "ok" + i), f::complete)));
            accepted.add(f);
        }
        List<CompletableFuture<StoreException>> notes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<StoreException> f = new CompletableFuture<>();
            assertTrue(writer.offer(new NotificationWrite(
                    List.of(NotificationStoreTest.notification(BOB_USER, T0 + i, "ok" + i)), f::complete)));
            notes.add(f);
        }
        AtomicInteger refusedCalls = new AtomicInteger();
        StoredChannelMessage refused = message(LOBBY, T0 + 10, ALICE, "refused");
        assertFalse(writer.offer(new WriteOp.Append(refused, r -> refusedCalls.incrementAndGet())));
        assertFalse(writer.offer(new NotificationWrite(
                List.of(NotificationStoreTest.notification(BOB_USER, T0 + 9, "refused")), f -> refusedCalls.incrementAndGet())));
        blocker.release();

        accepted.forEach(f -> assertInstanceOf(WriteResult.Ok.class, join(f)));
        for (CompletableFuture<StoreException> f : notes) {
            assertNull(f.get(10, TimeUnit.SECONDS));
        }
        assertTrue(history.get(refused.getMessageId()).isEmpty());
        assertEquals(2, store.notifications().list(BOB_USER, 10, null).notifications().size());
        assertEquals(0, refusedCalls.get(), "a refused offer's callback never runs");
        assertInstanceOf(WriteResult.Ok.class, append(writer, refused), "room again once drained");
    }

    @Test
    void closeWritesWhatIsQueuedThenRefusesOffers() throws Exception {
        String url = store.db().settings().jdbcUrl();
        WriterBlocker blocker = new WriterBlocker(writer);
        List<CompletableFuture<WriteResult>> results = new ArrayList<>();
        List<StoredChannelMessage> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<WriteResult> f = new CompletableFuture<>();
            StoredChannelMessage m = message(LOBBY, T0 + i, ALICE, "q" + i);
            assertTrue(writer.offer(new WriteOp.Append(m, f::complete)));
            results.add(f);
            queued.add(m);
        }
        StoredNotification n = NotificationStoreTest.notification(BOB_USER, T0, "before close");
        CompletableFuture<StoreException> noted = new CompletableFuture<>();
        assertTrue(writer.offer(new NotificationWrite(List.of(n), noted::complete)));
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                store.close();
            } catch (Throwable t) {
                closeFailure.set(t);
            }
        });
        closer.start();
        // An offer racing close may still be accepted (and is then written); soon all are refused.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int k = 0; ; k++) {
            CompletableFuture<WriteResult> f = new CompletableFuture<>();
            StoredChannelMessage late = message(LOBBY, T0 + 100 + k, ALICE, "late" + k);
            if (!writer.offer(new WriteOp.Append(late, f::complete))) {
                break;
            }
            results.add(f);
            queued.add(late);
            assertTrue(System.nanoTime() < deadline, "offers never refused");
        }
        blocker.release();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertNull(closeFailure.get());
        results.forEach(f -> assertInstanceOf(WriteResult.Ok.class, join(f)));
        assertNull(noted.get(10, TimeUnit.SECONDS));
        assertFalse(writer.offer(new WriteOp.Append(message(LOBBY, T0 + 99_999, ALICE, "after"), r -> { })));

        open(PostgresStore.open(new PostgresSettings(url, "postgres", "", 4, 5_000), new StoreOptions(false, 4), clock));
        assertEquals(queued, listAll(history, LOBBY, 100, true));
        assertEquals(List.of(n), store.notifications().list(BOB_USER, 10, null).notifications());
    }

    // ---- dedup ----

    @Test
    void aResendIsADuplicateInTheSameRoundAndInLaterOnesUntilItExpires() throws Exception {
        StoredChannelMessage a = message(LOBBY, T0, ALICE, "a").toBuilder().setClientMessageId("same").build();
        StoredChannelMessage b = message(LOBBY, T0 + 1, ALICE, "a").toBuilder().setClientMessageId("same").build();
        CompletableFuture<WriteResult> ra = new CompletableFuture<>();
        CompletableFuture<WriteResult> rb = new CompletableFuture<>();
        WriterBlocker blocker = new WriterBlocker(writer);
        assertTrue(writer.offer(new WriteOp.Append(a, 60_000, ra::complete)));
        assertTrue(writer.offer(new WriteOp.Append(b, 60_000, rb::complete)));
        blocker.release();
        assertInstanceOf(WriteResult.Ok.class, join(ra));
        assertEquals(a.getMessageId(), assertInstanceOf(WriteResult.Duplicate.class, join(rb)).original().messageId());
        assertTrue(history.get(b.getMessageId()).isEmpty());

        DedupEntry entry = history.dedup(ALICE, "same").orElseThrow();
        assertEquals(new DedupEntry(ALICE, "same", a.getMessageId(), T0, clock.millis() + 60_000), entry);
        StoredChannelMessage c = message(LOBBY, T0 + 2, ALICE, "a").toBuilder().setClientMessageId("same").build();
        assertEquals(entry, assertInstanceOf(WriteResult.Duplicate.class, append(writer, c)).original());
        assertEquals(List.of(entry), history.loadRecentDedup(clock.millis()));

        clock.advance(Duration.ofSeconds(60));
        assertTrue(history.dedup(ALICE, "same").isEmpty());
        assertTrue(history.loadRecentDedup(clock.millis()).isEmpty());
        assertInstanceOf(WriteResult.Ok.class, write(writer, done -> new WriteOp.Append(c, 60_000, done)),
                "an expired client id may be used again");
        assertEquals(c.getMessageId(), history.dedup(ALICE, "same").orElseThrow().messageId());
    }

    @Test
    void expiredDedupEntriesArePurged() throws Exception {
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "x").toBuilder().setClientMessageId("c").build();
        assertInstanceOf(WriteResult.Ok.class, write(writer, done -> new WriteOp.Append(m, 60_000, done)));
        assertEquals(1, dedupRows());
        clock.advance(Duration.ofMillis(StoreCommitLoop.DEDUP_PURGE_INTERVAL_MS));
        await().atMost(Duration.ofSeconds(10)).until(() -> dedupRows() == 0);
        assertTrue(history.get(m.getMessageId()).isPresent(), "only the entry goes");
    }

    private int dedupRows() throws SQLException {
        try (Connection c = otherConnection(); ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM channel_dedup")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void twoNodesRacingOneClientMessageIdStoreOneMessage() throws Exception {
        try (Connection other = otherConnection()) {
            // Another node's writer, mid-round: it has claimed (ALICE, "race") but not committed.
            other.setAutoCommit(false);
            String theirs = UUID.randomUUID().toString();
            try (PreparedStatement s = other.prepareStatement("INSERT INTO channel_dedup VALUES (?, ?, ?::uuid, ?, ?)")) {
                s.setString(1, ALICE);
                s.setString(2, "race");
                s.setString(3, theirs);
                s.setLong(4, T0);
                s.setLong(5, clock.millis() + 60_000);
                s.executeUpdate();
            }
            StoredChannelMessage ours = message(LOBBY, T0 + 1, ALICE, "ours").toBuilder().setClientMessageId("race").build();
            CompletableFuture<WriteResult> result = new CompletableFuture<>();
            assertTrue(writer.offer(new WriteOp.Append(ours, 60_000, result::complete)));
            // Our round found no entry, and now waits on their row lock.
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnALock(other));
            other.commit();

            DedupEntry original = assertInstanceOf(WriteResult.Duplicate.class, join(result)).original();
            assertEquals(theirs, original.messageId());
            assertTrue(history.get(ours.getMessageId()).isEmpty(), "the resend was not stored");
        }
    }

    private static boolean waitingOnALock(Connection c) throws SQLException {
        try (ResultSet r = c.createStatement().executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
            r.next();
            return r.getInt(1) > 0;
        }
    }

    private static WriteResult join(CompletableFuture<WriteResult> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no result", e);
        }
    }
}
