package io.gantry.persistence;

import io.gantry.proto.storage.StoredNotification;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Notifications to store, offered to the {@link GroupCommitWriter}: written in one round with
 * whatever else is queued (all of them or, on failure, none), and {@code done} is told once the
 * round is durable.
 *
 * <pre>{@code
 * boolean queued = store.writer().offer(new NotificationWrite(List.of(stored), failure -> {
 *     if (failure == null) deliver(stored); else LOG.error("not stored", failure);
 * }));
 * if (!queued) refuse("busy");   // nothing will be written, done will not run
 * }</pre>
 *
 * @param notifications each with {@code id} and {@code user_id} UUIDs and {@code create_time_us}
 *                      &ge; 0 (checked here, so a bad one is refused before it is queued)
 * @param done          runs on the writer thread exactly once for an accepted write: with
 *                      {@code null} once the notifications are durable and listable, or with
 *                      the failure that kept the whole round from being written
 */
public record NotificationWrite(List<StoredNotification> notifications, Consumer<StoreException> done) {

    public NotificationWrite {
        Objects.requireNonNull(done, "done");
        notifications = List.copyOf(notifications);
        for (StoredNotification n : notifications) {
            RocksNotificationStore.validate(n);
        }
    }
}
