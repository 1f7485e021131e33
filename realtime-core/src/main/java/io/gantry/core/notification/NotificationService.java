package io.gantry.core.notification;

import io.gantry.core.Uuids;

import com.google.gson.JsonParser;
import com.heroiclabs.nakama.api.Notification;
import io.gantry.core.router.Router;
import io.gantry.persistence.NotificationWriter;
import io.gantry.persistence.NotificationWrite;
import io.gantry.persistence.StoreException;
import io.gantry.proto.storage.StoredNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends notifications to users: the way in for server code (RPC functions, match handlers,
 * hooks) and for the server itself (a direct message request).
 *
 * <pre>{@code
 * Notification sent = notifications.send(userId, "Reward", "{\"coins\":100}", 1, null, true);
 * // stored (durable) when send returns; every socket of the user gets it right after
 * }</pre>
 *
 * <p>A persistent notification is stored first and delivered once it is durable, so a client that
 * receives one can already list it; a non-persistent one is only delivered. Delivery is through
 * the router ({@link NotificationDelivery}): every connected socket of the user receives a
 * {@code notifications} envelope. A user who is offline gets nothing live: persistent
 * notifications wait in the store.
 *
 * <p>Threads: any. Stores are offered to the store's {@link NotificationWriter} (bounded; a full
 * queue refuses the send), never written on the caller's thread: they share the writer's round
 * (one RocksDB write batch, one WAL sync) with channel history and everything else queued
 * meanwhile, and are delivered from its callback. Called on the router thread, {@link #send} does
 * not wait for the store; called elsewhere, it returns once the notification is durable.
 */
public final class NotificationService {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);

    /** Nakama's code for "a user wants to chat" (a direct message was opened). */
    public static final int CODE_DM_REQUEST = -1;

    private final Router router;
    private final NotificationDelivery delivery;
    private final NotificationWriter writer;
    private final Clock clock;
    private final AtomicLong lastMicros = new AtomicLong();

    /** A notification and its recipient, which the API shape does not carry. */
    private record Addressed(String userId, Notification notification) {
    }

    /** What a submission became: the notifications (ids and create times set) and its completion. */
    private record Submission(List<Notification> notifications, CompletableFuture<List<Notification>> done) {
    }

    /**
     * @param writer the store's commit loop, which stores persistent notifications (its
     *               notification queue bounds how many may wait)
     */
    public NotificationService(Router router, NotificationDelivery delivery, NotificationWriter writer, Clock clock) {
        this.router = Objects.requireNonNull(router, "router");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sends one notification. Any thread.
     *
     * @param userId     the recipient (a UUID)
     * @param subject    non-empty
     * @param content    a JSON object
     * @param code       for the client; below 1 is reserved for the server by Nakama's convention
     * @param senderId   the user who caused it; null or empty for the system
     * @param persistent stored and listed over REST, or realtime only
     * @return the notification as sent, with its id and create time
     * @throws IllegalArgumentException  if an argument is invalid; nothing is sent
     * @throws RejectedExecutionException if too many stores are pending; nothing is sent
     * @throws StoreException            if the store failed (off the router thread
     *                                   only; on it, the failure is logged); nothing is sent
     */
    public Notification send(String userId, String subject, String content, int code, String senderId,
                             boolean persistent) {
        return sendAll(List.of(new NotificationRequest(userId, subject, content, code, senderId, persistent))).get(0);
    }

    /**
     * Sends several notifications, to one user or many, stored in one write batch. All are
     * checked before any is sent. Any thread; waits for the store as {@link #send} does.
     */
    public List<Notification> sendAll(List<NotificationRequest> requests) {
        Submission submission = submit(requests);
        if (router.isRouterThread()) {
            // Never block the single writer: the store runs elsewhere and delivers when done.
            submission.done().whenComplete((sent, failure) -> {
                if (failure != null) {
                    LOG.error("{} notifications were not sent", requests.size(), failure);
                }
            });
            return submission.notifications();
        }
        try {
            return submission.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * As {@link #sendAll}, without waiting: the future completes once the notifications are
     * durable (persistent ones) and handed to the router for delivery. Any thread.
     *
     * @throws IllegalArgumentException if a request is invalid; nothing is sent
     */
    public CompletableFuture<List<Notification>> sendAllAsync(List<NotificationRequest> requests) {
        return submit(requests).done();
    }

    /** The API shape of a stored notification, as listings return it. */
    public static Notification toApi(StoredNotification stored) {
        return Notification.newBuilder()
                .setId(stored.getId())
                .setSubject(stored.getSubject())
                .setContent(stored.getContent())
                .setCode(stored.getCode())
                .setSenderId(stored.getSenderId())
                .setCreateTime(io.gantry.core.ApiTimes.ofMicros(stored.getCreateTimeUs()))
                .setPersistent(true)
                .build();
    }

    /** Store writes waiting for a batch right now (notifications of the whole server). */
    public int pendingWrites() {
        return writer.notificationsQueued();
    }

    // ---- internals -----------------------------------------------------------------------

    private Submission submit(List<NotificationRequest> requests) {
        if (requests.isEmpty()) {
            return new Submission(List.of(), CompletableFuture.completedFuture(List.of()));
        }
        for (NotificationRequest request : requests) {
            validate(request);
        }
        List<Notification> notifications = new ArrayList<>(requests.size());
        List<Addressed> addressed = new ArrayList<>(requests.size());
        List<StoredNotification> stored = new ArrayList<>(requests.size());
        for (NotificationRequest request : requests) {
            long micros = nowMicros();
            String id = UUID.randomUUID().toString();
            String userId = UUID.fromString(request.userId()).toString();
            String senderId = request.senderId() == null || request.senderId().isEmpty()
                    ? "" : UUID.fromString(request.senderId()).toString();
            Notification notification = Notification.newBuilder()
                    .setId(id)
                    .setSubject(request.subject())
                    .setContent(request.content())
                    .setCode(request.code())
                    .setSenderId(senderId)
                    .setCreateTime(io.gantry.core.ApiTimes.ofMicros(micros))
                    .setPersistent(request.persistent())
                    .build();
            notifications.add(notification);
            addressed.add(new Addressed(userId, notification));
            if (request.persistent()) {
                stored.add(StoredNotification.newBuilder()
                        .setId(id)
                        .setUserId(userId)
                        .setSubject(request.subject())
                        .setContent(request.content())
                        .setCode(request.code())
                        .setSenderId(senderId)
                        .setCreateTimeUs(micros)
                        .build());
            }
        }
        List<Notification> sent = List.copyOf(notifications);
        CompletableFuture<List<Notification>> done = new CompletableFuture<>();
        if (stored.isEmpty()) {
            deliver(addressed);
            done.complete(sent);
        } else {
            enqueue(stored, addressed, sent, done);
        }
        return new Submission(sent, done);
    }

    private static void validate(NotificationRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.userId() == null || Uuids.canonical(request.userId()) == null) {
            throw new IllegalArgumentException("Invalid user id '" + request.userId() + "': expected a UUID.");
        }
        if (request.subject() == null || request.subject().isBlank()) {
            throw new IllegalArgumentException("Notification subject is required.");
        }
        if (request.senderId() != null && !request.senderId().isEmpty() && Uuids.canonical(request.senderId()) == null) {
            throw new IllegalArgumentException("Invalid sender id '" + request.senderId() + "': expected a UUID or nothing.");
        }
        String content = request.content();
        boolean object;
        try {
            object = content != null && JsonParser.parseString(content).isJsonObject();
        } catch (RuntimeException e) {
            object = false;
        }
        if (!object) {
            throw new IllegalArgumentException("Notification content must be a JSON object.");
        }
    }

    /** Strictly increasing across threads, so a user's notifications keep the order they were sent in. */
    private long nowMicros() {
        long now = clock.millis() * 1000L;
        return lastMicros.updateAndGet(last -> Math.max(now, last + 1));
    }

    /** Offers the store write; its callback (the writer thread, once durable) delivers and completes. */
    private void enqueue(List<StoredNotification> stored, List<Addressed> addressed, List<Notification> sent,
                         CompletableFuture<List<Notification>> done) {
        boolean queued = writer.offer(new NotificationWrite(stored, failure -> {
            if (failure == null) {
                deliver(addressed);
                done.complete(sent);
            } else {
                LOG.error("Storing {} notifications failed; none was sent", stored.size(), failure);
                done.completeExceptionally(failure);
            }
        }));
        if (!queued) {
            throw new RejectedExecutionException("Too many notifications waiting to be stored ("
                    + writer.notificationCapacity() + "), or the store is closing; retry later.");
        }
    }

    /** Hands notifications to the router, grouped by user: one envelope per user. */
    private void deliver(List<Addressed> notifications) {
        Map<String, List<Notification>> byUser = new LinkedHashMap<>();
        for (Addressed a : notifications) {
            byUser.computeIfAbsent(a.userId(), k -> new ArrayList<>(1)).add(a.notification());
        }
        if (router.isRouterThread()) {
            delivery.deliverAll(byUser);
        } else {
            router.execute(() -> delivery.deliverAll(byUser));
        }
    }
}
