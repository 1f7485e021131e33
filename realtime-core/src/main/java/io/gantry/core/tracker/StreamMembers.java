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

    private static final String[] NO_NODES = new String[0];

    private final Stream stream;
    private final PresenceTracker tracker;
    private final LinkedHashMap<String, Presence> bySession = new LinkedHashMap<>();
    private Session[] recipients = new Session[0];
    /** The other nodes that hold members of this stream (a cluster), each once. */
    private String[] remoteNodes = NO_NODES;
    private boolean recipientsStale;
    private int visibleCount;
    private int remoteCount;

    StreamMembers(Stream stream, PresenceTracker tracker) {
        this.stream = stream;
        this.tracker = tracker;
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

    /**
     * The sessions of this node's members, for fan-out (in a cluster, members on other nodes are
     * reached through {@link #send} or {@link #remoteNodes}). The array must not be modified.
     */
    public Session[] recipients() {
        if (recipientsStale) {
            rebuild();
        }
        return recipients;
    }

    /** The other nodes holding members of this stream, each once; empty on a single node. Must not be modified. */
    public String[] remoteNodes() {
        if (recipientsStale) {
            rebuild();
        }
        return remoteNodes;
    }

    /** Whether some members are on other nodes of the cluster. */
    public boolean hasRemoteMembers() {
        return remoteCount > 0;
    }

    private void rebuild() {
        Session[] sessions = new Session[bySession.size() - remoteCount];
        String[] nodes = NO_NODES;
        int i = 0;
        for (Presence presence : bySession.values()) {
            Session session = presence.session();
            if (!session.isRemote()) {
                sessions[i++] = session;
            } else if (!contains(nodes, session.node())) {
                nodes = java.util.Arrays.copyOf(nodes, nodes.length + 1);
                nodes[nodes.length - 1] = session.node();
            }
        }
        recipients = sessions;
        remoteNodes = nodes;
        recipientsStale = false;
    }

    private static boolean contains(String[] nodes, String node) {
        for (String each : nodes) {
            if (each.equals(node)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends one message to every member (hidden ones included), encoded once for all of them; in a
     * cluster it crosses once to each other node that holds members.
     */
    public void broadcast(com.heroiclabs.nakama.rtapi.Envelope envelope) {
        send(io.gantry.core.session.Outbound.of(envelope), null);
    }

    /**
     * Sends one message to every member but one session (null for none): this node's members
     * directly, the others' through one crossing per node.
     */
    public void send(io.gantry.core.session.Outbound outbound, String exceptSessionId) {
        for (Session recipient : recipients()) {
            if (exceptSessionId == null || !exceptSessionId.equals(recipient.id())) {
                recipient.send(outbound);
            }
        }
        if (remoteCount > 0) {
            ClusterLink link = tracker.clusterLink();
            for (String node : remoteNodes()) {
                link.toStream(node, stream, outbound, exceptSessionId);
            }
        }
    }

    /**
     * Sends a presence event (a join or a leave) to the members who should hear it from this node.
     * In a stream every node's directory holds (chat, relayed matches, custom streams) that is this
     * node's own members: each node tells its own members of every change it applies, so a member
     * hears of each change once, whichever node it is on and whenever the change reached it. In a
     * party or authoritative match (its owner node alone holds the members) it is everyone.
     */
    public void announce(com.heroiclabs.nakama.rtapi.Envelope event) {
        io.gantry.core.session.Outbound outbound = io.gantry.core.session.Outbound.of(event);
        if (PresenceTracker.replicated(stream)) {
            sendLocal(outbound, null);
        } else {
            send(outbound, null);
        }
    }

    /**
     * Sends one message to this node's members only: what every node tells its own members itself
     * (the leaves of a node that died), and what arrived from another node for them.
     */
    public void sendLocal(io.gantry.core.session.Outbound outbound, String exceptSessionId) {
        for (Session recipient : recipients()) {
            if (exceptSessionId == null || !exceptSessionId.equals(recipient.id())) {
                recipient.send(outbound);
            }
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
        if (previous != null && previous.session().isRemote()) {
            remoteCount--;
        }
        if (presence.session().isRemote()) {
            remoteCount++;
        }
        recipientsStale = true;
    }

    Presence remove(String sessionId) {
        Presence removed = bySession.remove(sessionId);
        if (removed != null) {
            if (!removed.hidden()) {
                visibleCount--;
            }
            if (removed.session().isRemote()) {
                remoteCount--;
            }
            recipientsStale = true;
        }
        return removed;
    }
}
