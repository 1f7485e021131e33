package io.gantry.core.match;

import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.StreamMembers;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The members of every relayed match as the router last published them: an immutable array per
 * match, read by the event loops that relay match data without the router.
 *
 * <p>The router publishes a leave at once (before the leaver's reply is queued, so nothing
 * relayed after that reply reaches it) and a join at the end of its batch (after the joiner's
 * reply is queued, so no data reaches a joiner before its reply). Between the two, an event
 * loop may read the previous view; that is the same race as two clients' messages crossing on
 * the wire, and Nakama has it too.
 */
final class RelayedMatches {

    private static final Presence[] NONE = new Presence[0];

    private final ConcurrentHashMap<String, Presence[]> byUuid = new ConcurrentHashMap<>();
    /** Router thread: matches whose joins are not published yet, and their members. */
    private final Map<String, StreamMembers> pendingJoins = new HashMap<>();

    /** Router thread: a relayed match's membership changed. */
    void changed(String uuid, StreamMembers members, boolean removal) {
        if (removal) {
            pendingJoins.remove(uuid);
            publish(uuid, members);
        } else {
            pendingJoins.put(uuid, members);
        }
    }

    /** Router thread, at the end of a batch: publishes the joins of the batch. */
    void publishPending() {
        if (pendingJoins.isEmpty()) {
            return;
        }
        pendingJoins.forEach(this::publish);
        pendingJoins.clear();
    }

    private void publish(String uuid, StreamMembers members) {
        if (members == null || members.isEmpty()) {
            byUuid.remove(uuid);
            return;
        }
        byUuid.put(uuid, members.presences().toArray(NONE));
    }

    /** The members of a relayed match in join order, or null when it has none. Any thread. */
    Presence[] members(String uuid) {
        return byUuid.get(uuid);
    }
}
