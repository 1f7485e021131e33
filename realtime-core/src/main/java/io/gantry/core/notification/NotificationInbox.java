package io.gantry.core.notification;

import com.heroiclabs.nakama.api.NotificationList;
import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.persistence.NotificationPage;
import io.gantry.persistence.NotificationStore;
import io.gantry.proto.storage.StoredNotification;

import java.util.Collection;
import java.util.Objects;

/**
 * A user's stored notifications, as the user sees them: list them (oldest first, with a cursor to
 * keep for "only what is new") and delete some. {@link NotificationService} sends them; this
 * class reads and removes them, with Nakama's rules and messages.
 *
 * <pre>{@code
 * NotificationInbox inbox = new NotificationInbox(store.notifications());
 * NotificationList page = inbox.list(userId, 10, null);
 * NotificationList newer = inbox.list(userId, 100, page.getCacheableCursor());
 * inbox.delete(userId, List.of(page.getNotifications(0).getId()));
 * }</pre>
 *
 * <p>Threads: reads and writes the store, so a blocking executor (the REST threads), never an
 * event loop or the router thread. Stateless: any number of threads at once.
 */
public final class NotificationInbox {

    /** More ids than this in one delete is refused: a page is at most 100, so it is generous. */
    public static final int MAX_DELETE_IDS = 1000;
    /** Nakama's words for a cursor this server did not make for this user. */
    public static final String INVALID_CURSOR = "Malformed cursor was used.";

    private final NotificationStore notifications;

    public NotificationInbox(NotificationStore notifications) {
        this.notifications = Objects.requireNonNull(notifications, "notifications");
    }

    /**
     * One page of the user's notifications, oldest first.
     *
     * @param limit        1..100
     * @param cursorOrNull a cacheable cursor from an earlier page of this user; null or empty
     *                     starts at the oldest
     */
    public NotificationList list(String userId, int limit, String cursorOrNull) throws ServiceException {
        ListLimit.check(limit);
        NotificationPage page;
        try {
            page = notifications.list(userId, limit, cursorOrNull == null || cursorOrNull.isEmpty() ? null : cursorOrNull);
        } catch (InvalidCursorException e) {
            throw ServiceException.invalidArgument(INVALID_CURSOR);
        }
        NotificationList.Builder list = NotificationList.newBuilder();
        for (StoredNotification stored : page.notifications()) {
            list.addNotifications(NotificationService.toApi(stored));
        }
        if (page.cacheableCursor() != null) {
            list.setCacheableCursor(page.cacheableCursor());
        }
        return list.build();
    }

    /**
     * Deletes those of the given notifications that are the user's own; other users' ids,
     * unknown ids and malformed ids are ignored, as in Nakama. One write.
     *
     * @return how many were deleted
     */
    public int delete(String userId, Collection<String> notificationIds) throws ServiceException {
        if (notificationIds.size() > MAX_DELETE_IDS) {
            throw ServiceException.invalidArgument(
                    "Too many notification ids: at most " + MAX_DELETE_IDS + " per request.");
        }
        return notifications.delete(userId, notificationIds);
    }
}
