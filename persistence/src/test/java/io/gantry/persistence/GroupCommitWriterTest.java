package io.gantry.persistence;

import io.gantry.persistence.HistoryFixtures.WriterBlocker;
import io.gantry.proto.storage.StoredChannelMessage;
import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static io.gantry.persistence.HistoryFixtures.ALICE;
import static io.gantry.persistence.HistoryFixtures.BOB;
import static io.gantry.persistence.HistoryFixtures.LOBBY;
import static io.gantry.persistence.HistoryFixtures.T0;
import static io.gantry.persistence.HistoryFixtures.append;
import static io.gantry.persistence.HistoryFixtures.listAll;
import static io.gantry.persistence.HistoryFixtures.message;
import static io.gantry.persistence.HistoryFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCommitWriterTest {

    private static final String BOB_USER = "00000000-0000-4000-8000-000000000b0b";

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private RocksStore store;
    private HistoryStore history;
    private GroupCommitWriter writer;

    @BeforeEach
    void open() {
        open(new StoreOptions(true, 4));
    }

    private void open(StoreOptions options) {
        if (store != null) {
            store.close();
        }
        store = RocksStore.open(dataDir, options, clock);
        history = store.history();
        writer = store.writer();
    }

    @AfterEach
    void close() {
        store.close();
    }

    // ---- update and remove ----

    @Test
    void updateReplacesContentAndKeepsThePlaceInHistory() throws Exception {
        StoredChannelMessage first = message(LOBBY, T0, ALICE, "one");
        StoredChannelMessage second = message(LOBBY, T0 + 1, BOB, "two");
        append(writer, first);
        append(writer, second);

        WriteResult r = write(writer, done -> new WriteOp.Update(LOBBY, first.getMessageId(), ALICE, "uno", T0 + 50, done));
        StoredChannelMessage updated = assertInstanceOf(WriteResult.Ok.class, r).message();
        assertEquals("uno", updated.getContent());
        assertEquals(T0 + 50, updated.getUpdateTimeUs());
        assertEquals(T0, updated.getCreateTimeUs());
        assertEquals(List.of(updated, second), listAll(history, LOBBY, 10, true));
        assertEquals(updated, history.get(first.getMessageId()).orElseThrow());
    }

    @Test
    void updateOfAMissingMessageOrAnotherChannelsIsNotFound() {
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "one");
        append(writer, m);
        assertInstanceOf(WriteResult.NotFound.class, write(writer,
                done -> new WriteOp.Update(LOBBY, UUID.randomUUID().toString(), ALICE, "x", T0, done)));
        assertInstanceOf(WriteResult.NotFound.class, write(writer,
                done -> new WriteOp.Update(LOBBY, "not-a-uuid", ALICE, "x", T0, done)));
        assertInstanceOf(WriteResult.NotFound.class, write(writer,
                done -> new WriteOp.Update("2...lobby2", m.getMessageId(), ALICE, "x", T0, done)));
        assertInstanceOf(WriteResult.NotFound.class, write(writer,
                done -> new WriteOp.Remove("2...lobby2", m.getMessageId(), ALICE, done)));
        assertInstanceOf(WriteResult.NotFound.class, write(writer,
                done -> new WriteOp.Remove(LOBBY, "", ALICE, done)));
        assertEquals(m, history.get(m.getMessageId()).orElseThrow(), "untouched");
    }

    @Test
    void updateOrRemoveByAnotherSenderIsNotOwner() {
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "mine");
        append(writer, m);
        assertInstanceOf(WriteResult.NotOwner.class, write(writer,
                done -> new WriteOp.Update(LOBBY, m.getMessageId(), BOB, "yours now", T0 + 1, done)));
        assertInstanceOf(WriteResult.NotOwner.class, write(writer,
                done -> new WriteOp.Remove(LOBBY, m.getMessageId(), BOB, done)));
        assertEquals(m, history.get(m.getMessageId()).orElseThrow(), "untouched");
    }

    @Test
    void removedMessageIsGoneFromListingsAndLookups() throws Exception {
        StoredChannelMessage a = message(LOBBY, T0, ALICE, "a");
        StoredChannelMessage b = message(LOBBY, T0 + 1, ALICE, "b");
        StoredChannelMessage c = message(LOBBY, T0 + 2, BOB, "c");
        append(writer, a);
        append(writer, b);
        append(writer, c);

        WriteResult r = write(writer, done -> new WriteOp.Remove(LOBBY, b.getMessageId(), ALICE, done));
        assertEquals(b, assertInstanceOf(WriteResult.Ok.class, r).message(), "the message as it was");
        assertEquals(List.of(a, c), listAll(history, LOBBY, 1, true));
        assertEquals(List.of(c, a), listAll(history, LOBBY, 1, false));
        assertTrue(history.get(b.getMessageId()).isEmpty());
        assertInstanceOf(WriteResult.NotFound.class, write(writer,
                done -> new WriteOp.Remove(LOBBY, b.getMessageId(), ALICE, done)), "removed once only");
        assertInstanceOf(WriteResult.NotFound.class, write(writer,
                done -> new WriteOp.Update(LOBBY, b.getMessageId(), ALICE, "back?", T0 + 9, done)));
    }

    @Test
    void cursorAtARemovedMessageStillContinuesFromItsPosition() throws Exception {
        List<StoredChannelMessage> all = HistoryFixtures.appendMany(writer, LOBBY, 6);
        HistoryPage p1 = history.list(LOBBY, 3, true, null);
        write(writer, done -> new WriteOp.Remove(LOBBY, all.get(2).getMessageId(), ALICE, done));
        assertEquals(all.subList(3, 6), history.list(LOBBY, 3, true, p1.nextCursor()).messages());
    }

    // ---- batching ----

    @Test
    void opsOfOneBatchSeeEachOther() {
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "draft");
        List<CompletableFuture<WriteResult>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(new CompletableFuture<>());
        }
        WriterBlocker blocker = new WriterBlocker(writer);
        assertTrue(writer.offer(new WriteOp.Append(m, results.get(0)::complete)));
        assertTrue(writer.offer(new WriteOp.Update(LOBBY, m.getMessageId(), ALICE, "final", T0 + 5, results.get(1)::complete)));
        assertTrue(writer.offer(new WriteOp.Update(LOBBY, m.getMessageId(), BOB, "hijack", T0 + 6, results.get(2)::complete)));
        assertTrue(writer.offer(new WriteOp.Remove(LOBBY, m.getMessageId(), ALICE, results.get(3)::complete)));
        assertTrue(writer.offer(new WriteOp.Remove(LOBBY, m.getMessageId(), ALICE, results.get(4)::complete)));
        blocker.release();

        assertEquals(m, assertInstanceOf(WriteResult.Ok.class, join(results.get(0))).message());
        assertEquals("final", assertInstanceOf(WriteResult.Ok.class, join(results.get(1))).message().getContent());
        assertInstanceOf(WriteResult.NotOwner.class, join(results.get(2)));
        StoredChannelMessage removed = assertInstanceOf(WriteResult.Ok.class, join(results.get(3))).message();
        assertEquals("final", removed.getContent());
        assertInstanceOf(WriteResult.NotFound.class, join(results.get(4)));
        assertEquals(5, writer.lastBatchSize(), "all five in one batch");
        assertTrue(history.get(m.getMessageId()).isEmpty());
    }

    @Test
    void callbacksRunAfterTheBatchIsWrittenInOfferOrder() {
        List<String> order = new ArrayList<>();
        List<Boolean> visible = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(20);
        WriterBlocker blocker = new WriterBlocker(writer);
        for (int i = 0; i < 20; i++) {
            StoredChannelMessage m = message(LOBBY, T0 + i, ALICE, "m" + i);
            assertTrue(writer.offer(new WriteOp.Append(m, r -> {
                // On the writer thread: the whole batch, this message included, is readable.
                order.add(m.getContent());
                visible.add(history.get(m.getMessageId()).isPresent()
                        && Thread.currentThread().getName().equals(GroupCommitWriter.THREAD_NAME));
                all.countDown();
            })));
        }
        blocker.release();
        await(all);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, order);
        assertFalse(visible.contains(false));
    }

    @Test
    void manyConcurrentProducersAllCompleteExactlyOnceInBatches() throws Exception {
        int producers = 8;
        int perProducer = 1_250;
        int total = producers * perProducer;
        AtomicIntegerArray completions = new AtomicIntegerArray(total);
        AtomicInteger notOk = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger largestBatch = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long batchesBefore = writer.batchesWritten();
        long opsBefore = writer.opsWritten();

        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    int n = producer * perProducer + i;
                    StoredChannelMessage m = message(LOBBY, T0 + n, producer % 2 == 0 ? ALICE : BOB, "n" + n);
                    WriteOp op = new WriteOp.Append(m, r -> {
                        if (!(r instanceof WriteResult.Ok)) {
                            notOk.incrementAndGet();
                        }
                        largestBatch.accumulateAndGet(writer.lastBatchSize(), Math::max);
                        completions.incrementAndGet(n);
                        done.countDown();
                    });
                    while (!writer.offer(op)) {
                        refused.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            }, "producer-" + p));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "all callbacks ran");

        for (int i = 0; i < total; i++) {
            assertEquals(1, completions.get(i), "op " + i);
        }
        assertEquals(0, notOk.get());
        assertEquals(total, writer.opsWritten() - opsBefore);
        long batches = writer.batchesWritten() - batchesBefore;
        assertTrue(batches < total, "group commit: " + batches + " batches for " + total + " ops");
        assertTrue(largestBatch.get() > 1, "largest batch " + largestBatch.get());
        assertTrue(largestBatch.get() <= GroupCommitWriter.MAX_BATCH);
        List<StoredChannelMessage> stored = listAll(history, LOBBY, 100, true);
        assertEquals(total, stored.size());
        for (int i = 0; i < total; i++) {
            assertEquals("n" + i, stored.get(i).getContent(), "ordered by create time");
        }
    }

    // ---- bounded queue and failures ----

    @Test
    void fullQueueRefusesTheOfferAndWritesNothingOfIt() {
        open(new StoreOptions(true, 4).withHistoryQueueCapacity(4));
        assertEquals(4, writer.capacity());
        WriterBlocker blocker = new WriterBlocker(writer);
        List<CompletableFuture<WriteResult>> accepted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<WriteResult> f = new CompletableFuture<>();
            assertTrue(writer.offer(new WriteOp.Append(message(LOBBY, T0 + i, ALICE, "ok" + i), f::complete)));
            accepted.add(f);
        }
        assertEquals(4, writer.queued());
        StoredChannelMessage refused = message(LOBBY, T0 + 10, ALICE, "refused");
        AtomicInteger refusedCalls = new AtomicInteger();
        assertFalse(writer.offer(new WriteOp.Append(refused, r -> refusedCalls.incrementAndGet())));
        blocker.release();

        accepted.forEach(f -> assertInstanceOf(WriteResult.Ok.class, join(f)));
        assertTrue(history.get(refused.getMessageId()).isEmpty());
        assertEquals(0, refusedCalls.get(), "a refused op's callback never runs");
        assertInstanceOf(WriteResult.Ok.class, append(writer, refused), "room again once drained");
    }

    @Test
    void aFailedWriteFailsEveryOpOfTheBatchAndWritesNone() {
        StoredChannelMessage existing = message(LOBBY, T0, ALICE, "existing");
        append(writer, existing);
        writer.committer(b -> {
            throw new RocksDBException("disk on fire");
        });
        WriterBlocker blocker = new WriterBlocker(writer);
        List<CompletableFuture<WriteResult>> results = new ArrayList<>();
        List<StoredChannelMessage> messages = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<WriteResult> f = new CompletableFuture<>();
            StoredChannelMessage m = message(LOBBY, T0 + 1 + i, ALICE, "lost" + i);
            messages.add(m);
            assertTrue(writer.offer(new WriteOp.Append(m, f::complete)));
            results.add(f);
        }
        CompletableFuture<WriteResult> update = new CompletableFuture<>();
        assertTrue(writer.offer(new WriteOp.Update(LOBBY, existing.getMessageId(), ALICE, "changed", T0 + 9, update::complete)));
        results.add(update);
        long failedBefore = writer.batchesFailed();
        blocker.release();

        for (CompletableFuture<WriteResult> f : results) {
            assertEquals("disk on fire", assertInstanceOf(WriteResult.Failed.class, join(f)).reason());
        }
        assertEquals(failedBefore + 1, writer.batchesFailed());
        messages.forEach(m -> assertTrue(history.get(m.getMessageId()).isEmpty()));
        assertEquals(existing, history.get(existing.getMessageId()).orElseThrow());

        writer.committer(b -> store.db().write(store.writeOptions(), b));
        assertInstanceOf(WriteResult.Ok.class, append(writer, messages.get(0)), "the writer carries on");
    }

    @Test
    void aThrowingCallbackDoesNotStopTheWriter() {
        StoredChannelMessage m1 = message(LOBBY, T0, ALICE, "1");
        assertTrue(writer.offer(new WriteOp.Append(m1, r -> {
            throw new IllegalStateException("callback bug (expected in this test)");
        })));
        StoredChannelMessage m2 = message(LOBBY, T0 + 1, ALICE, "2");
        assertInstanceOf(WriteResult.Ok.class, append(writer, m2));
        assertTrue(history.get(m1.getMessageId()).isPresent());
    }

    @Test
    void aSecondMessageWithATakenIdFailsAndLeavesTheFirst() {
        StoredChannelMessage first = message(LOBBY, T0, ALICE, "first");
        append(writer, first);
        StoredChannelMessage impostor = first.toBuilder().setCreateTimeUs(T0 + 5).setContent("impostor").build();
        assertInstanceOf(WriteResult.Failed.class, append(writer, impostor));
        assertEquals(first, history.get(first.getMessageId()).orElseThrow());
    }

    @Test
    void badAppendsAreRefusedBeforeTheyAreQueued() {
        StoredChannelMessage good = message(LOBBY, T0, ALICE, "x");
        assertThrows(IllegalArgumentException.class, () -> new WriteOp.Append(good.toBuilder().setChannelId("").build(), r -> { }));
        assertThrows(IllegalArgumentException.class, () -> new WriteOp.Append(good.toBuilder().setMessageId("42").build(), r -> { }));
        assertThrows(IllegalArgumentException.class, () -> new WriteOp.Append(
                good.toBuilder().setMessageId(good.getMessageId().toUpperCase()).build(), r -> { }));
        assertThrows(IllegalArgumentException.class, () -> new WriteOp.Append(good.toBuilder().setCreateTimeUs(-1).build(), r -> { }));
        assertThrows(IllegalArgumentException.class, () -> new WriteOp.Append(
                good.toBuilder().setChannelId("2..." + "x".repeat(70_000)).build(), r -> { }));
        assertThrows(IllegalArgumentException.class, () -> new WriteOp.Append(
                good.toBuilder().setSenderId("a\u0000b").setClientMessageId("c").build(), r -> { }));
        assertThrows(NullPointerException.class, () -> new WriteOp.Append(good, null));
        assertThrows(NullPointerException.class, () -> writer.offer((WriteOp) null));
    }

    // ---- close ----

    @Test
    void closeWritesWhatIsQueuedThenRefusesOffers() throws Exception {
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
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                store.close();
            } catch (Throwable t) {
                closeFailure.set(t);
            }
        });
        closer.start();
        // close() waits for the writer; an offer racing it may still be accepted (and is then
        // written), but soon every offer is refused.
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
        assertEquals(null, closeFailure.get());
        results.forEach(f -> assertInstanceOf(WriteResult.Ok.class, join(f)));
        assertFalse(writer.offer(new WriteOp.Append(message(LOBBY, T0 + 99_999, ALICE, "after"), r -> { })));

        open(new StoreOptions(true, 4));
        assertEquals(queued, listAll(history, LOBBY, 100, true));
    }

    // ---- notifications: the same commit loop ----

    @Test
    void historyOpsAndNotificationWritesShareOneRoundAndOneWrite() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        writer.committer(b -> {
            commits.incrementAndGet();
            store.db().write(store.writeOptions(), b);
        });
        WriterBlocker blocker = new WriterBlocker(writer);
        int commitsBefore = commits.get();
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "chat");
        StoredNotification n = NotificationStoreTest.notification(BOB_USER, T0, "reward");
        CompletableFuture<WriteResult> chat = new CompletableFuture<>();
        CompletableFuture<Boolean> stored = new CompletableFuture<>();
        List<String> order = new ArrayList<>();
        assertTrue(writer.offer(new WriteOp.Append(m, r -> {
            order.add("history");
            chat.complete(r);
        })));
        assertTrue(writer.offer(new NotificationWrite(List.of(n), failure -> {
            order.add("notification");
            // On the writer thread, after the round is written: the notification is listable.
            stored.complete(failure == null && listNotifications(BOB_USER).contains(n)
                    && Thread.currentThread().getName().equals(GroupCommitWriter.THREAD_NAME));
        })));
        assertEquals(1, writer.notificationsQueued());
        blocker.release();

        assertInstanceOf(WriteResult.Ok.class, join(chat));
        assertTrue(stored.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("history", "notification"), order);
        assertEquals(2, writer.lastBatchSize(), "one round");
        assertEquals(commitsBefore + 1, commits.get(), "one RocksDB write for both");
        assertEquals(List.of(n), listNotifications(BOB_USER));
    }

    @Test
    void fullNotificationQueueRefusesTheWriteAndNeverCallsItBack() throws Exception {
        open(new StoreOptions(true, 4).withNotificationQueueCapacity(2));
        assertEquals(2, writer.notificationCapacity());
        WriterBlocker blocker = new WriterBlocker(writer);
        List<CompletableFuture<StoreException>> accepted = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<StoreException> f = new CompletableFuture<>();
            assertTrue(writer.offer(new NotificationWrite(
                    List.of(NotificationStoreTest.notification(BOB_USER, T0 + i, "ok" + i)), f::complete)));
            accepted.add(f);
        }
        AtomicInteger refusedCalls = new AtomicInteger();
        StoredNotification refused = NotificationStoreTest.notification(BOB_USER, T0 + 9, "refused");
        assertFalse(writer.offer(new NotificationWrite(List.of(refused), f -> refusedCalls.incrementAndGet())));
        assertTrue(writer.offer(new WriteOp.Append(message(LOBBY, T0, ALICE, "x"), r -> { })),
                "history has a queue of its own");
        blocker.release();

        for (CompletableFuture<StoreException> f : accepted) {
            assertEquals(null, f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(2, listNotifications(BOB_USER).size());
        assertEquals(0, refusedCalls.get(), "a refused write's callback never runs");
    }

    @Test
    void aFailedRoundFailsItsNotificationWritesAndStoresNone() throws Exception {
        writer.committer(b -> {
            throw new RocksDBException("disk on fire");
        });
        CompletableFuture<StoreException> failure = new CompletableFuture<>();
        CompletableFuture<WriteResult> chat = new CompletableFuture<>();
        WriterBlocker blocker = new WriterBlocker(writer);
        assertTrue(writer.offer(new WriteOp.Append(message(LOBBY, T0, ALICE, "lost"), chat::complete)));
        assertTrue(writer.offer(new NotificationWrite(
                List.of(NotificationStoreTest.notification(BOB_USER, T0, "lost")), failure::complete)));
        blocker.release();

        assertInstanceOf(WriteResult.Failed.class, join(chat));
        StoreException e = failure.get(10, TimeUnit.SECONDS);
        assertTrue(e != null && e.getMessage().contains("disk on fire"), String.valueOf(e));
        assertEquals(List.of(), listNotifications(BOB_USER));
    }

    @Test
    void closeWritesQueuedNotificationsThenRefusesThem() throws Exception {
        WriterBlocker blocker = new WriterBlocker(writer);
        StoredNotification n = NotificationStoreTest.notification(BOB_USER, T0, "before close");
        CompletableFuture<StoreException> done = new CompletableFuture<>();
        assertTrue(writer.offer(new NotificationWrite(List.of(n), done::complete)));
        Thread closer = new Thread(store::close);
        closer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.offer(new NotificationWrite(List.of(), f -> { }))) {
            assertTrue(System.nanoTime() < deadline, "offers never refused");
        }
        blocker.release();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(null, done.get(10, TimeUnit.SECONDS));

        open(new StoreOptions(true, 4));
        assertEquals(List.of(n), listNotifications(BOB_USER));
    }

    @Test
    void badNotificationsAreRefusedBeforeTheyAreQueued() {
        StoredNotification good = NotificationStoreTest.notification(BOB_USER, T0, "x");
        assertThrows(IllegalArgumentException.class, () -> new NotificationWrite(
                List.of(good.toBuilder().setUserId("bob").build()), f -> { }));
        assertThrows(IllegalArgumentException.class, () -> new NotificationWrite(
                List.of(good.toBuilder().setId("42").build()), f -> { }));
        assertThrows(IllegalArgumentException.class, () -> new NotificationWrite(
                List.of(good.toBuilder().setCreateTimeUs(-1).build()), f -> { }));
        assertThrows(NullPointerException.class, () -> new NotificationWrite(List.of(good), null));
        assertThrows(NullPointerException.class, () -> writer.offer((NotificationWrite) null));
    }

    private List<StoredNotification> listNotifications(String userId) {
        try {
            return store.notifications().list(userId, 100, null).notifications();
        } catch (InvalidCursorException e) {
            throw new AssertionError(e);
        }
    }

    // ---- dedup ----

    @Test
    void aRetriedSendWithTheSameClientIdIsADuplicateAndWritesNothing() throws Exception {
        StoredChannelMessage first = message(LOBBY, T0, ALICE, "hi").toBuilder().setClientMessageId("c-1").build();
        assertInstanceOf(WriteResult.Ok.class, append(writer, first));
        DedupEntry entry = history.dedup(ALICE, "c-1").orElseThrow();
        assertEquals(first.getMessageId(), entry.messageId());
        assertEquals(T0, entry.createTimeUs());
        assertEquals(clock.millis() + StoreOptions.DEFAULT_DEDUP_WINDOW_MS, entry.expiresAtMs());

        StoredChannelMessage retry = message(LOBBY, T0 + 5, ALICE, "hi").toBuilder().setClientMessageId("c-1").build();
        assertEquals(entry, assertInstanceOf(WriteResult.Duplicate.class, append(writer, retry)).original());
        assertEquals(List.of(first), listAll(history, LOBBY, 10, true));

        StoredChannelMessage bobs = message(LOBBY, T0 + 6, BOB, "hi").toBuilder().setClientMessageId("c-1").build();
        assertInstanceOf(WriteResult.Ok.class, append(writer, bobs), "client ids are per sender");
        assertTrue(history.dedup(ALICE, "c-2").isEmpty());
        assertTrue(history.dedup(ALICE, "").isEmpty());
        assertTrue(history.dedup(BOB, "c-1").isPresent());
    }

    @Test
    void twoSendsWithOneClientIdInOneBatchStoreOne() {
        StoredChannelMessage a = message(LOBBY, T0, ALICE, "a").toBuilder().setClientMessageId("same").build();
        StoredChannelMessage b = message(LOBBY, T0 + 1, ALICE, "a").toBuilder().setClientMessageId("same").build();
        CompletableFuture<WriteResult> ra = new CompletableFuture<>();
        CompletableFuture<WriteResult> rb = new CompletableFuture<>();
        WriterBlocker blocker = new WriterBlocker(writer);
        writer.offer(new WriteOp.Append(a, ra::complete));
        writer.offer(new WriteOp.Append(b, rb::complete));
        blocker.release();
        assertInstanceOf(WriteResult.Ok.class, join(ra));
        assertEquals(a.getMessageId(), assertInstanceOf(WriteResult.Duplicate.class, join(rb)).original().messageId());
        assertTrue(history.get(b.getMessageId()).isEmpty());
    }

    @Test
    void dedupEntriesExpireAfterTheirWindow() {
        StoredChannelMessage first = message(LOBBY, T0, ALICE, "x").toBuilder().setClientMessageId("c").build();
        assertInstanceOf(WriteResult.Ok.class, write(writer, done -> new WriteOp.Append(first, 60_000, done)));
        assertTrue(history.dedup(ALICE, "c").isPresent());
        clock.advance(Duration.ofSeconds(59));
        assertTrue(history.dedup(ALICE, "c").isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), history.dedup(ALICE, "c"));
        assertTrue(history.loadRecentDedup(clock.millis()).isEmpty());

        StoredChannelMessage later = message(LOBBY, T0 + 1, ALICE, "x").toBuilder().setClientMessageId("c").build();
        assertInstanceOf(WriteResult.Ok.class, append(writer, later), "an expired client id may be reused");
        assertEquals(later.getMessageId(), history.dedup(ALICE, "c").orElseThrow().messageId());
    }

    private static WriteResult join(CompletableFuture<WriteResult> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no result", e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
