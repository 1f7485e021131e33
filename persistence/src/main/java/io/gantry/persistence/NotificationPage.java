package io.gantry.persistence;

import io.gantry.proto.storage.StoredNotification;

import java.util.List;

/**
 * One page of a user's notifications, oldest first: what Nakama's {@code NotificationList} carries.
 *
 * @param notifications   at most the limit asked for; unmodifiable
 * @param cacheableCursor lists from after the newest notification of this page; after an empty
 *                        page it is the cursor that was given (or, without one, a cursor at the
 *                        very beginning), so a client always has a cursor to keep, as in Nakama
 */
public record NotificationPage(List<StoredNotification> notifications, String cacheableCursor) {

    public NotificationPage {
        notifications = List.copyOf(notifications);
    }
}
