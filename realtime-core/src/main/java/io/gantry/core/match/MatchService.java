package io.gantry.core.match;

import com.google.protobuf.StringValue;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Match;
import com.heroiclabs.nakama.rtapi.MatchCreate;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import com.heroiclabs.nakama.rtapi.MatchPresenceEvent;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;
import io.gantry.runtime.MatchInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Matches on the router thread. Relayed matches live here entirely: a relayed match is a
 * tracker stream (mode 5) and exists while it has members; its data is forwarded to the other
 * members with the bytes encoded once. Authoritative matches (mode 6) are validated and tracked
 * here, and run by their {@link AuthoritativeMatch} on a match worker.
 *
 * <p>Ids are Nakama's: {@code <uuid>.} for relayed matches, {@code <uuid>.<node>} for
 * authoritative ones. A relayed match created with a name gets the name's UUID (v3), so every
 * client creating that name lands in the same match.
 */
public final class MatchService {

    /** Largest data payload of one match message, in bytes. */
    public static final int MAX_DATA_BYTES = 64 * 1024;

    private final Router router;
    private final PresenceTracker tracker;
    private final MatchListing listing;
    private final String node;
    /** Turns a matchmaker token into a match id, or null when the token is not valid. */
    private final Function<String, String> tokenVerifier;
    /** Router thread: the authoritative matches of this node. */
    private final Map<String, AuthoritativeMatch> authoritative = new HashMap<>();
    /** The relayed matches' members as event loops see them, for {@link #relayDirect}. */
    private final RelayedMatches relayed = new RelayedMatches();

    public MatchService(Router router, MatchListing listing, String node, Function<String, String> tokenVerifier) {
        this.router = router;
        this.tracker = router.tracker();
        this.listing = listing;
        this.node = node;
        this.tokenVerifier = tokenVerifier;
        router.register(Envelope.MessageCase.MATCH_CREATE, this::onCreate)
                .register(Envelope.MessageCase.MATCH_JOIN, this::onJoin)
                .register(Envelope.MessageCase.MATCH_LEAVE, this::onLeave)
                .register(Envelope.MessageCase.MATCH_DATA_SEND, this::onData)
                .registerDirect(Envelope.MessageCase.MATCH_DATA_SEND, this::relayDirect)
                .addEndOfBatchAction(relayed::publishPending);
        tracker.observe(Stream.MODE_MATCH_RELAYED, (stream, members, removal) -> {
            relayed.changed(stream.subject(), members, removal);
            if (members.hasRemoteMembers() || removal) {
                // in a cluster, every node lists every relayed match with every node's members
                listRelayed(new MatchId(stream.subject(), "").value(), members);
            }
        });
        tracker.listen(Stream.MODE_MATCH_RELAYED, this::onDisconnectLeave);
        tracker.listen(Stream.MODE_MATCH_AUTHORITATIVE, this::onDisconnectLeave);
        // Another node's player joined or left (or its node died): this node tells its own players.
        tracker.listenRemote(Stream.MODE_MATCH_RELAYED, new io.gantry.core.tracker.RemoteListener() {
            @Override
            public void remoteJoined(StreamMembers members, Presence joined, Presence replaced) {
                if (replaced == null) {
                    members.announce(presenceEvent(members.stream().subject() + ".", List.of(joined.userPresence()), List.of()));
                }
            }

            @Override
            public void remoteLeft(StreamMembers remaining, Presence left, boolean nodeFailed) {
                if (!remaining.isEmpty()) {
                    remaining.announce(presenceEvent(remaining.stream().subject() + ".", List.of(), List.of(left.userPresence())));
                }
            }
        });
    }

    public String node() {
        return node;
    }

    // ---- requests ----------------------------------------------------------------------------

    private void onCreate(Session session, Envelope request) {
        MatchCreate create = request.getMatchCreate();
        String name = create.getName();
        if (name.length() > 128) {
            session.send(Replies.badInput(request, "Match name must be at most 128 characters."));
            return;
        }
        UUID id = name.isEmpty() ? UUID.randomUUID() : namedMatchId(name);
        Stream stream = relayedStream(id.toString());
        UserPresence self = session.presence();
        Presence presence = tracker.track(session, stream, self, false);
        boolean joinedNow = tracker.isNew(presence);
        StreamMembers members = tracker.members(stream);
        String matchId = id + ".";
        // As Nakama: an unnamed match is new, size 1 and no presences; a named one counts every member,
        // the creator included, and lists the others (everyone when the creator was already in).
        List<UserPresence> listed = name.isEmpty() ? List.of() : visiblePresences(members, joinedNow ? session : null);
        int size = name.isEmpty() ? 1 : visiblePresences(members, null).size();
        // event loops relay to the creator from now on (see RelayedMatches)
        relayed.publishPending();
        session.send(Envelope.newBuilder().setCid(request.getCid()).setMatch(Match.newBuilder()
                .setMatchId(matchId)
                .setAuthoritative(false)
                .setSize(size)
                .addAllPresences(listed)
                .setSelf(self)).build());
        if (joinedNow) {
            members.announce(presenceEvent(matchId, List.of(self), List.of()));
            listRelayed(matchId, members);
        }
    }

    private void onJoin(Session session, Envelope request) {
        MatchJoin join = request.getMatchJoin();
        String matchId;
        if (join.getIdCase() == MatchJoin.IdCase.TOKEN) {
            matchId = tokenVerifier == null ? null : tokenVerifier.apply(join.getToken());
            if (matchId == null) {
                session.send(Replies.badInput(request, "Invalid or expired match token."));
                return;
            }
        } else {
            matchId = join.getMatchId();
        }
        MatchId id = MatchId.parse(matchId);
        if (id == null) {
            session.send(Replies.badInput(request, "Invalid match id '" + shorten(matchId) + "'."));
            return;
        }
        if (!id.authoritative()) {
            joinRelayed(session, request, id, join.getIdCase() == MatchJoin.IdCase.TOKEN);
            return;
        }
        if (forwarded(id, session, request)) {
            return;
        }
        AuthoritativeMatch match = authoritative.get(id.value());
        if (match == null) {
            session.send(Replies.error(request.getCid(), Error.Code.MATCH_NOT_FOUND, "Match not found"));
            return;
        }
        Stream stream = authoritativeStream(id);
        StreamMembers members = tracker.members(stream);
        if (members != null && members.get(session.id()) != null) {
            // already in: answer as a join would, without asking the handler again
            session.send(matchReply(request.getCid(), match.id(), true, match.label(), members, session, false));
            return;
        }
        if (!match.offerJoinAttempt(session, session.presence(), join.getMetadataMap(), request.getCid())) {
            session.send(Replies.error(request.getCid(), Error.Code.MATCH_NOT_FOUND, "Match not found"));
        }
    }

    /**
     * An authoritative match lives on the node in its id: a request for one of another node's
     * goes there (the answer comes back through the bus). False when it is this node's, or its
     * node is not in the cluster (then it is not found here either).
     */
    private boolean forwarded(MatchId id, Session session, Envelope request) {
        return id.authoritative() && !id.node().equals(node) && tracker.clusterLink().forward(id.node(), session, request);
    }

    /** Router thread: a join is being looked at again after catching up with the cluster. */
    private boolean catchingUp;

    private void joinRelayed(Session session, Envelope request, MatchId id, boolean byToken) {
        Stream stream = relayedStream(id.uuid());
        StreamMembers members = tracker.members(stream);
        // A relayed match exists while it has members; a matchmaker token creates it on first join.
        if ((members == null || members.isEmpty()) && !byToken) {
            // In a cluster it may have been created on another node a moment ago: look again once
            // this node has caught up with what every other node published.
            if (catchingUp || !tracker.clusterLink().catchUp(() -> {
                catchingUp = true;
                try {
                    if (!session.isClosed()) {
                        joinRelayed(session, request, id, false);
                    }
                } finally {
                    catchingUp = false;
                }
            })) {
                session.send(Replies.error(request.getCid(), Error.Code.MATCH_NOT_FOUND, "Match not found"));
            }
            return;
        }
        UserPresence self = session.presence();
        Presence presence = tracker.track(session, stream, self, false);
        boolean joinedNow = tracker.isNew(presence);
        members = tracker.members(stream);
        // Event loops relay to the joiner from now on, before its answer is queued: data sent by
        // anyone once the joiner has its answer reaches it (as in Nakama, whose tracker holds the
        // joiner before it answers; data may then arrive just before the answer, as there).
        relayed.publishPending();
        session.send(matchReply(request.getCid(), id.value(), false, null, members, session, joinedNow));
        if (joinedNow) {
            members.announce(presenceEvent(id.value(), List.of(self), List.of()));
            listRelayed(id.value(), members);
        }
    }

    private void onLeave(Session session, Envelope request) {
        String matchId = request.getMatchLeave().getMatchId();
        MatchId id = MatchId.parse(matchId);
        if (id == null) {
            session.send(Replies.badInput(request, "Invalid match id '" + shorten(matchId) + "'."));
            return;
        }
        if (forwarded(id, session, request)) {
            return;
        }
        Stream stream = id.authoritative() ? authoritativeStream(id) : relayedStream(id.uuid());
        Presence left = tracker.untrack(session, stream);
        if (left == null) {
            session.send(Replies.badInput(request, "Not a member of match " + id.value() + "."));
            return;
        }
        session.send(Envelope.newBuilder().setCid(request.getCid()).build());
        afterLeave(id, stream, List.of(left));
    }

    private void onData(Session session, Envelope request) {
        MatchDataSend send = request.getMatchDataSend();
        MatchId id = MatchId.parse(send.getMatchId());
        if (id == null) {
            session.send(Replies.badInput(request, "Invalid match id '" + shorten(send.getMatchId()) + "'."));
            return;
        }
        if (send.getData().size() > MAX_DATA_BYTES) {
            session.send(Replies.badInput(request, "Match data is over the limit of " + MAX_DATA_BYTES + " bytes."));
            return;
        }
        if (forwarded(id, session, request)) {
            return;
        }
        Stream stream = id.authoritative() ? authoritativeStream(id) : relayedStream(id.uuid());
        StreamMembers members = tracker.members(stream);
        Presence sender = members == null ? null : members.get(session.id());
        if (sender == null) {
            session.send(Replies.badInput(request, "Not a member of match " + id.value() + "."));
            return;
        }
        List<Session> targets = null;
        if (send.getPresencesCount() > 0) {
            targets = new ArrayList<>(send.getPresencesCount());
            for (UserPresence to : send.getPresencesList()) {
                Presence member = members.get(to.getSessionId());
                if (member == null || (!to.getUserId().isEmpty() && !to.getUserId().equals(member.userId()))) {
                    session.send(Replies.badInput(request, "Presence " + to.getSessionId() + " is not in match " + id.value() + "."));
                    return;
                }
                targets.add(member.session());
            }
        }
        if (id.authoritative()) {
            AuthoritativeMatch match = authoritative.get(id.value());
            if (match == null || !match.offerData(sender.userPresence(), send.getOpCode(), send.getData(), send.getReliable())) {
                session.send(Replies.error(request.getCid(), Error.Code.RUNTIME_EXCEPTION,
                        "Match input queue is full; data dropped."));
            }
            return;
        }
        Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId(id.value())
                .setPresence(sender.userPresence())
                .setOpCode(send.getOpCode())
                .setData(send.getData())
                .setReliable(send.getReliable())).build());
        if (targets == null) {
            // everyone but the sender; in a cluster, once to each other node holding members
            members.send(outbound, session.id());
        } else {
            for (Session recipient : targets) {
                recipient.send(outbound);
            }
        }
    }

    /**
     * The common case of {@link #onData}, on the sender's event loop: data for a relayed match the
     * sender is in, to everyone else, as the router would relay it. Anything else (an
     * authoritative match, chosen recipients, a refusal) goes to the router.
     */
    private boolean relayDirect(Session session, Envelope request) {
        MatchDataSend send = request.getMatchDataSend();
        if (send.getPresencesCount() > 0 || send.getData().size() > MAX_DATA_BYTES) {
            return false;
        }
        MatchId id = MatchId.parse(send.getMatchId());
        if (id == null || id.authoritative()) {
            return false;
        }
        Presence[] members = relayed.members(id.uuid());
        if (members == null) {
            return false;
        }
        Presence sender = null;
        for (Presence member : members) {
            if (member.session() == session) {
                sender = member;
                break;
            }
        }
        if (sender == null) {
            return false;
        }
        Outbound outbound = Outbound.of(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId(id.value())
                .setPresence(sender.userPresence())
                .setOpCode(send.getOpCode())
                .setData(send.getData())
                .setReliable(send.getReliable())).build());
        for (Presence member : members) {
            if (member != sender) {
                member.session().send(outbound);
            }
        }
        return true;
    }

    private void onDisconnectLeave(StreamMembers remaining, Presence left) {
        Stream stream = remaining.stream();
        MatchId id = stream.mode() == Stream.MODE_MATCH_RELAYED
                ? new MatchId(stream.subject(), "")
                : new MatchId(stream.subject(), stream.label());
        afterLeave(id, stream, List.of(left));
    }

    private void afterLeave(MatchId id, Stream stream, List<Presence> left) {
        StreamMembers remaining = tracker.members(stream);
        List<UserPresence> leaves = new ArrayList<>(left.size());
        for (Presence presence : left) {
            leaves.add(presence.userPresence());
        }
        if (remaining != null && !remaining.isEmpty()) {
            remaining.announce(presenceEvent(id.value(), List.of(), leaves));
        }
        if (id.authoritative()) {
            AuthoritativeMatch match = authoritative.get(id.value());
            if (match != null) {
                match.left(leaves);
            }
        } else {
            listRelayed(id.value(), remaining);
        }
    }

    /** For {@code assert}: the calls below come from match lanes through {@link Router#execute} only. */
    private boolean onRouterThread() {
        if (!router.onRouterThreadOrNotStarted()) {
            throw new AssertionError("match service called off the router thread: " + Thread.currentThread().getName());
        }
        return true;
    }

    // ---- calls from authoritative matches (router thread, through Router.execute) -----------

    /** A new authoritative match is ready for players. */
    public void registerAuthoritative(AuthoritativeMatch match) {
        assert onRouterThread();
        authoritative.put(match.id(), match);
    }

    /** The handler accepted a joiner: track it, answer it, tell everyone. */
    public void joinAccepted(AuthoritativeMatch match, Session session, UserPresence presence, String cid) {
        assert onRouterThread();
        if (session.isClosed() || authoritative.get(match.id()) != match) {
            return; // gone meanwhile: the match sees no join (and no leave)
        }
        MatchId id = MatchId.parse(match.id());
        Stream stream = authoritativeStream(id);
        Presence tracked = tracker.track(session, stream, presence, false);
        StreamMembers members = tracker.members(stream);
        boolean joinedNow = tracker.isNew(tracked);
        session.send(matchReply(cid, match.id(), true, match.label(), members, session, joinedNow));
        if (joinedNow) {
            members.announce(presenceEvent(match.id(), List.of(presence), List.of()));
            match.joined(session, presence);
        }
    }

    /** The handler rejected a joiner. */
    public void joinRejected(Session session, String cid, String reason) {
        assert onRouterThread();
        session.send(Replies.error(cid, Error.Code.MATCH_JOIN_REJECTED,
                reason == null || reason.isEmpty() ? "Match join rejected." : reason));
    }

    /** The handler kicked players: they leave the match like any leaver. */
    public void kick(String matchId, List<String> sessionIds) {
        assert onRouterThread();
        MatchId id = MatchId.parse(matchId);
        if (id == null || !id.authoritative()) {
            return;
        }
        Stream stream = authoritativeStream(id);
        StreamMembers members = tracker.members(stream);
        if (members == null) {
            return;
        }
        List<Presence> kicked = new ArrayList<>();
        for (String sessionId : sessionIds) {
            Presence presence = members.get(sessionId);
            if (presence != null && tracker.untrack(presence.session(), stream) != null) {
                kicked.add(presence);
            }
        }
        if (!kicked.isEmpty()) {
            afterLeave(id, stream, kicked);
        }
    }

    /**
     * The match ended (its loop returned null, it failed, or the server stops): every player
     * leaves it and is told with a presence event naming everyone, itself included; when the
     * match failed, each also gets an {@code error} envelope saying why.
     */
    public void ended(String matchId, String failure) {
        assert onRouterThread();
        AuthoritativeMatch match = authoritative.remove(matchId);
        MatchId id = MatchId.parse(matchId);
        if (match == null || id == null) {
            return;
        }
        Stream stream = authoritativeStream(id);
        StreamMembers members = tracker.members(stream);
        if (members == null) {
            return;
        }
        List<Presence> everyone = new ArrayList<>(members.presences());
        List<UserPresence> leaves = new ArrayList<>(everyone.size());
        for (Presence presence : everyone) {
            leaves.add(presence.userPresence());
        }
        Outbound event = Outbound.of(presenceEvent(matchId, List.of(), leaves));
        Outbound error = failure == null ? null : Outbound.of(Replies.error("", Error.Code.RUNTIME_EXCEPTION,
                "Match " + matchId + " ended: " + failure));
        for (Presence presence : everyone) {
            tracker.untrack(presence.session(), stream);
            presence.session().send(event);
            if (error != null) {
                presence.session().send(error);
            }
        }
    }

    /** The authoritative match by id, router thread. */
    public AuthoritativeMatch authoritative(String matchId) {
        return authoritative.get(matchId);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * The reply to a join, as Nakama's pipeline builds it: a new join lists the other members only, a
     * re-join of a match the session is already in lists everyone, the caller included; {@code size}
     * counts the listed presences.
     */
    private Envelope matchReply(String cid, String matchId, boolean isAuthoritative, String label,
                                StreamMembers members, Session self, boolean joinedNow) {
        Match.Builder match = Match.newBuilder()
                .setMatchId(matchId)
                .setAuthoritative(isAuthoritative);
        if (label != null) {
            match.setLabel(StringValue.of(label));
        }
        List<UserPresence> listed = visiblePresences(members, joinedNow ? self : null);
        Presence selfPresence = members.get(self.id());
        match.setSize(listed.size()).addAllPresences(listed);
        if (selfPresence != null) {
            match.setSelf(selfPresence.userPresence());
        }
        return Envelope.newBuilder().setCid(cid).setMatch(match).build();
    }

    /**
     * A named match's id: the name's UUID v5 in the DNS namespace, as Nakama derives it, so a name
     * names the same match id on either server.
     */
    static UUID namedMatchId(String name) {
        java.security.MessageDigest sha1;
        try {
            sha1 = java.security.MessageDigest.getInstance("SHA-1");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
        java.nio.ByteBuffer namespace = java.nio.ByteBuffer.allocate(16)
                .putLong(DNS_NAMESPACE.getMostSignificantBits()).putLong(DNS_NAMESPACE.getLeastSignificantBits());
        sha1.update(namespace.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        java.nio.ByteBuffer bits = java.nio.ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }

    private static final UUID DNS_NAMESPACE = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    /** The visible members' presences, in join order, leaving out {@code except}'s (null: nobody's). */
    private static List<UserPresence> visiblePresences(StreamMembers members, Session except) {
        if (members == null) {
            return List.of();
        }
        List<UserPresence> listed = new ArrayList<>(members.size());
        for (Presence presence : members.presences()) {
            if (presence.session() != except && !presence.hidden()) {
                listed.add(presence.userPresence());
            }
        }
        return listed;
    }

    private void listRelayed(String matchId, StreamMembers members) {
        if (members == null || members.isEmpty()) {
            listing.remove(matchId);
        } else {
            listing.update(new MatchInfo(matchId, false, "", members.size(), 0, ""));
        }
    }

    private static Envelope presenceEvent(String matchId, List<UserPresence> joins, List<UserPresence> leaves) {
        return Envelope.newBuilder().setMatchPresenceEvent(MatchPresenceEvent.newBuilder()
                .setMatchId(matchId)
                .addAllJoins(joins)
                .addAllLeaves(leaves)).build();
    }

    static Stream relayedStream(String uuid) {
        return new Stream(Stream.MODE_MATCH_RELAYED, uuid, "", "");
    }

    static Stream authoritativeStream(MatchId id) {
        return new Stream(Stream.MODE_MATCH_AUTHORITATIVE, id.uuid(), "", id.node());
    }

    private static String shorten(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
