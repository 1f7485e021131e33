package io.gantry.core.status;

import io.gantry.core.session.Session;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who follows whom: for every followed user the sessions that receive its status events, and
 * for every session the users it follows (so a disconnect drops them all). Nakama's
 * {@code StatusRegistry}, minus its lock.
 *
 * <p>Router thread only: the single writer owns it, so it needs no locks. Fan-out reads
 * {@link #followers}, a plain array rebuilt only after the followers of that user changed: one
 * status change to F followers is F array reads and F queue offers.
 */
public final class StatusRegistry {

    private static final Session[] NONE = new Session[0];

    /** The followers of one user, in follow order. */
    private static final class Followers {
        final LinkedHashMap<String, Session> bySession = new LinkedHashMap<>();
        Session[] recipients = NONE;
        boolean stale;

        Session[] recipients() {
            if (stale) {
                recipients = bySession.values().toArray(NONE);
                stale = false;
            }
            return recipients;
        }
    }

    private final Map<String, Followers> followersByUser = new HashMap<>();
    private final Map<String, Set<String>> followedBySession = new HashMap<>();

    /** Adds follows; following someone already followed changes nothing. */
    public void follow(Session session, Collection<String> userIds) {
        Set<String> followed = followedBySession.computeIfAbsent(session.id(), k -> new HashSet<>(4));
        for (String userId : userIds) {
            if (!followed.add(userId)) {
                continue;
            }
            Followers followers = followersByUser.computeIfAbsent(userId, k -> new Followers());
            followers.bySession.put(session.id(), session);
            followers.stale = true;
        }
    }

    public void follow(Session session, String userId) {
        follow(session, java.util.List.of(userId));
    }

    /** Removes follows; unfollowing someone not followed changes nothing. */
    public void unfollow(Session session, Collection<String> userIds) {
        Set<String> followed = followedBySession.get(session.id());
        if (followed == null) {
            return;
        }
        for (String userId : userIds) {
            if (followed.remove(userId)) {
                dropFollower(userId, session.id());
            }
        }
        if (followed.isEmpty()) {
            followedBySession.remove(session.id());
        }
    }

    /** Removes every follow of a session: it disconnected. */
    public void unfollowAll(Session session) {
        Set<String> followed = followedBySession.remove(session.id());
        if (followed == null) {
            return;
        }
        for (String userId : followed) {
            dropFollower(userId, session.id());
        }
    }

    /** The sessions following a user, for fan-out. Never null; the array must not be modified. */
    public Session[] followers(String userId) {
        Followers followers = followersByUser.get(userId);
        return followers == null ? NONE : followers.recipients();
    }

    /** Whether the session follows the user. */
    public boolean follows(Session session, String userId) {
        Set<String> followed = followedBySession.get(session.id());
        return followed != null && followed.contains(userId);
    }

    /** How many users the session follows (itself included). */
    public int followCount(Session session) {
        Set<String> followed = followedBySession.get(session.id());
        return followed == null ? 0 : followed.size();
    }

    /** Users with at least one follower. */
    public int followedUserCount() {
        return followersByUser.size();
    }

    private void dropFollower(String userId, String sessionId) {
        Followers followers = followersByUser.get(userId);
        if (followers != null && followers.bySession.remove(sessionId) != null) {
            if (followers.bySession.isEmpty()) {
                followersByUser.remove(userId);
            } else {
                followers.stale = true;
            }
        }
    }
}
