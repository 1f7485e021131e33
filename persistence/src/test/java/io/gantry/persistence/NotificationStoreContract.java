package io.gantry.persistence;

import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What every {@link NotificationStore} must do: one subclass per implementation
 * ({@link RocksNotificationStoreContractTest}) opens a fresh, empty store.
 */
abstract class NotificationStoreContract {

    static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    static final long T0 = 1_767_323_045_000_000L;

    private NotificationStore notifications;

    /** A fresh, empty store. */
    protected abstract NotificationStore open();

    protected abstract void close();

    @BeforeEach
    void openStore() {
        notifications = open();
    }

    @AfterEach
    void closeStore() {
        close();
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
    void aUserSeesOnlyTheirOwnOldestFirstPagedByTheCacheableCursor() throws InvalidCursorException {
        List<StoredNotification> alices = saveMany(ALICE, 3);
        saveMany(BOB, 2);
        NotificationPage first = notifications.list(ALICE, 2, null);
        assertEquals(alices.subList(0, 2), first.notifications());
        NotificationPage rest = notifications.list(ALICE, 2, first.cacheableCursor());
        assertEquals(alices.subList(2, 3), rest.notifications());
        NotificationPage empty = notifications.list(ALICE, 2, rest.cacheableCursor());
        assertEquals(List.of(), empty.notifications());
        assertEquals(rest.cacheableCursor(), empty.cacheableCursor(), "an empty page keeps the cursor");

        StoredNotification later = notification(ALICE, T0 + 100, "later");
        notifications.save(List.of(later));
        assertEquals(List.of(later), notifications.list(ALICE, 100, empty.cacheableCursor()).notifications());
    }

    @Test
    void anEmptyListingStillGivesACursor() throws InvalidCursorException {
        NotificationPage empty = notifications.list(ALICE, 10, null);
        assertNotNull(empty.cacheableCursor());
        List<StoredNotification> saved = saveMany(ALICE, 2);
        assertEquals(saved, notifications.list(ALICE, 10, empty.cacheableCursor()).notifications());
    }

    @Test
    void aCursorOfAnotherUserOrNotMadeHereIsInvalid() throws InvalidCursorException {
        saveMany(BOB, 2);
        String bobs = notifications.list(BOB, 1, null).cacheableCursor();
        assertThrows(InvalidCursorException.class, () -> notifications.list(ALICE, 1, bobs));
        assertThrows(InvalidCursorException.class, () -> notifications.list(ALICE, 1, "not-a-cursor"));
    }

    @Test
    void badArgumentsAreRefusedAndNothingIsWritten() throws InvalidCursorException {
        assertThrows(IllegalArgumentException.class, () -> notifications.list(ALICE, 0, null));
        assertThrows(IllegalArgumentException.class, () -> notifications.list(ALICE, NotificationStore.MAX_LIMIT + 1, null));
        assertThrows(IllegalArgumentException.class, () -> notifications.list("not-a-uuid", 1, null));
        StoredNotification good = notification(ALICE, T0, "good");
        StoredNotification bad = notification(ALICE, T0, "bad").toBuilder().setUserId("not-a-uuid").build();
        assertThrows(IllegalArgumentException.class, () -> notifications.save(List.of(good, bad)));
        assertEquals(List.of(), notifications.list(ALICE, 10, null).notifications(), "all or nothing");
    }

    @Test
    void deleteRemovesOnlyTheOwnersAndIgnoresTheRest() throws InvalidCursorException {
        List<StoredNotification> alices = saveMany(ALICE, 3);
        List<StoredNotification> bobs = saveMany(BOB, 1);
        int deleted = notifications.delete(ALICE, List.of(alices.get(0).getId(), alices.get(0).getId(),
                bobs.get(0).getId(), UUID.randomUUID().toString(), "not-a-uuid"));
        assertEquals(1, deleted);
        assertEquals(alices.subList(1, 3), notifications.list(ALICE, 10, null).notifications());
        assertEquals(bobs, notifications.list(BOB, 10, null).notifications());
        assertEquals(0, notifications.delete(ALICE, List.of()));
    }
}
