package io.gantry.persistence;

import io.gantry.proto.storage.StoredNotification;

import java.util.Collection;
import java.util.List;

/**
 * Persistent notifications, per user, in the order they were created.
 *
 * <pre>{@code
 * NotificationStore notifications = store.notifications();
 * notifications.save(List.of(notification));                       // durable on return
 * NotificationPage page = notifications.list(userId, 10, null);    // oldest first
 * // later: only what arrived since
 * NotificationPage newer = notifications.list(userId, 100, page.cacheableCursor());
 * notifications.delete(userId, List.of(page.notifications().get(0).getId()));
 * }</pre>
 *
 * <p>Threads: every method is thread-safe and may block on disk I/O (a save waits for the WAL
 * fsync when {@link StoreOptions#syncWrites()}): call it from a blocking executor or a runtime
 * thread, never from a Netty event loop or the router thread.
 */
public interface NotificationStore {

    /** Largest page {@link #list} returns (Nakama's limit for notification listings). */
    int MAX_LIMIT = 100;

    /**
     * Stores notifications in one RocksDB write batch: all of them or, on failure, none.
     *
     * @param notifications each with {@code id} and {@code user_id} UUIDs in canonical form and
     *                      {@code create_time_us} &ge; 0; ids are expected to be fresh (random
     *                      UUIDs): saving an id twice for one user keeps both copies
     * @throws IllegalArgumentException if one is malformed; nothing is written
     * @throws StoreException           if RocksDB fails; nothing is written
     */
    void save(List<StoredNotification> notifications);

    /**
     * One page of a user's notifications, oldest first, as Nakama lists them. A cursor continues
     * strictly after the notification it was made at, so a client that keeps the cacheable
     * cursor of its last page later fetches only newer notifications.
     *
     * @param userId       the owner, a UUID
     * @param limit        1..{@value #MAX_LIMIT}
     * @param cursorOrNull a {@link NotificationPage#cacheableCursor()} made for this user; null or
     *                     empty starts at the oldest
     * @throws InvalidCursorException   for any cursor this store did not make for this user
     * @throws IllegalArgumentException if the limit is out of range or the user id is not a UUID
     */
    NotificationPage list(String userId, int limit, String cursorOrNull) throws InvalidCursorException;

    /**
     * Deletes those of the given notifications that belong to {@code userId}; ids of other
     * users' notifications, unknown ids and malformed ids are ignored, as in Nakama. One write
     * batch. Returns how many were deleted.
     */
    int delete(String userId, Collection<String> notificationIds);
}
