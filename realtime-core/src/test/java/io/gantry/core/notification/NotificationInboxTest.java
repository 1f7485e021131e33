package io.gantry.core.notification;

import com.heroiclabs.nakama.api.Notification;
import com.heroiclabs.nakama.api.NotificationList;
import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Listing and deleting one's notifications, on the test thread against a real store. */
class NotificationInboxTest {

    static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    static final long T0 = 1_767_323_045_000_000L;

    @TempDir
    Path dataDir;
    private RocksStore store;
    private NotificationInbox inbox;

    @BeforeEach
    void open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        inbox = new NotificationInbox(store.notifications());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private long nextTimeUs = T0;

    /** Saves {@code n} notifications, each created after every one saved before. */
    private List<String> save(String userId, int n) {
        List<StoredNotification> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(StoredNotification.newBuilder().setId(UUID.randomUUID().toString()).setUserId(userId)
                    .setSubject("s" + i).setContent("{}").setCode(1).setCreateTimeUs(nextTimeUs++).build());
        }
        store.notifications().save(all);
        return all.stream().map(StoredNotification::getId).toList();
    }

    private static List<String> ids(NotificationList list) {
        return list.getNotificationsList().stream().map(Notification::getId).toList();
    }

    @Test
    void listsTheUsersOwnOldestFirstAndTheCacheableCursorGivesOnlyNewer() throws Exception {
        List<String> alices = save(ALICE, 3);
        save(BOB, 2);
        NotificationList first = inbox.list(ALICE, 2, null);
        assertEquals(alices.subList(0, 2), ids(first));
        assertEquals(true, first.getNotifications(0).getPersistent());
        NotificationList rest = inbox.list(ALICE, 100, first.getCacheableCursor());
        assertEquals(alices.subList(2, 3), ids(rest));
        List<String> later = save(ALICE, 1);
        assertEquals(later, ids(inbox.list(ALICE, 100, rest.getCacheableCursor())));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101})
    void aLimitOutOfRangeIsRefused(int limit) {
        ServiceException e = assertThrows(ServiceException.class, () -> inbox.list(ALICE, limit, null));
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals(ListLimit.MESSAGE, e.getMessage());
    }

    @Test
    void anotherUsersCursorIsMalformed() throws Exception {
        save(BOB, 2);
        String bobs = inbox.list(BOB, 1, null).getCacheableCursor();
        for (String cursor : List.of(bobs, "garbage")) {
            ServiceException e = assertThrows(ServiceException.class, () -> inbox.list(ALICE, 1, cursor));
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
            assertEquals("Malformed cursor was used.", e.getMessage());
        }
    }

    @Test
    void deleteRemovesOnlyTheUsersOwn() throws Exception {
        List<String> alices = save(ALICE, 2);
        List<String> bobs = save(BOB, 1);
        assertEquals(1, inbox.delete(ALICE, List.of(alices.get(0), bobs.get(0), "not-an-id")));
        assertEquals(alices.subList(1, 2), ids(inbox.list(ALICE, 10, null)));
        assertEquals(bobs, ids(inbox.list(BOB, 10, null)));
    }

    @Test
    void tooManyIdsAreRefusedAndNothingIsDeleted() throws Exception {
        List<String> alices = save(ALICE, 1);
        List<String> many = new ArrayList<>(Collections.nCopies(NotificationInbox.MAX_DELETE_IDS, alices.get(0)));
        many.add(alices.get(0));
        ServiceException e = assertThrows(ServiceException.class, () -> inbox.delete(ALICE, many));
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals("Too many notification ids: at most 1000 per request.", e.getMessage());
        assertEquals(alices, ids(inbox.list(ALICE, 10, null)));
    }
}
