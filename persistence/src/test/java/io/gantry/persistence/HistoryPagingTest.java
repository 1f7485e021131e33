package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryPagingTest {

    @TempDir
    Path dataDir;

    private RocksStore store;
    private HistoryStore history;
    private GroupCommitWriter writer;

    @BeforeEach
    void open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        history = store.history();
        writer = store.writer();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void forwardPagingReturnsEveryMessageOnceOldestFirstForEveryLimit() throws Exception {
        List<StoredChannelMessage> all = appendMany(writer, LOBBY, 23);
        for (int limit = 1; limit <= 25; limit++) {
            assertEquals(all, listAll(history, LOBBY, limit, true), "limit " + limit);
        }
    }

    @Test
    void backwardPagingReturnsEveryMessageOnceNewestFirstForEveryLimit() throws Exception {
        List<StoredChannelMessage> all = appendMany(writer, LOBBY, 23);
        Collections.reverse(all);
        for (int limit = 1; limit <= 25; limit++) {
            assertEquals(all, listAll(history, LOBBY, limit, false), "limit " + limit);
        }
    }

    @Test
    void lastPageHasNoNextCursorEvenWhenItIsExactlyFull() throws Exception {
        List<StoredChannelMessage> all = appendMany(writer, LOBBY, 10);
        HistoryPage first = history.list(LOBBY, 5, true, null);
        assertEquals(all.subList(0, 5), first.messages());
        assertNotNull(first.nextCursor());
        assertNull(first.prevCursor(), "nothing before the beginning");
        HistoryPage second = history.list(LOBBY, 5, true, first.nextCursor());
        assertEquals(all.subList(5, 10), second.messages());
        assertNull(second.nextCursor(), "the limit+1st entry does not exist");
        assertNotNull(second.prevCursor());

        HistoryPage whole = history.list(LOBBY, 10, true, null);
        assertEquals(all, whole.messages());
        assertNull(whole.nextCursor());
        assertNull(whole.prevCursor());

        HistoryPage newest = history.list(LOBBY, 100, false, null);
        assertNull(newest.nextCursor());
        assertNull(newest.prevCursor(), "nothing is newer than the newest message");
    }

    @Test
    void emptyChannelHasNoCursors() throws Exception {
        for (boolean forward : new boolean[] {true, false}) {
            HistoryPage page = history.list(LOBBY, 10, forward, null);
            assertTrue(page.messages().isEmpty());
            assertNull(page.nextCursor());
            assertNull(page.prevCursor());
            assertNull(page.cacheableCursor());
        }
    }

    @Test
    void prevCursorListsThePageBeforeInTheSameOrder() throws Exception {
        List<StoredChannelMessage> all = appendMany(writer, LOBBY, 12);
        HistoryPage p1 = history.list(LOBBY, 5, true, null);
        HistoryPage p2 = history.list(LOBBY, 5, true, p1.nextCursor());
        HistoryPage p3 = history.list(LOBBY, 5, true, p2.nextCursor());
        assertEquals(all.subList(10, 12), p3.messages());
        assertNull(p3.nextCursor());

        HistoryPage back2 = history.list(LOBBY, 5, true, p3.prevCursor());
        assertEquals(all.subList(5, 10), back2.messages(), "oldest first, as the listing asked");
        assertNotNull(back2.nextCursor(), "the messages after it still exist");
        HistoryPage back1 = history.list(LOBBY, 5, true, back2.prevCursor());
        assertEquals(all.subList(0, 5), back1.messages());
        assertNull(back1.prevCursor(), "nothing before the first message");
        assertEquals(all.subList(5, 10), history.list(LOBBY, 5, true, back1.nextCursor()).messages(),
                "and forward again from a prev page");
    }

    @Test
    void prevCursorOfABackwardListingGoesBackToNewerMessages() throws Exception {
        List<StoredChannelMessage> newestFirst = appendMany(writer, LOBBY, 9);
        Collections.reverse(newestFirst);
        HistoryPage p1 = history.list(LOBBY, 4, false, null);
        HistoryPage p2 = history.list(LOBBY, 4, false, p1.nextCursor());
        assertEquals(newestFirst.subList(4, 8), p2.messages());
        HistoryPage back = history.list(LOBBY, 4, false, p2.prevCursor());
        assertEquals(newestFirst.subList(0, 4), back.messages(), "newest first, as the listing asked");
        assertNull(back.prevCursor());
        assertEquals(newestFirst.subList(4, 8), history.list(LOBBY, 4, false, back.nextCursor()).messages());
    }

    @Test
    void prevPageShorterThanTheLimitStopsAtTheBeginning() throws Exception {
        List<StoredChannelMessage> all = appendMany(writer, LOBBY, 7);
        HistoryPage p1 = history.list(LOBBY, 3, true, null);
        HistoryPage p2 = history.list(LOBBY, 2, true, p1.nextCursor()); // items 3, 4
        HistoryPage back = history.list(LOBBY, 5, true, p2.prevCursor());
        assertEquals(all.subList(0, 3), back.messages());
        assertNull(back.prevCursor());
        assertNotNull(back.nextCursor());
    }

    @Test
    void cacheableCursorFetchesOnlyNewerMessages() throws Exception {
        List<StoredChannelMessage> all = appendMany(writer, LOBBY, 6);
        // A client shows the newest messages first and keeps the cacheable cursor.
        HistoryPage newest = history.list(LOBBY, 3, false, null);
        assertEquals(all.get(5), newest.messages().get(0));
        String cacheable = newest.cacheableCursor();
        assertNotNull(cacheable);

        HistoryPage nothingNew = history.list(LOBBY, 10, true, cacheable);
        assertTrue(nothingNew.messages().isEmpty());
        assertNull(nothingNew.nextCursor());
        assertNotNull(nothingNew.cacheableCursor(), "the client keeps its place");

        List<StoredChannelMessage> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            StoredChannelMessage m = message(LOBBY, T0 + 100 + i, BOB, "later" + i);
            append(writer, m);
            later.add(m);
        }
        HistoryPage fresh = history.list(LOBBY, 10, true, nothingNew.cacheableCursor());
        assertEquals(later, fresh.messages());
        assertEquals(later, history.list(LOBBY, 10, true, cacheable).messages());
        assertTrue(history.list(LOBBY, 10, true, fresh.cacheableCursor()).messages().isEmpty());

        HistoryPage forwardPage = history.list(LOBBY, 2, true, null);
        assertEquals(all.subList(2, 4),
                history.list(LOBBY, 2, true, forwardPage.cacheableCursor()).messages(),
                "a forward page's cacheable cursor follows its last message");
    }

    @Test
    void messagesAppendedBetweenPageReadsAreNeitherDuplicatedNorSkipped() throws Exception {
        List<StoredChannelMessage> expected = new ArrayList<>(appendMany(writer, LOBBY, 4));
        List<StoredChannelMessage> seen = new ArrayList<>();
        String cursor = null;
        long time = T0 + 1_000;
        for (int round = 0; round < 20; round++) {
            HistoryPage page = history.list(LOBBY, 3, true, cursor);
            seen.addAll(page.messages());
            if (round < 10) {
                for (int i = 0; i < 2; i++) {
                    StoredChannelMessage m = message(LOBBY, time++, BOB, "r" + round + "." + i);
                    append(writer, m);
                    expected.add(m);
                }
            }
            if (page.nextCursor() == null && round >= 10) {
                break;
            }
            if (page.nextCursor() != null) {
                cursor = page.nextCursor();
            } else if (page.cacheableCursor() != null) {
                cursor = page.cacheableCursor(); // at the end: wait for more from the newest seen
            }
        }
        assertEquals(expected, seen);
    }

    @Test
    void messagesWithTheSameCreateTimeAreOrderedByIdAndPagedOneByOne() throws Exception {
        List<StoredChannelMessage> same = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            StoredChannelMessage m = message(LOBBY, T0, ALICE, "same" + i);
            append(writer, m);
            same.add(m);
        }
        same.sort((a, b) -> compareUuidBytes(a.getMessageId(), b.getMessageId()));
        assertEquals(same, listAll(history, LOBBY, 1, true));
        List<StoredChannelMessage> reversed = new ArrayList<>(same);
        Collections.reverse(reversed);
        assertEquals(reversed, listAll(history, LOBBY, 1, false));
    }

    @Test
    void channelsNeverMixEvenWhenOneIdIsAPrefixOfAnother() throws Exception {
        String[] channels = {"2...lobby", "2...lobby2", "2...lobb", "2...lobby\u0000", "3.00000000-0000-4000-8000-000000000001..",
                "4.00000000-0000-4000-8000-00000000a11c.00000000-0000-4000-8000-000000000b0b."};
        List<List<StoredChannelMessage>> perChannel = new ArrayList<>();
        for (String ignored : channels) {
            perChannel.add(new ArrayList<>());
        }
        for (int i = 0; i < 30; i++) {
            int c = i % channels.length;
            StoredChannelMessage m = message(channels[c], T0 + i, ALICE, "c" + c + "." + i);
            append(writer, m);
            perChannel.get(c).add(m);
        }
        for (int c = 0; c < channels.length; c++) {
            assertEquals(perChannel.get(c), listAll(history, channels[c], 2, true), channels[c]);
            List<StoredChannelMessage> reversed = new ArrayList<>(perChannel.get(c));
            Collections.reverse(reversed);
            assertEquals(reversed, listAll(history, channels[c], 2, false), channels[c]);
        }
        assertTrue(history.list("2...lob", 100, true, null).messages().isEmpty());
        assertTrue(history.list("2...lobby3", 100, false, null).messages().isEmpty());
    }

    @Test
    void getFindsAMessageByIdInAnyChannel() {
        StoredChannelMessage m = message("2...other", T0, ALICE, "hello");
        append(writer, m);
        assertEquals(m, history.get(m.getMessageId()).orElseThrow());
        assertEquals(m, history.get(m.getMessageId().toUpperCase()).orElseThrow());
        assertTrue(history.get("00000000-0000-4000-8000-000000000000").isEmpty());
        for (String bad : new String[] {"", "nope", "1-2-3-4-5", m.getMessageId() + "0", "\u0000"}) {
            assertTrue(history.get(bad).isEmpty(), bad);
        }
        assertTrue(history.get(null).isEmpty());
    }

    @Test
    void limitOutsideOneToHundredIsRefused() throws Exception {
        appendMany(writer, LOBBY, 3);
        for (int limit : new int[] {0, -1, 101, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> history.list(LOBBY, limit, true, null));
        }
        assertEquals(3, history.list(LOBBY, 100, true, null).messages().size());
        assertEquals(1, history.list(LOBBY, 1, true, null).messages().size());
        assertThrows(IllegalArgumentException.class, () -> history.list("", 10, true, null));
        assertThrows(IllegalArgumentException.class, () -> history.list(null, 10, true, null));
    }

    @Test
    void emptyCursorStringMeansNoCursor() throws Exception {
        List<StoredChannelMessage> all = appendMany(writer, LOBBY, 3);
        assertEquals(all, history.list(LOBBY, 10, true, "").messages());
    }

    private static int compareUuidBytes(String a, String b) {
        return Arrays.compareUnsigned(
                HistoryKeys.uuidBytes(UUID.fromString(a)), HistoryKeys.uuidBytes(UUID.fromString(b)));
    }
}
