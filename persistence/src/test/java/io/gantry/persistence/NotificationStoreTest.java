package io.gantry.persistence;

import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The notification store on its own: order, paging, ownership, cursors, restarts. */
class NotificationStoreTest {

    private static final byte[] KEY = "a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8);
    private static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    private static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    private static final long T0 = 1_767_323_045_000_000L;

    @TempDir
    Path dataDir;

    private RocksStore store;
    private NotificationStore notifications;

    @BeforeEach
    void open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4).withCursorKey(KEY));
        notifications = store.notifications();
    }

    @AfterEach
    void close() {
        store.close();
    }

    static StoredNotification notification(String userId, long createTimeUs, String subject) {
        return StoredNotification.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setUserId(userId)
                .setSubject(subject)
                .setContent("{}")
                .setCode(1)
                .setCreateTimeUs(createTimeUs)
                .build();
    }

    private List<StoredNotification> saveMany(String userId, int n) {
        List<StoredNotification> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(notification(userId, T0 + i, "n" + i));
        }
        notifications.save(all);
        return all;
    }

    @Test
    void listsOldestFirstAndPagesWithTheCacheableCursor() throws InvalidCursorException {
        List<StoredNotification> saved = saveMany(ALICE, 5);
        saveMany(BOB, 3);

        NotificationPage first = notifications.list(ALICE, 2, null);
        assertEquals(saved.subList(0, 2), first.notifications());
        NotificationPage second = notifications.list(ALICE, 2, first.cacheableCursor());
        assertEquals(saved.subList(2, 4), second.notifications());
        NotificationPage third = notifications.list(ALICE, 2, second.cacheableCursor());
        assertEquals(saved.subList(4, 5), third.notifications());
        NotificationPage empty = notifications.list(ALICE, 2, third.cacheableCursor());
        assertEquals(List.of(), empty.notifications());
        assertEquals(third.cacheableCursor(), empty.cacheableCursor());

        StoredNotification later = notification(ALICE, T0 + 100, "later");
        notifications.save(List.of(later));
        assertEquals(List.of(later), notifications.list(ALICE, 100, empty.cacheableCursor()).notifications());
    }

    @Test
    void sameMicrosecondIsOrderedById() throws InvalidCursorException {
        List<StoredNotification> same = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            same.add(notification(ALICE, T0, "same" + i));
        }
        notifications.save(same);
        List<StoredNotification> listed = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 4; i++) {
            NotificationPage page = notifications.list(ALICE, 1, cursor);
            listed.addAll(page.notifications());
            cursor = page.cacheableCursor();
        }
        assertEquals(4, listed.stream().map(StoredNotification::getId).distinct().count());
        List<String> sorted = listed.stream().map(n -> UUID.fromString(n.getId()))
                .sorted(NotificationStoreTest::unsignedOrder).map(UUID::toString).toList();
        assertEquals(sorted, listed.stream().map(StoredNotification::getId).toList());
    }

    private static int unsignedOrder(UUID a, UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    @Test
    void anEmptyListingHasACursorFromTheBeginning() throws InvalidCursorException {
        NotificationPage empty = notifications.list(ALICE, 10, null);
        assertNotNull(empty.cacheableCursor());
        List<StoredNotification> saved = saveMany(ALICE, 2);
        assertEquals(saved, notifications.list(ALICE, 10, empty.cacheableCursor()).notifications());
    }

    @Test
    void deleteRemovesOnlyTheOwnersNotifications() throws InvalidCursorException {
        List<StoredNotification> alices = saveMany(ALICE, 3);
        List<StoredNotification> bobs = saveMany(BOB, 1);
        int deleted = notifications.delete(BOB, List.of(alices.get(0).getId(), bobs.get(0).getId(),
                UUID.randomUUID().toString(), "garbage"));
        assertEquals(1, deleted);
        assertEquals(alices, notifications.list(ALICE, 100, null).notifications());
        assertEquals(List.of(), notifications.list(BOB, 100, null).notifications());
        assertEquals(1, notifications.delete(ALICE, List.of(alices.get(1).getId(), alices.get(1).getId())));
        assertEquals(List.of(alices.get(0), alices.get(2)), notifications.list(ALICE, 100, null).notifications());
    }

    @Test
    void cursorsAreBoundToTheirUserAndToNotifications() throws InvalidCursorException {
        saveMany(ALICE, 3);
        saveMany(BOB, 3);
        String alices = notifications.list(ALICE, 1, null).cacheableCursor();
        assertThrows(InvalidCursorException.class, () -> notifications.list(BOB, 1, alices));
        assertThrows(InvalidCursorException.class, () -> notifications.list(ALICE, 1, "garbage"));
        assertThrows(InvalidCursorException.class, () -> notifications.list(ALICE, 1, alices + "x"));
        // A channel history cursor made with the same configured key is not a notification cursor.
        HistoryFixtures.appendMany(store.writer(), HistoryFixtures.LOBBY, 3);
        String history = store.history().list(HistoryFixtures.LOBBY, 1, true, null).cacheableCursor();
        assertThrows(InvalidCursorException.class, () -> notifications.list(ALICE, 1, history));
    }

    @Test
    void badArgumentsAreRefusedAndNothingIsWritten() throws InvalidCursorException {
        assertThrows(IllegalArgumentException.class, () -> notifications.list(ALICE, 0, null));
        assertThrows(IllegalArgumentException.class, () -> notifications.list(ALICE, 101, null));
        assertThrows(IllegalArgumentException.class, () -> notifications.list("not-a-user", 1, null));
        StoredNotification good = notification(ALICE, T0, "good");
        StoredNotification bad = notification("not-a-user", T0, "bad");
        assertThrows(IllegalArgumentException.class, () -> notifications.save(List.of(good, bad)));
        assertEquals(List.of(), notifications.list(ALICE, 100, null).notifications());
    }

    @Test
    void notificationsAndCursorsSurviveAReopen() throws InvalidCursorException {
        List<StoredNotification> saved = saveMany(ALICE, 3);
        String cursor = notifications.list(ALICE, 1, null).cacheableCursor();
        store.close();
        store = RocksStore.open(dataDir, new StoreOptions(false, 4).withCursorKey(KEY));
        notifications = store.notifications();
        assertEquals(saved.subList(1, 3), notifications.list(ALICE, 100, cursor).notifications());
    }
}
