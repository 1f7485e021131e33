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
 * <p>The router publishes a leave at once (before the leaver's answer is queued, so nothing
 * relayed after that answer reaches it) and a join before the joiner's answer is queued
 * ({@link #publishPending}, called by the join's handler, and at the end of every router batch for
 * joins made elsewhere): data sent once the joiner holds its answer reaches it. (Publishing after
 * the answer lost every message a player sent as soon as the joiner had its answer, when the
 * router thread was slow to run again: seen as 0 of 1,000 in the interop suite on a busy machine.)
 * Data an event loop relays while the router changes the members goes to the previous members;
 * that is the same race as two clients' messages crossing on the wire, and Nakama has it too.
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

    /** Router thread: publishes the joins not published yet. */
    void publishPending() {
        if (pendingJoins.isEmpty()) {
            return;
        }
        pendingJoins.forEach(this::publish);
        pendingJoins.clear();
    }

    private void publish(String uuid, StreamMembers members) {
        // a match with members on other nodes of a cluster is relayed by the router, which
        // crosses once per node
        if (members == null || members.isEmpty() || members.hasRemoteMembers()) {
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
