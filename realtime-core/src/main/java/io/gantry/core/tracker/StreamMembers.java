package io.gantry.core.tracker;

import io.gantry.core.session.Session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The members of one stream, in join order. Router thread only.
 *
 * <p>Fan-out iterates a plain array of sessions that is rebuilt only after membership changes,
 * so a broadcast to N members is N array reads and N queue offers.
 */
public final class StreamMembers {

    private final Stream stream;
    private final LinkedHashMap<String, Presence> bySession = new LinkedHashMap<>();
    private Session[] recipients = new Session[0];
    private boolean recipientsStale;
    private int visibleCount;

    StreamMembers(Stream stream) {
        this.stream = stream;
    }

    public Stream stream() {
        return stream;
    }

    public int size() {
        return bySession.size();
    }

    /** Members that are not hidden. */
    public int visibleSize() {
        return visibleCount;
    }

    public boolean isEmpty() {
        return bySession.isEmpty();
    }

    public Presence get(String sessionId) {
        return bySession.get(sessionId);
    }

    /** All members, hidden ones included, oldest first. */
    public Collection<Presence> presences() {
        return Collections.unmodifiableCollection(bySession.values());
    }

    /** Members that appear in listings and events, oldest first. */
    public List<Presence> visiblePresences() {
        List<Presence> visible = new ArrayList<>(visibleCount);
        for (Presence presence : bySession.values()) {
            if (!presence.hidden()) {
                visible.add(presence);
            }
        }
        return visible;
    }

    /** Every member's session, for fan-out. The array must not be modified. */
    public Session[] recipients() {
        if (recipientsStale) {
            Session[] sessions = new Session[bySession.size()];
            int i = 0;
            for (Presence presence : bySession.values()) {
                sessions[i++] = presence.session();
            }
            recipients = sessions;
            recipientsStale = false;
        }
        return recipients;
    }

    /** Sends one message to every member (hidden ones included), encoded once for all of them. */
    public void broadcast(com.heroiclabs.nakama.rtapi.Envelope envelope) {
        io.gantry.core.session.Outbound outbound = io.gantry.core.session.Outbound.of(envelope);
        for (Session recipient : recipients()) {
            recipient.send(outbound);
        }
    }

    void put(Presence presence) {
        Presence previous = bySession.put(presence.sessionId(), presence);
        if (previous != null && !previous.hidden()) {
            visibleCount--;
        }
        if (!presence.hidden()) {
            visibleCount++;
        }
        recipientsStale = true;
    }

    Presence remove(String sessionId) {
        Presence removed = bySession.remove(sessionId);
        if (removed != null) {
            if (!removed.hidden()) {
                visibleCount--;
            }
            recipientsStale = true;
        }
        return removed;
    }
}
