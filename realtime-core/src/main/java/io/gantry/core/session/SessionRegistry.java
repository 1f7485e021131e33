package io.gantry.core.session;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every connected session, by id, and how many sockets each user has open. Thread-safe: the
 * transport adds and removes sessions, anyone may look them up. This is not router state; the
 * router keeps its own view through the presence tracker.
 */
public final class SessionRegistry {

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> socketsPerUser = new ConcurrentHashMap<>();
    /** Sockets per user opened with {@code status=true}: who {@code GET /v2/user} shows online. */
    private final ConcurrentHashMap<String, AtomicInteger> appearingPerUser = new ConcurrentHashMap<>();

    public void add(Session session) {
        sessions.put(session.id(), session);
        socketsPerUser.computeIfAbsent(session.userId(), k -> new AtomicInteger()).incrementAndGet();
        if (session.appearOnline()) {
            appearingPerUser.computeIfAbsent(session.userId(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    public void remove(Session session) {
        if (sessions.remove(session.id(), session)) {
            socketsPerUser.computeIfPresent(session.userId(), (k, count) -> count.decrementAndGet() == 0 ? null : count);
            if (session.appearOnline()) {
                appearingPerUser.computeIfPresent(session.userId(), (k, count) -> count.decrementAndGet() == 0 ? null : count);
            }
        }
    }

    /** Whether the user has a socket open that asked to appear online ({@code status=true}). */
    public boolean appearsOnline(String userId) {
        return appearingPerUser.containsKey(userId);
    }

    /**
     * Closes every socket of the user (an account deletion). Any thread: a close is an offer to the
     * socket's event loop; the disconnects then reach the router as any other. Walks every session:
     * deletions are rare.
     */
    public int closeAllOf(String userId, int closeCode, String reason) {
        int closed = 0;
        for (Session session : sessions.values()) {
            if (session.userId().equals(userId)) {
                session.close(closeCode, reason);
                closed++;
            }
        }
        return closed;
    }

    public Optional<Session> get(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    /** Whether the user has at least one socket open. */
    public boolean isOnline(String userId) {
        return socketsPerUser.containsKey(userId);
    }

    public int size() {
        return sessions.size();
    }

    public Collection<Session> all() {
        return sessions.values();
    }
}
