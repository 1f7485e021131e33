package io.gantry.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.router.Router;
import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.core.tracker.ClusterLink;
import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;
import io.gantry.proto.cluster.BusBatch;
import io.gantry.proto.cluster.BusMessage;
import io.gantry.proto.cluster.PresenceChange;
import io.gantry.proto.cluster.Snapshot;
import io.gantry.proto.cluster.StreamKey;
import io.gantry.proto.cluster.SyncRequest;
import io.gantry.proto.cluster.UntrackRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The presence directory's router side: this node's half of the {@link ClusterLink} (its
 * presences' changes and its broadcasts go out on the bus) and the application of what other
 * nodes publish (their presences tracked in this node's tracker with remote sessions, their
 * messages delivered to this node's members). Router thread, but for {@link RemoteConnection},
 * which any thread may use.
 */
final class RemotePresences implements ClusterLink {

    private static final Logger LOG = LoggerFactory.getLogger(RemotePresences.class);

    private final Router router;
    private final PresenceTracker tracker;
    private final SessionRegistry sessions;
    private final BusPublisher publisher;
    private final int remoteQueueSize;
    /** The other live nodes, as the membership last saw them. */
    private final java.util.function.Supplier<Set<String>> liveNodes;
    /** Whether the bus reaches Redis both ways now. */
    private volatile java.util.function.BooleanSupplier busUp = () -> true;
    /**
     * Router thread: the parties and authoritative matches other nodes own that this node's
     * sessions are in, by owner node, then session id: what to tell them if the owner dies.
     */
    private final Map<String, Map<String, Set<Stream>>> ownedElsewhere = new HashMap<>();
    /** The matchmaker this node's pool commands and answers go to; null until wired. */
    private io.gantry.core.matchmaker.MatchmakerService matchmaker;
    /** Router thread: the remote sessions of each other node, by session id. */
    private final Map<String, Map<String, Session>> byNode = new HashMap<>();

    RemotePresences(Router router, SessionRegistry sessions, BusPublisher publisher, int remoteQueueSize,
                    java.util.function.Supplier<Set<String>> liveNodes) {
        this.liveNodes = liveNodes;
        this.router = router;
        this.tracker = router.tracker();
        this.sessions = sessions;
        this.publisher = publisher;
        this.remoteQueueSize = remoteQueueSize;
    }

    private static boolean replicated(Stream stream) {
        return PresenceTracker.replicated(stream);
    }

    // ---- this node's side: ClusterLink ------------------------------------------------------

    @Override
    public void tracked(Stream stream, Presence presence) {
        if (replicated(stream)) {
            publisher.offer(null, BusMessage.newBuilder().setTracked(change(stream, presence)).build());
        }
    }

    @Override
    public void untracked(Stream stream, Presence presence) {
        if (stream.mode() == Stream.MODE_NOTIFICATIONS) {
            // this node's socket closed: nothing to tell it any more
            for (Map<String, Set<Stream>> bySession : ownedElsewhere.values()) {
                bySession.remove(presence.sessionId());
            }
        }
        if (replicated(stream)) {
            publisher.offer(null, BusMessage.newBuilder().setUntracked(change(stream, presence)).build());
        }
    }

    @Override
    public void toStream(String node, Stream stream, Outbound message, String exceptSessionId) {
        if (replicated(stream)) {
            publisher.offerToStream(node, stream, exceptSessionId, message);
            return;
        }
        // a party or match of this node's: the other node has no such stream, so name its members
        StreamMembers members = tracker.members(stream);
        if (members == null) {
            return;
        }
        List<String> ids = new ArrayList<>();
        for (Presence presence : members.presences()) {
            Session session = presence.session();
            if (node.equals(session.node()) && !session.id().equals(exceptSessionId)) {
                ids.add(session.id());
            }
        }
        if (!ids.isEmpty()) {
            publisher.offerToSessions(node, ids, message);
        }
    }

    @Override
    public void ownedMembership(Stream stream, Presence presence, boolean joined) {
        publisher.offer(presence.session().node(), BusMessage.newBuilder().setOwnedMembership(
                io.gantry.proto.cluster.OwnedMembership.newBuilder().setStream(BusPublisher.key(stream))
                        .setPresence(presence.userPresence()).setJoined(joined)).build());
    }

    /** A wait for other nodes' acknowledgements ({@link #catchUp}). */
    private static final class Barrier {
        final Set<String> waitingFor;
        final Runnable then;
        final long deadlineNanos;

        Barrier(Set<String> waitingFor, Runnable then, long deadlineNanos) {
            this.waitingFor = waitingFor;
            this.then = then;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** Router thread: barriers waiting for acknowledgements, by id. */
    private final Map<Long, Barrier> barriers = new java.util.LinkedHashMap<>();
    private long nextBarrier;
    /** How long a barrier waits for a node that does not answer (its subscription was lost). */
    private long barrierTimeoutNanos = 3_000_000_000L;

    void barrierTimeout(long millis) {
        this.barrierTimeoutNanos = millis * 1_000_000L;
    }

    @Override
    public boolean catchUp(Runnable then) {
        Set<String> nodes = new HashSet<>(liveNodes.get());
        if (nodes.isEmpty() || !busUp.getAsBoolean()) {
            return false;
        }
        long id = ++nextBarrier;
        barriers.put(id, new Barrier(nodes, then, System.nanoTime() + barrierTimeoutNanos));
        publisher.offer(null, BusMessage.newBuilder().setBarrier(io.gantry.proto.cluster.Barrier.newBuilder().setId(id)).build());
        return true;
    }

    private void acknowledged(String node, long id) {
        Barrier barrier = barriers.get(id);
        if (barrier != null && barrier.waitingFor.remove(node) && barrier.waitingFor.isEmpty()) {
            barriers.remove(id);
            barrier.then.run();
        }
    }

    /** Router thread, every heartbeat: barriers a dead or deaf node would hold forever go on. */
    void expireBarriers() {
        long now = System.nanoTime();
        Set<String> live = liveNodes.get();
        for (var it = barriers.entrySet().iterator(); it.hasNext(); ) {
            Barrier barrier = it.next().getValue();
            barrier.waitingFor.retainAll(live);
            if (barrier.waitingFor.isEmpty() || now - barrier.deadlineNanos > 0) {
                it.remove();
                barrier.then.run();
            }
        }
    }

    /** What a request that needs another node is told while Redis is away. */
    static final String UNAVAILABLE = "Cluster unavailable; retry later.";

    void busUp(java.util.function.BooleanSupplier up) {
        this.busUp = up;
    }

    @Override
    public boolean forward(String node, Session session, Envelope request) {
        if (!liveNodes.get().contains(node)) {
            return false;
        }
        if (!busUp.getAsBoolean()) {
            // the node is there but cannot be reached: the client may retry, unlike "not found"
            session.send(Envelope.newBuilder().setCid(request.getCid()).setError(com.heroiclabs.nakama.rtapi.Error.newBuilder()
                    .setCode(com.heroiclabs.nakama.rtapi.Error.Code.RUNTIME_EXCEPTION_VALUE).setMessage(UNAVAILABLE)).build());
            return true;
        }
        publisher.offer(node, BusMessage.newBuilder().setRequest(io.gantry.proto.cluster.ForwardedRequest.newBuilder()
                .setSession(session.presence())
                .setEnvelope(request.toByteString())).build());
        return true;
    }

    @Override
    public void untrackOn(Session remote, Stream stream) {
        publisher.offer(remote.node(), BusMessage.newBuilder().setUntrackRequest(UntrackRequest.newBuilder()
                .setStream(BusPublisher.key(stream)).setSessionId(remote.id())).build());
    }

    private static PresenceChange change(Stream stream, Presence presence) {
        return PresenceChange.newBuilder()
                .setStream(BusPublisher.key(stream))
                .setPresence(presence.userPresence())
                .setHidden(presence.hidden())
                .build();
    }

    /** Publishes every presence of this node's to every node (after a reconnect or an overflow). */
    void publishSnapshot(String toNode) {
        Snapshot.Builder snapshot = Snapshot.newBuilder();
        tracker.forEachLocalPresence((stream, presence) -> {
            if (replicated(stream)) {
                snapshot.addPresences(change(stream, presence));
            }
        });
        publisher.offer(toNode, BusMessage.newBuilder().setSnapshot(snapshot).build());
    }

    /** Asks one node (null: every node) for its presences. */
    void requestSync(String node) {
        if (node == null) {
            awaitingSnapshot.addAll(liveNodes.get());
        } else {
            awaitingSnapshot.add(node);
        }
        publisher.offer(node, BusMessage.newBuilder().setSyncRequest(SyncRequest.getDefaultInstance()).build());
    }

    /**
     * Router thread: the nodes asked for their presences that have not answered. Pub/sub keeps
     * nothing for a subscriber that is away, so a request (or its answer) sent while the other
     * node was still resubscribing after Redis returned is lost: it is asked again every heartbeat
     * until its snapshot arrives.
     */
    private final Set<String> awaitingSnapshot = new HashSet<>();

    /** Router thread, every heartbeat: asks again the live nodes that have not answered. */
    void askAgain() {
        awaitingSnapshot.retainAll(liveNodes.get());
        for (String node : awaitingSnapshot) {
            publisher.offer(node, BusMessage.newBuilder().setSyncRequest(SyncRequest.getDefaultInstance()).build());
        }
    }

    // ---- the other nodes' side --------------------------------------------------------------

    /** Applies one batch from another node, in order. Router thread. */
    void apply(BusBatch batch) {
        String from = batch.getFrom();
        for (BusMessage message : batch.getMessagesList()) {
            try {
                switch (message.getKindCase()) {
                    case TRACKED -> track(from, message.getTracked());
                    case UNTRACKED -> untrack(from, message.getUntracked());
                    case STREAM -> deliverToStream(message);
                    case SESSION -> deliverToSession(message);
                    case SYNC_REQUEST -> publishSnapshot(from);
                    case SNAPSHOT -> replace(from, message.getSnapshot());
                    case UNTRACK_REQUEST -> leave(message.getUntrackRequest());
                    case REQUEST -> handleForwarded(from, message.getRequest());
                    case OWNED_MEMBERSHIP -> noteOwned(from, message.getOwnedMembership());
                    case BARRIER -> publisher.offer(from, BusMessage.newBuilder()
                            .setBarrierAck(message.getBarrier()).build());
                    case BARRIER_ACK -> acknowledged(from, message.getBarrierAck().getId());
                    case LEADERBOARD -> {
                        java.util.function.Consumer<io.gantry.proto.cluster.LeaderboardEvent> listener = leaderboardEvents;
                        if (listener != null) {
                            listener.accept(message.getLeaderboard());
                        }
                    }
                    case ACCOUNT -> {
                        java.util.function.Consumer<io.gantry.proto.cluster.AccountEvent> listener = accountEvents;
                        if (listener != null) {
                            listener.accept(message.getAccount());
                        }
                    }
                    case POOL_COMMAND -> {
                        if (matchmaker != null) {
                            matchmaker.onPoolCommand(from, message.getPoolCommand());
                        }
                    }
                    case POOL_ANSWER -> {
                        if (matchmaker != null) {
                            matchmaker.onPoolAnswer(message.getPoolAnswer());
                        }
                    }
                    case KIND_NOT_SET -> { }
                }
            } catch (InvalidProtocolBufferException e) {
                LOG.warn("cluster bus: an unreadable envelope from {} was ignored", from);
            }
        }
    }

    private void noteOwned(String owner, io.gantry.proto.cluster.OwnedMembership membership) {
        String sessionId = membership.getPresence().getSessionId();
        Stream stream = stream(membership.getStream());
        if (membership.getJoined()) {
            if (sessions.get(sessionId).isPresent()) {
                ownedElsewhere.computeIfAbsent(owner, k -> new HashMap<>())
                        .computeIfAbsent(sessionId, k -> new HashSet<>()).add(stream);
            }
            return;
        }
        Map<String, Set<Stream>> bySession = ownedElsewhere.get(owner);
        Set<Stream> streams = bySession == null ? null : bySession.get(sessionId);
        if (streams != null) {
            streams.remove(stream);
            if (streams.isEmpty()) {
                bySession.remove(sessionId);
            }
        }
    }

    /**
     * The owner of parties and matches some of this node's sessions are in died: each is told its
     * party closed ({@code party_close}), or its match ended (its own leave and an error).
     */
    private void endOwnedBy(String owner) {
        Map<String, Set<Stream>> bySession = ownedElsewhere.remove(owner);
        if (bySession == null) {
            return;
        }
        for (Map.Entry<String, Set<Stream>> entry : bySession.entrySet()) {
            Session session = sessions.get(entry.getKey()).orElse(null);
            if (session == null) {
                continue;
            }
            for (Stream stream : entry.getValue()) {
                String id = stream.subject() + "." + stream.label();
                if (stream.mode() == Stream.MODE_PARTY) {
                    session.send(Envelope.newBuilder().setPartyClose(
                            com.heroiclabs.nakama.rtapi.PartyClose.newBuilder().setPartyId(id)).build());
                } else {
                    session.send(Envelope.newBuilder().setMatchPresenceEvent(
                            com.heroiclabs.nakama.rtapi.MatchPresenceEvent.newBuilder().setMatchId(id)
                                    .addLeaves(session.presence())).build());
                    session.send(Envelope.newBuilder().setError(com.heroiclabs.nakama.rtapi.Error.newBuilder()
                            .setCode(com.heroiclabs.nakama.rtapi.Error.Code.RUNTIME_EXCEPTION_VALUE)
                            .setMessage("Match " + id + " ended: its node " + owner + " is gone.")).build());
                }
            }
        }
    }

    private void handleForwarded(String node, io.gantry.proto.cluster.ForwardedRequest request)
            throws InvalidProtocolBufferException {
        Session session = session(node, request.getSession());
        router.handleForwarded(session, Envelope.parseFrom(request.getEnvelope()));
    }

    private void track(String node, PresenceChange change) {
        Stream stream = stream(change.getStream());
        Session session = session(node, change.getPresence());
        StreamMembers members = tracker.members(stream);
        Presence held = members == null ? null : members.get(session.id());
        if (held != null) {
            // a snapshot repeats what this node holds already: only a real change is applied
            if (held.hidden() != change.getHidden() || !held.userPresence().equals(change.getPresence())) {
                tracker.update(session, stream, change.getPresence(), change.getHidden());
            }
        } else {
            tracker.track(session, stream, change.getPresence(), change.getHidden());
        }
    }

    private void untrack(String node, PresenceChange change) {
        Map<String, Session> ofNode = byNode.get(node);
        Session session = ofNode == null ? null : ofNode.get(change.getPresence().getSessionId());
        if (session == null) {
            return;
        }
        tracker.untrack(session, stream(change.getStream()));
        forgetIfIdle(node, ofNode, session);
    }

    private void deliverToStream(BusMessage message) throws InvalidProtocolBufferException {
        var delivery = message.getStream();
        StreamMembers members = tracker.members(stream(delivery.getStream()));
        if (members == null || members.recipients().length == 0) {
            return;
        }
        byte[] bytes = delivery.getEnvelope().toByteArray();
        Outbound outbound = Outbound.ofEncoded(Envelope.parseFrom(bytes), bytes);
        members.sendLocal(outbound, delivery.getExceptSessionId().isEmpty() ? null : delivery.getExceptSessionId());
    }

    private void deliverToSession(BusMessage message) throws InvalidProtocolBufferException {
        var delivery = message.getSession();
        Outbound outbound = null;
        for (String id : delivery.getSessionIdsList()) {
            Session session = sessions.get(id).orElse(null);
            if (session != null) {
                if (outbound == null) {
                    byte[] bytes = delivery.getEnvelope().toByteArray();
                    outbound = Outbound.ofEncoded(Envelope.parseFrom(bytes), bytes);
                }
                session.send(outbound);
            }
        }
    }

    /**
     * Another node's complete presences: what this node held of it and is not there leaves, what
     * is new joins (this node's members are told of both, late), what it holds already stays.
     */
    private void replace(String node, Snapshot snapshot) {
        awaitingSnapshot.remove(node);
        Set<String> keep = new HashSet<>();
        for (PresenceChange change : snapshot.getPresencesList()) {
            keep.add(change.getPresence().getSessionId() + '\u0000' + key(change.getStream()));
        }
        Map<String, Session> ofNode = byNode.get(node);
        if (ofNode != null) {
            for (Session session : List.copyOf(ofNode.values())) {
                for (Stream stream : tracker.streamsOf(session)) {
                    if (!keep.contains(session.id() + '\u0000' + key(stream))) {
                        tracker.untrack(session, stream);
                    }
                }
                forgetIfIdle(node, ofNode, session);
            }
        }
        for (PresenceChange change : snapshot.getPresencesList()) {
            track(node, change);
        }
    }

    private void leave(UntrackRequest request) {
        Session session = sessions.get(request.getSessionId()).orElse(null);
        if (session != null) {
            tracker.leave(session, stream(request.getStream()));
        }
    }

    /**
     * A node died: every presence of it leaves every stream, and each mode's listener tells this
     * node's own members (the dead node told nobody). Router thread.
     */
    void nodeFailed(String node) {
        endOwnedBy(node);
        for (Barrier barrier : List.copyOf(barriers.values())) {
            barrier.waitingFor.remove(node);
        }
        expireBarriers();
        Map<String, Session> ofNode = byNode.remove(node);
        if (ofNode == null) {
            return;
        }
        for (Session session : ofNode.values()) {
            // as a disconnect of this node's: session listeners (tickets), then every stream
            router.disconnectRemote(session);
            session.markClosed();
        }
    }

    /** Told (on the router) of other nodes' logouts and deletions; null until wired. */
    private volatile java.util.function.Consumer<io.gantry.proto.cluster.AccountEvent> accountEvents;

    /** Told (on the router) of other nodes' leaderboard changes; null until wired. */
    private volatile java.util.function.Consumer<io.gantry.proto.cluster.LeaderboardEvent> leaderboardEvents;

    void leaderboardEvents(java.util.function.Consumer<io.gantry.proto.cluster.LeaderboardEvent> listener) {
        this.leaderboardEvents = listener;
    }

    void accountEvents(java.util.function.Consumer<io.gantry.proto.cluster.AccountEvent> listener) {
        this.accountEvents = listener;
    }

    void matchmaker(io.gantry.core.matchmaker.MatchmakerService service) {
        this.matchmaker = service;
    }

    boolean busUp() {
        return busUp.getAsBoolean();
    }

    void publish(String node, BusMessage message) {
        publisher.offer(node, message);
    }

    Session session(String node, com.heroiclabs.nakama.rtapi.UserPresence presence) {
        Map<String, Session> ofNode = byNode.computeIfAbsent(node, k -> new HashMap<>());
        String sessionId = presence.getSessionId();
        Session session = ofNode.get(sessionId);
        if (session == null) {
            session = Session.remote(sessionId, presence.getUserId(), presence.getUsername(),
                    node, remoteQueueSize, new RemoteConnection(node));
            ofNode.put(sessionId, session);
        }
        return session;
    }

    /**
     * A remote session in no stream of the directory any more has disconnected (every socket is in
     * its user's notification stream while it lives): what it held on this node ends too.
     */
    private void forgetIfIdle(String node, Map<String, Session> ofNode, Session session) {
        if (!tracker.inReplicatedStream(session)) {
            router.disconnectRemote(session);
            session.markClosed();
            ofNode.remove(session.id());
            if (ofNode.isEmpty()) {
                byNode.remove(node);
            }
        }
    }

    private static Stream stream(StreamKey key) {
        return new Stream(key.getMode(), key.getSubject(), key.getSubcontext(), key.getLabel());
    }

    private static String key(StreamKey key) {
        return key.getMode() + "\u0000" + key.getSubject() + '\u0000' + key.getSubcontext() + '\u0000' + key.getLabel();
    }

    private static String key(Stream stream) {
        return stream.mode() + "\u0000" + stream.subject() + '\u0000' + stream.subcontext() + '\u0000' + stream.label();
    }

    /**
     * A remote session's connection: what is sent to the session crosses to its node, addressed
     * to it. Any thread (a match worker may send to a presence); the session's flush flag makes
     * one caller drain at a time.
     */
    private final class RemoteConnection implements Connection {
        private final String node;

        RemoteConnection(String node) {
            this.node = node;
        }

        @Override
        public void requestFlush(Session session) {
            do {
                Outbound message;
                while ((message = session.poll()) != null) {
                    publisher.offerToSession(node, session.id(), message);
                }
            } while (session.flushDone());
        }

        @Override
        public void close(int closeCode, String reason) {
            // the socket is another node's to close
        }
    }


}
