package io.gantry.core.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Party;
import com.heroiclabs.nakama.rtapi.PartyClose;
import com.heroiclabs.nakama.rtapi.PartyJoinRequest;
import com.heroiclabs.nakama.rtapi.PartyLeader;
import com.heroiclabs.nakama.rtapi.PartyPresenceEvent;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.session.Session;
import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One party: its settings, its leader and its pending join requests. The members themselves
 * are the presences of the party's stream in the {@link PresenceTracker}, oldest first, so
 * "the longest-standing member" is the first presence of the stream.
 *
 * <p>Router thread only, like the tracker it reads.
 */
final class PartyHandler {

    /** A session asking to join a closed party, waiting for the leader's answer. */
    record JoinRequest(Session session, UserPresence presence) {
    }

    private final PartyId id;
    private final Stream stream;
    private final boolean open;
    private final int maxSize;
    private final PresenceTracker tracker;
    /** Join requests in arrival order, by session id; at most {@link #maxSize} of them. */
    private final LinkedHashMap<String, JoinRequest> requests = new LinkedHashMap<>();
    private Presence leader;

    PartyHandler(PartyId id, boolean open, int maxSize, PresenceTracker tracker) {
        this.id = id;
        this.stream = id.stream();
        this.open = open;
        this.maxSize = maxSize;
        this.tracker = tracker;
    }

    PartyId id() {
        return id;
    }

    Stream stream() {
        return stream;
    }

    boolean open() {
        return open;
    }

    int maxSize() {
        return maxSize;
    }

    Presence leader() {
        return leader;
    }

    void leader(Presence leader) {
        this.leader = leader;
    }

    boolean isLeader(Session session) {
        return leader != null && leader.sessionId().equals(session.id());
    }

    /** The members, or null once the last one left. */
    StreamMembers members() {
        return tracker.members(stream);
    }

    int memberCount() {
        return tracker.count(stream);
    }

    /** {@code max_size} counts every member, the leader included. */
    boolean isFull() {
        return memberCount() >= maxSize;
    }

    boolean isMember(Session session) {
        return tracker.isMember(session, stream);
    }

    /** The member a client names: same session id and same user id; null when there is none. */
    Presence member(UserPresence named) {
        StreamMembers members = members();
        if (members == null) {
            return null;
        }
        Presence member = members.get(named.getSessionId());
        return member != null && member.userId().equals(named.getUserId()) ? member : null;
    }

    // ---- join requests ---------------------------------------------------------------------

    boolean hasRequest(String sessionId) {
        return requests.containsKey(sessionId);
    }

    /** The pending request a client names: same session id and same user id; null when there is none. */
    JoinRequest request(UserPresence named) {
        JoinRequest request = requests.get(named.getSessionId());
        return request != null && request.presence().getUserId().equals(named.getUserId()) ? request : null;
    }

    /** Whether the queue of join requests has room: as many requests as the party has places. */
    boolean canQueueRequest() {
        return requests.size() < maxSize;
    }

    void addRequest(JoinRequest request) {
        requests.put(request.session().id(), request);
    }

    JoinRequest removeRequest(String sessionId) {
        return requests.remove(sessionId);
    }

    Collection<JoinRequest> requests() {
        return requests.values();
    }

    List<UserPresence> requestPresences() {
        List<UserPresence> presences = new ArrayList<>(requests.size());
        for (JoinRequest request : requests.values()) {
            presences.add(request.presence());
        }
        return presences;
    }

    // ---- envelopes -----------------------------------------------------------------------

    /** The {@code party} a member receives: itself, the leader and every member, oldest first. */
    Envelope party(String cid, UserPresence self) {
        Party.Builder party = Party.newBuilder()
                .setPartyId(id.id())
                .setOpen(open)
                .setMaxSize(maxSize)
                .setSelf(self)
                .setLeader(leader.userPresence());
        StreamMembers members = members();
        if (members != null) {
            for (Presence member : members.presences()) {
                party.addPresences(member.userPresence());
            }
        }
        return Envelope.newBuilder().setCid(cid).setParty(party).build();
    }

    Envelope presenceEvent(List<UserPresence> joins, List<UserPresence> leaves) {
        return Envelope.newBuilder().setPartyPresenceEvent(PartyPresenceEvent.newBuilder()
                        .setPartyId(id.id())
                        .addAllJoins(joins)
                        .addAllLeaves(leaves))
                .build();
    }

    Envelope leaderEvent() {
        return Envelope.newBuilder().setPartyLeader(PartyLeader.newBuilder()
                        .setPartyId(id.id())
                        .setPresence(leader.userPresence()))
                .build();
    }

    Envelope closeEvent() {
        return Envelope.newBuilder().setPartyClose(PartyClose.newBuilder().setPartyId(id.id())).build();
    }

    Envelope joinRequests(String cid, List<UserPresence> presences) {
        return Envelope.newBuilder().setCid(cid).setPartyJoinRequest(PartyJoinRequest.newBuilder()
                        .setPartyId(id.id())
                        .addAllPresences(presences))
                .build();
    }
}
