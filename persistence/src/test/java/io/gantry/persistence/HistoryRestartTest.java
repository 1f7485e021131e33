package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.gantry.persistence.HistoryFixtures.ALICE;
import static io.gantry.persistence.HistoryFixtures.BOB;
import static io.gantry.persistence.HistoryFixtures.LOBBY;
import static io.gantry.persistence.HistoryFixtures.T0;
import static io.gantry.persistence.HistoryFixtures.append;
import static io.gantry.persistence.HistoryFixtures.appendMany;
import static io.gantry.persistence.HistoryFixtures.listAll;
import static io.gantry.persistence.HistoryFixtures.message;
import static io.gantry.persistence.HistoryFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryRestartTest {

    private static final byte[] KEY = "derived from the session key....".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private final StoreOptions options = new StoreOptions(true, 4).withCursorKey(KEY);

    @Test
    void historySurvivesCloseAndReopen() throws Exception {
        List<StoredChannelMessage> all;
        StoredChannelMessage updated;
        String cursor;
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            all = appendMany(store.writer(), LOBBY, 7);
            appendMany(store.writer(), "2...other", 2);
            updated = assertInstanceOf(WriteResult.Ok.class, write(store.writer(),
                    done -> new WriteOp.Update(LOBBY, all.get(1).getMessageId(), ALICE, "edited", T0 + 99, done))).message();
            write(store.writer(), done -> new WriteOp.Remove(LOBBY, all.get(2).getMessageId(), ALICE, done));
            cursor = store.history().list(LOBBY, 3, true, null).nextCursor();
        }
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            HistoryStore history = store.history();
            List<StoredChannelMessage> expected = List.of(all.get(0), updated, all.get(3), all.get(4), all.get(5), all.get(6));
            assertEquals(expected, listAll(history, LOBBY, 2, true));
            assertEquals(updated, history.get(updated.getMessageId()).orElseThrow());
            assertTrue(history.get(all.get(2).getMessageId()).isEmpty());
            assertEquals(2, listAll(history, "2...other", 10, false).size());
            assertEquals(expected.subList(3, 6), history.list(LOBBY, 10, true, cursor).messages(),
                    "a cursor made before the restart still pages, with the same key");
            assertInstanceOf(WriteResult.Ok.class, append(store.writer(), message(LOBBY, T0 + 1000, BOB, "after restart")));
        }
    }

    @Test
    void withoutAConfiguredKeyCursorsDoNotOutliveTheProcess() throws Exception {
        StoreOptions noKey = new StoreOptions(true, 4);
        String cursor;
        try (RocksStore store = RocksStore.open(dataDir, noKey, clock)) {
            appendMany(store.writer(), LOBBY, 5);
            cursor = store.history().list(LOBBY, 2, true, null).nextCursor();
            assertEquals(3, store.history().list(LOBBY, 10, true, cursor).messages().size());
        }
        try (RocksStore store = RocksStore.open(dataDir, noKey, clock)) {
            String stale = cursor;
            assertThrows(InvalidCursorException.class, () -> store.history().list(LOBBY, 10, true, stale));
        }
    }

    @Test
    void dedupEntriesSurviveReopenUntilTheyExpire() throws Exception {
        StoredChannelMessage sent = message(LOBBY, T0, ALICE, "once").toBuilder().setClientMessageId("client-1").build();
        StoredChannelMessage longLived = message(LOBBY, T0 + 1, BOB, "long").toBuilder().setClientMessageId("client-2").build();
        try (RocksStore store = RocksStore.open(dataDir, options.withDedupWindowMs(60_000), clock)) {
            append(store.writer(), sent);
            write(store.writer(), done -> new WriteOp.Append(longLived, 3_600_000, done));
        }
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            DedupEntry entry = store.history().dedup(ALICE, "client-1").orElseThrow();
            assertEquals(new DedupEntry(ALICE, "client-1", sent.getMessageId(), T0, clock.millis() + 60_000), entry);
            assertEquals(2, store.history().loadRecentDedup(clock.millis()).size());
            StoredChannelMessage retry = message(LOBBY, T0 + 2, ALICE, "once").toBuilder().setClientMessageId("client-1").build();
            assertInstanceOf(WriteResult.Duplicate.class, append(store.writer(), retry));
        }

        clock.advance(Duration.ofSeconds(61));
        try (RocksStore store = RocksStore.open(dataDir, options, clock)) {
            HistoryStore history = store.history();
            assertTrue(history.dedup(ALICE, "client-1").isEmpty());
            assertEquals(List.of("client-2"),
                    history.loadRecentDedup(clock.millis()).stream().map(DedupEntry::clientMessageId).toList());
            // The writer purges expired entries when it starts, before any op; one op later it is done.
            write(store.writer(), done -> new WriteOp.Remove(LOBBY, UUID.randomUUID().toString(), ALICE, done));
            assertEquals(1, countDedupOnDisk(store), "the expired entry is deleted from disk");
            assertEquals(2, listAll(history, LOBBY, 10, true).size(), "messages stay; only dedup expires");
        }
    }

    private static int countDedupOnDisk(RocksStore store) {
        int n = 0;
        try (var it = store.db().newIterator(store.handle(StoreColumnFamily.CHANNEL_DEDUP))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }
}
