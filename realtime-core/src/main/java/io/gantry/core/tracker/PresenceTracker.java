package io.gantry.core.tracker;

import io.gantry.core.session.Session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in which stream: the one registry of membership that channels, matches, parties,
 * status and notifications share.
 *
 * <p>Router thread only: the tracker has a single writer and so needs no locks. Other threads
 * reach it by publishing a task to the router.
 */
public final class PresenceTracker {

    private final Map<Stream, StreamMembers> streams = new HashMap<>();
    private final Map<String, List<Stream>> streamsBySession = new HashMap<>();
    private final StreamListener[] listeners = new StreamListener[Stream.MODE_CUSTOM_MIN];
    private final MembershipObserver[] observers = new MembershipObserver[Stream.MODE_CUSTOM_MIN];
    private final RemoteListener[] remoteListeners = new RemoteListener[Stream.MODE_CUSTOM_MIN];
    /** Told about leaves from custom streams (modes from 20 up). */
    private StreamListener customListener;
    private RemoteListener customRemoteListener;
    /** The other nodes of the cluster; {@link ClusterLink#NONE} on a single node. */
    private ClusterLink clusterLink = ClusterLink.NONE;
    private long joinSequence;
    /** Whether the latest {@link #track} call added a presence (rather than finding one). */
    private boolean lastTrackAdded;
    /** The router thread once it started; until then (tests driving the tracker) any thread. */
    private volatile Thread owner;

    /** Binds the tracker to its single writer: from now on only that thread may use it (checked with {@code -ea}). */
    public void bindOwner(Thread thread) {
        owner = thread;
    }

    /** For {@code assert}: whether the calling thread may use the tracker. */
    public boolean onOwnerThread() {
        Thread bound = owner;
        return bound == null || bound == Thread.currentThread();
    }

    /** Registers who is told about disconnect leaves for one of Gantry's own modes (below 20). */
    public void listen(int mode, StreamListener listener) {
        listeners[mode] = listener;
    }

    /**
     * Registers who is told of every membership change of one of Gantry's own modes (below 20):
     * joins, updates, leaves and disconnects, after the change.
     */
    public void observe(int mode, MembershipObserver observer) {
        observers[mode] = observer;
    }

    /** Registers who is told of other nodes' presences joining and leaving streams of a mode (below 20). */
    public void listenRemote(int mode, RemoteListener listener) {
        remoteListeners[mode] = listener;
    }

    /** Registers who is told of other nodes' presences in custom streams (modes from 20 up). */
    public void listenRemoteCustom(RemoteListener listener) {
        customRemoteListener = listener;
    }

    /** Connects the tracker to the other nodes of a cluster. Before the router starts. */
    public void clusterLink(ClusterLink link) {
        clusterLink = java.util.Objects.requireNonNull(link, "link");
    }

    /** The other nodes of the cluster; {@link ClusterLink#NONE} on a single node. */
    public ClusterLink clusterLink() {
        return clusterLink;
    }

    /** Registers who is told about disconnect leaves from custom streams (modes from 20 up). */
    public void listenCustom(StreamListener listener) {
        customListener = listener;
    }

    /**
     * Adds or replaces a session's presence in a stream. Returns the presence now tracked;
     * {@link #isNew} tells whether it joined just now.
     */
    public Presence track(Session session, Stream stream, com.heroiclabs.nakama.rtapi.UserPresence userPresence, boolean hidden) {
        assert onOwnerThread() : "presence tracker used off the router thread: " + Thread.currentThread().getName();
        StreamMembers members = streams.computeIfAbsent(stream, key -> new StreamMembers(key, this));
        Presence existing = members.get(session.id());
        if (existing != null) {
            lastTrackAdded = false;
            return existing;
        }
        lastTrackAdded = true;
        Presence presence = new Presence(session, userPresence, hidden, ++joinSequence);
        members.put(presence);
        streamsBySession.computeIfAbsent(session.id(), k -> new ArrayList<>(4)).add(stream);
        changed(stream, members, false);
        if (replicated(stream)) {
            if (session.isRemote()) {
                remoteListener(stream).remoteJoined(members, presence, null);
            } else {
                clusterLink.tracked(stream, presence);
            }
        } else if (session.isRemote()) {
            clusterLink.ownedMembership(stream, presence, true);
        }
        return presence;
    }

    /** Whether the presence was created by the latest {@link #track} call (not found already there). */
    public boolean isNew(Presence presence) {
        return lastTrackAdded && presence.joinSequence() == joinSequence;
    }

    /** Replaces the presence data of a member (a status change, say); null when not a member. */
    public Presence update(Session session, Stream stream, com.heroiclabs.nakama.rtapi.UserPresence userPresence, boolean hidden) {
        assert onOwnerThread() : "presence tracker used off the router thread: " + Thread.currentThread().getName();
        StreamMembers members = streams.get(stream);
        if (members == null) {
            return null;
        }
        Presence existing = members.get(session.id());
        if (existing == null) {
            return null;
        }
        Presence updated = new Presence(session, userPresence, hidden, existing.joinSequence());
        members.put(updated);
        changed(stream, members, false);
        if (replicated(stream)) {
            if (session.isRemote()) {
                remoteListener(stream).remoteJoined(members, updated, existing);
            } else {
                clusterLink.tracked(stream, updated);
            }
        }
        return updated;
    }

    /** Removes a session from a stream. Returns its presence, or null when it was not a member. */
    public Presence untrack(Session session, Stream stream) {
        assert onOwnerThread() : "presence tracker used off the router thread: " + Thread.currentThread().getName();
        StreamMembers members = streams.get(stream);
        if (members == null) {
            return null;
        }
        Presence removed = members.remove(session.id());
        if (removed == null) {
            return null;
        }
        if (members.isEmpty()) {
            streams.remove(stream);
        }
        List<Stream> joined = streamsBySession.get(session.id());
        if (joined != null) {
            joined.remove(stream);
            if (joined.isEmpty()) {
                streamsBySession.remove(session.id());
            }
        }
        changed(stream, members, true);
        if (replicated(stream)) {
            if (session.isRemote()) {
                remoteListener(stream).remoteLeft(members, removed, false);
            } else {
                clusterLink.untracked(stream, removed);
            }
        } else if (session.isRemote()) {
            clusterLink.ownedMembership(stream, removed, false);
        }
        return removed;
    }

    /**
     * Removes a session from a stream and tells the stream's mode listener as for a disconnect
     * (the leave event): another node of the cluster asked (a user kicked from a group channel).
     */
    public Presence leave(Session session, Stream stream) {
        Presence removed = untrack(session, stream);
        if (removed != null) {
            StreamListener listener = streamListener(stream);
            StreamMembers remaining = streams.get(stream);
            if (listener != null) {
                listener.onDisconnectLeave(remaining == null ? new StreamMembers(stream, this) : remaining, removed);
            }
        }
        return removed;
    }

    /**
     * Removes a session from every stream it is in, telling each mode's listener, after the
     * session's socket closed.
     */
    public void untrackAll(Session session) {
        assert onOwnerThread() : "presence tracker used off the router thread: " + Thread.currentThread().getName();
        List<Stream> joined = streamsBySession.remove(session.id());
        if (joined == null) {
            return;
        }
        for (Stream stream : joined) {
            StreamMembers members = streams.get(stream);
            if (members == null) {
                continue;
            }
            Presence removed = members.remove(session.id());
            if (members.isEmpty()) {
                streams.remove(stream);
            }
            if (removed != null) {
                changed(stream, members, true);
                if (replicated(stream)) {
                    if (session.isRemote()) {
                        // its node died (a clean disconnect untracks stream by stream)
                        remoteListener(stream).remoteLeft(members, removed, true);
                        continue;
                    }
                    clusterLink.untracked(stream, removed);
                }
                StreamListener listener = streamListener(stream);
                if (listener != null) {
                    listener.onDisconnectLeave(members, removed);
                }
            }
        }
    }

    /**
     * Whether a stream's presences are in every node's directory (published on the bus). Parties
     * and authoritative matches live on their owner node, whose tracker alone holds their members,
     * remote ones included, as it holds its own.
     */
    public static boolean replicated(Stream stream) {
        return stream.mode() != Stream.MODE_PARTY && stream.mode() != Stream.MODE_MATCH_AUTHORITATIVE;
    }

    /** Whether a session is in any stream of every node's directory. Router thread. */
    public boolean inReplicatedStream(Session session) {
        List<Stream> joined = streamsBySession.get(session.id());
        if (joined != null) {
            for (Stream stream : joined) {
                if (replicated(stream)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Who is told of a disconnect leave from a stream of this mode, or null. */
    private StreamListener streamListener(Stream stream) {
        return stream.mode() >= 0 && stream.mode() < listeners.length ? listeners[stream.mode()] : customListener;
    }

    private static final RemoteListener NO_REMOTE_LISTENER = new RemoteListener() {
    };

    private RemoteListener remoteListener(Stream stream) {
        RemoteListener listener = stream.mode() >= 0 && stream.mode() < remoteListeners.length
                ? remoteListeners[stream.mode()] : customRemoteListener;
        return listener == null ? NO_REMOTE_LISTENER : listener;
    }

    /**
     * Every presence of this node's own sessions, stream by stream, for a cluster's snapshot:
     * {@code visitor} gets each (stream, presence). Router thread.
     */
    public void forEachLocalPresence(java.util.function.BiConsumer<Stream, Presence> visitor) {
        assert onOwnerThread() : "presence tracker used off the router thread: " + Thread.currentThread().getName();
        for (Map.Entry<String, List<Stream>> entry : streamsBySession.entrySet()) {
            for (Stream stream : entry.getValue()) {
                StreamMembers members = streams.get(stream);
                Presence presence = members == null ? null : members.get(entry.getKey());
                if (presence != null && !presence.session().isRemote() && replicated(stream)) {
                    visitor.accept(stream, presence);
                }
            }
        }
    }

    private void changed(Stream stream, StreamMembers members, boolean removal) {
        int mode = stream.mode();
        if (mode >= 0 && mode < observers.length) {
            MembershipObserver observer = observers[mode];
            if (observer != null) {
                observer.membershipChanged(stream, members, removal);
            }
        }
    }

    /** The members of a stream, or null when nobody is in it. */
    public StreamMembers members(Stream stream) {
        assert onOwnerThread() : "presence tracker used off the router thread: " + Thread.currentThread().getName();
        return streams.get(stream);
    }

    public int count(Stream stream) {
        StreamMembers members = streams.get(stream);
        return members == null ? 0 : members.size();
    }

    public boolean isMember(Session session, Stream stream) {
        StreamMembers members = streams.get(stream);
        return members != null && members.get(session.id()) != null;
    }

    /** The streams a session is in (a copy). */
    public List<Stream> streamsOf(Session session) {
        List<Stream> joined = streamsBySession.get(session.id());
        return joined == null ? List.of() : List.copyOf(joined);
    }

    /** Number of streams with at least one member. */
    public int streamCount() {
        return streams.size();
    }
}
