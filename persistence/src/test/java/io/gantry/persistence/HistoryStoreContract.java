package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import static io.gantry.persistence.HistoryFixtures.ALICE;
import static io.gantry.persistence.HistoryFixtures.BOB;
import static io.gantry.persistence.HistoryFixtures.LOBBY;
import static io.gantry.persistence.HistoryFixtures.T0;
import static io.gantry.persistence.HistoryFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every channel history must do, through its two interfaces: {@link HistoryWriter} (the
 * single writer's offer) and {@link HistoryStore} (reads from any thread). One subclass per
 * implementation ({@link RocksHistoryStoreContractTest}) opens a fresh, empty store.
 */
abstract class HistoryStoreContract {

    private HistoryStore history;
    private HistoryWriter writer;

    /** The reads of a fresh, empty history; {@link #writer()} is called after it. */
    protected abstract HistoryStore openHistory();

    /** The writer of the history {@link #openHistory} opened. */
    protected abstract HistoryWriter writer();

    protected abstract void close();

    @BeforeEach
    void openStore() {
        history = openHistory();
        writer = writer();
    }

    @AfterEach
    void closeStore() {
        close();
    }

    /** Offers an op and waits (on the test thread) for the writer's one callback. */
    private WriteResult write(Function<Consumer<WriteResult>, WriteOp> op) throws Exception {
        CompletableFuture<WriteResult> done = new CompletableFuture<>();
        assertTrue(writer.offer(op.apply(done::complete)), "offer refused");
        return done.get(10, TimeUnit.SECONDS);
    }

    private List<StoredChannelMessage> appendMany(String channelId, int n) throws Exception {
        List<StoredChannelMessage> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StoredChannelMessage m = message(channelId, T0 + i, ALICE, "{\"i\":" + i + "}");
            assertInstanceOf(WriteResult.Ok.class, write(done -> new WriteOp.Append(m, done)));
            all.add(m);
        }
        return all;
    }

    private List<StoredChannelMessage> listAll(String channelId, int limit, boolean forward) throws Exception {
        List<StoredChannelMessage> all = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 1000; pages++) {
            HistoryPage page = history.list(channelId, limit, forward, cursor);
            all.addAll(page.messages());
            if (page.nextCursor() == null) {
                return all;
            }
            cursor = page.nextCursor();
        }
        throw new AssertionError("paging never ended");
    }

    @Test
    void anAppendedMessageIsReadableByIdOnceItsCallbackRan() throws Exception {
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "{}");
        WriteResult result = write(done -> new WriteOp.Append(m, done));
        assertEquals(m, ((WriteResult.Ok) result).message());
        assertEquals(m, history.get(m.getMessageId()).orElseThrow());
        assertTrue(history.get(UUID.randomUUID().toString()).isEmpty());
        assertTrue(history.get("not-a-uuid").isEmpty(), "an id that is not a UUID finds nothing");
    }

    @Test
    void pagingEitherWayReturnsEveryMessageOnceInOrder() throws Exception {
        List<StoredChannelMessage> all = appendMany(LOBBY, 7);
        appendMany("2...elsewhere", 2);
        for (int limit = 1; limit <= 8; limit++) {
            assertEquals(all, listAll(LOBBY, limit, true), "forward, limit " + limit);
            List<StoredChannelMessage> reversed = new ArrayList<>(all);
            Collections.reverse(reversed);
            assertEquals(reversed, listAll(LOBBY, limit, false), "backward, limit " + limit);
        }
    }

    @Test
    void theCacheableCursorListsOnlyWhatCameLater() throws Exception {
        appendMany(LOBBY, 3);
        HistoryPage newest = history.list(LOBBY, 3, false, null);
        assertNull(newest.nextCursor());
        StoredChannelMessage later = message(LOBBY, T0 + 100, BOB, "{}");
        write(done -> new WriteOp.Append(later, done));
        assertEquals(List.of(later), history.list(LOBBY, 100, true, newest.cacheableCursor()).messages());
    }

    @Test
    void aCursorNotMadeForThisListingIsInvalid() throws Exception {
        appendMany(LOBBY, 3);
        appendMany("2...other", 3);
        String other = history.list("2...other", 1, true, null).nextCursor();
        String forward = history.list(LOBBY, 1, true, null).nextCursor();
        assertThrows(InvalidCursorException.class, () -> history.list(LOBBY, 1, true, other), "another channel's");
        assertThrows(InvalidCursorException.class, () -> history.list(LOBBY, 1, false, forward), "the other direction's");
        assertThrows(InvalidCursorException.class, () -> history.list(LOBBY, 1, true, "garbage"));
    }

    @Test
    void outOfRangeArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> history.list(LOBBY, 0, true, null));
        assertThrows(IllegalArgumentException.class, () -> history.list(LOBBY, HistoryStore.MAX_LIMIT + 1, true, null));
        assertThrows(IllegalArgumentException.class, () -> history.list("", 1, true, null));
    }

    @Test
    void onlyTheSenderUpdatesOrRemovesAndMissingMessagesAreNotFound() throws Exception {
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "{}");
        write(done -> new WriteOp.Append(m, done));
        String id = m.getMessageId();

        assertInstanceOf(WriteResult.NotOwner.class, write(done -> new WriteOp.Update(LOBBY, id, BOB, "{\"x\":1}", T0 + 1, done)));
        assertInstanceOf(WriteResult.NotOwner.class, write(done -> new WriteOp.Remove(LOBBY, id, BOB, done)));
        assertEquals(m, history.get(id).orElseThrow(), "refused changes change nothing");

        WriteResult updated = write(done -> new WriteOp.Update(LOBBY, id, ALICE, "{\"x\":2}", T0 + 2, done));
        assertEquals("{\"x\":2}", ((WriteResult.Ok) updated).message().getContent());
        assertEquals("{\"x\":2}", history.get(id).orElseThrow().getContent());

        assertInstanceOf(WriteResult.Ok.class, write(done -> new WriteOp.Remove(LOBBY, id, ALICE, done)));
        assertTrue(history.get(id).isEmpty());
        assertInstanceOf(WriteResult.NotFound.class, write(done -> new WriteOp.Remove(LOBBY, id, ALICE, done)));
    }

    @Test
    void aClientMessageIdIsRememberedAndAResendIsADuplicate() throws Exception {
        StoredChannelMessage m = message(LOBBY, T0, ALICE, "{}").toBuilder().setClientMessageId("cid-1").build();
        write(done -> new WriteOp.Append(m, 60_000, done));
        DedupEntry entry = history.dedup(ALICE, "cid-1").orElseThrow();
        assertEquals(m.getMessageId(), entry.messageId());
        assertTrue(history.dedup(BOB, "cid-1").isEmpty(), "per sender");
        assertTrue(history.dedup(ALICE, "").isEmpty());

        StoredChannelMessage resend = message(LOBBY, T0 + 1, ALICE, "{}").toBuilder().setClientMessageId("cid-1").build();
        WriteResult result = write(done -> new WriteOp.Append(resend, 60_000, done));
        assertEquals(m.getMessageId(), ((WriteResult.Duplicate) result).original().messageId());
        assertTrue(history.get(resend.getMessageId()).isEmpty(), "a resend is not stored twice");
    }
}
