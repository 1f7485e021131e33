package io.gantry.core.notification;

import com.heroiclabs.nakama.api.Notification;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Notifications;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.router.Router;
import io.gantry.core.router.SessionListener;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;

import java.util.List;
import java.util.Map;

/**
 * Realtime delivery of notifications: every session joins its user's notification stream
 * (mode 0, subject = user id) when it connects, and a notification reaches every socket of the
 * user at once. Router thread. {@link NotificationService} is the way in from other threads: it
 * stores persistent notifications first and then hands them here.
 */
public final class NotificationDelivery implements SessionListener {

    private final PresenceTracker tracker;

    public NotificationDelivery(Router router) {
        this.tracker = router.tracker();
        router.addSessionListener(this);
    }

    @Override
    public void onConnect(Session session) {
        UserPresence presence = UserPresence.newBuilder()
                .setUserId(session.userId())
                .setSessionId(session.id())
                .setUsername(session.username())
                .build();
        tracker.track(session, Stream.of(Stream.MODE_NOTIFICATIONS, session.userId()), presence, true);
    }

    /**
     * Sends notifications to every connected socket of a user, as one {@code notifications}
     * envelope shared by all of them; returns how many sockets got them. Router thread.
     */
    public int deliver(String userId, List<Notification> notifications) {
        assert tracker.onOwnerThread() : "notification delivery" + " off the router thread: " + Thread.currentThread().getName();
        StreamMembers members = tracker.members(Stream.of(Stream.MODE_NOTIFICATIONS, userId));
        if (members == null || notifications.isEmpty()) {
            return 0;
        }
        Outbound outbound = Outbound.of(Envelope.newBuilder()
                .setNotifications(Notifications.newBuilder().addAllNotifications(notifications))
                .build());
        int delivered = 0;
        for (Session session : members.recipients()) {
            if (session.send(outbound)) {
                delivered++;
            }
        }
        // the user's sockets on other nodes of a cluster: one crossing per node
        for (String node : members.remoteNodes()) {
            tracker.clusterLink().toStream(node, members.stream(), outbound, null);
        }
        return delivered;
    }

    /** {@link #deliver} for several users: one envelope per user. Router thread. */
    public int deliverAll(Map<String, List<Notification>> byUser) {
        assert tracker.onOwnerThread() : "notification delivery" + " off the router thread: " + Thread.currentThread().getName();
        int delivered = 0;
        for (Map.Entry<String, List<Notification>> entry : byUser.entrySet()) {
            delivered += deliver(entry.getKey(), entry.getValue());
        }
        return delivered;
    }

    /** How many sockets the user has connected right now. Router thread. */
    public int socketCount(String userId) {
        return tracker.count(Stream.of(Stream.MODE_NOTIFICATIONS, userId));
    }
}
