package io.gantry.core.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.PartyAccept;
import com.heroiclabs.nakama.rtapi.PartyData;
import com.heroiclabs.nakama.rtapi.PartyDataSend;
import com.heroiclabs.nakama.rtapi.PartyMatchmakerAdd;
import com.heroiclabs.nakama.rtapi.PartyMatchmakerRemove;
import com.heroiclabs.nakama.rtapi.PartyMatchmakerTicket;
import com.heroiclabs.nakama.rtapi.PartyPromote;
import com.heroiclabs.nakama.rtapi.PartyRemove;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.router.SessionListener;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parties: small groups of players with a leader, formed before a match. Each party is a stream
 * of the presence tracker (mode {@link Stream#MODE_PARTY}, subject = the party's uuid, label =
 * this node's name), so its members are tracked like any other presence and a disconnect is a
 * leave. What the tracker does not know—leader, open or closed, max size, join requests in
 * arrival order—lives in one {@link PartyHandler} per party, in a map owned by the router.
 *
 * <p>Router thread only: every method runs as a request handler, a session listener or a
 * tracker listener, so none of this state needs a lock.
 *
 * <p>What clients see follows Nakama, as the official clients expect it:
 * <ul>
 *   <li>{@code party_create} is answered with the {@code party}; the creator then gets its own
 *       join as a {@code party_presence_event}.</li>
 *   <li>{@code party_join} is acknowledged with an empty envelope; the joiner of an open party
 *       then receives the {@code party} as an event (nakama-js {@code onparty}) and every
 *       member, the joiner included, the join. A closed party queues the request and tells the
 *       leader ({@code party_join_request}).</li>
 *   <li>Leader actions ({@code party_accept}, {@code party_remove}, {@code party_promote},
 *       {@code party_close}) send their events first and then the empty acknowledgement, so a
 *       client whose request resolved has already seen the change.</li>
 *   <li>{@code party_data_send} goes to every member but the sender; it is acknowledged only
 *       when it carries a {@code cid} (nakama-js sends it without one).</li>
 *   <li>Every refusal is {@code BAD_INPUT} with the request's {@code cid}, and changes nothing.</li>
 * </ul>
 */
public final class PartyService implements SessionListener {

    /** The largest {@code max_size} a party may have, as in Nakama. */
    public static final int MAX_PARTY_SIZE = 256;

    static final String MATCHMAKER_UNAVAILABLE = "Party matchmaking is not available on this server.";

    private final Router router;
    private final PresenceTracker tracker;
    private final String node;
    /** The matchmaker, or null when this server has none. */
    private final PartyMatchmaking matchmaking;
    /** Every live party, by the id clients use. */
    private final Map<String, PartyHandler> parties = new HashMap<>();
    /** The parties each session has a pending join request in, to drop them when it disconnects. */
    private final Map<String, List<PartyHandler>> requestsBySession = new HashMap<>();

    /**
     * Registers the party requests on the router. Before {@link Router#start} only.
     *
     * <pre>{@code
     * Router router = new Router(65536);
     * new PartyService(router, "gantry");
     * router.start();
     * }</pre>
     *
     * @param node this node's name: the label of party streams and the suffix of party ids
     */
    public PartyService(Router router, String node) {
        this(router, node, null);
    }

    /**
     * @param matchmaking the matchmaker party tickets go to, or null to refuse party matchmaking
     */
    public PartyService(Router router, String node, PartyMatchmaking matchmaking) {
        this.router = router;
        this.tracker = router.tracker();
        this.node = node;
        this.matchmaking = matchmaking;
        router.register(Envelope.MessageCase.PARTY_CREATE, this::onCreate)
                .register(Envelope.MessageCase.PARTY_JOIN, this::onJoin)
                .register(Envelope.MessageCase.PARTY_LEAVE, this::onLeave)
                .register(Envelope.MessageCase.PARTY_PROMOTE, this::onPromote)
                .register(Envelope.MessageCase.PARTY_ACCEPT, this::onAccept)
                .register(Envelope.MessageCase.PARTY_REMOVE, this::onRemove)
                .register(Envelope.MessageCase.PARTY_CLOSE, this::onClose)
                .register(Envelope.MessageCase.PARTY_JOIN_REQUEST_LIST, this::onJoinRequestList)
                .register(Envelope.MessageCase.PARTY_DATA_SEND, this::onDataSend)
                .register(Envelope.MessageCase.PARTY_MATCHMAKER_ADD, this::onMatchmakerAdd)
                .register(Envelope.MessageCase.PARTY_MATCHMAKER_REMOVE, this::onMatchmakerRemove)
                .addSessionListener(this);
        tracker.listen(Stream.MODE_PARTY, this::onDisconnectLeave);
    }

    /** Live parties on this node. Router thread. */
    public int partyCount() {
        return parties.size();
    }

    // ---- create / join -------------------------------------------------------------------

    private void onCreate(Session session, Envelope request) {
        int maxSize = request.getPartyCreate().getMaxSize();
        // As Nakama: 0 is accepted (a party nobody else can join), only < 0 and > 256 are refused.
        if (maxSize < 0 || maxSize > MAX_PARTY_SIZE) {
            session.send(Replies.badInput(request, "Invalid party max size, must be 1-" + MAX_PARTY_SIZE));
            return;
        }
        PartyHandler party = new PartyHandler(PartyId.random(node), request.getPartyCreate().getOpen(), maxSize, tracker);
        Presence creator = tracker.track(session, party.stream(), session.presence(), false);
        party.leader(creator);
        parties.put(party.id().id(), party);
        session.send(party.party(request.getCid(), creator.userPresence()));
        // As for every join, the creator then sees its own join.
        party.members().broadcast(party.presenceEvent(List.of(creator.userPresence()), List.of()));
    }

    private void onJoin(Session session, Envelope request) {
        PartyHandler party = party(session, request, request.getPartyJoin().getPartyId());
        if (party == null) {
            return;
        }
        if (party.isMember(session)) {
            // Already in: acknowledge and send the party again, change nothing.
            session.send(ack(request));
            session.send(party.party("", party.members().get(session.id()).userPresence()));
            return;
        }
        if (party.isFull()) {
            session.send(Replies.badInput(request, full(party)));
            return;
        }
        if (party.open()) {
            session.send(ack(request));
            addMember(party, session);
            return;
        }
        if (party.hasRequest(session.id())) {
            session.send(ack(request)); // asked already: still waiting, the leader is not told twice
            return;
        }
        if (!party.canQueueRequest()) {
            session.send(Replies.badInput(request, "Party " + party.id() + " has " + party.maxSize()
                    + " join requests waiting for the leader already; try again later."));
            return;
        }
        PartyHandler.JoinRequest joinRequest = new PartyHandler.JoinRequest(session, session.presence());
        party.addRequest(joinRequest);
        requestsBySession.computeIfAbsent(session.id(), k -> new ArrayList<>(2)).add(party);
        session.send(ack(request));
        party.leader().session().send(party.joinRequests("", List.of(joinRequest.presence())));
    }

    /** Tracks a new member: it receives the party, then everyone (it included) the join. */
    private void addMember(PartyHandler party, Session joiner) {
        membersChanged(party);
        Presence presence = tracker.track(joiner, party.stream(), joiner.presence(), false);
        joiner.send(party.party("", presence.userPresence()));
        party.members().broadcast(party.presenceEvent(List.of(presence.userPresence()), List.of()));
    }

    private void onJoinRequestList(Session session, Envelope request) {
        PartyHandler party = leaderParty(session, request, request.getPartyJoinRequestList().getPartyId(),
                "list its join requests");
        if (party != null) {
            session.send(party.joinRequests(request.getCid(), party.requestPresences()));
        }
    }

    private void onAccept(Session session, Envelope request) {
        PartyAccept accept = request.getPartyAccept();
        PartyHandler party = leaderParty(session, request, accept.getPartyId(), "accept join requests");
        if (party == null || !validPresence(session, request, accept.hasPresence(), accept.getPresence())) {
            return;
        }
        PartyHandler.JoinRequest joinRequest = party.request(accept.getPresence());
        if (joinRequest == null) {
            session.send(Replies.badInput(request, "No pending join request from session "
                    + shorten(accept.getPresence().getSessionId()) + " in party " + party.id() + "."));
            return;
        }
        if (party.isFull()) {
            session.send(Replies.badInput(request, full(party)));
            return;
        }
        removeRequest(party, joinRequest.session().id());
        addMember(party, joinRequest.session());
        session.send(ack(request));
    }

    // ---- leader actions --------------------------------------------------------------------

    private void onRemove(Session session, Envelope request) {
        PartyRemove remove = request.getPartyRemove();
        PartyHandler party = leaderParty(session, request, remove.getPartyId(), "remove members");
        if (party == null || !validPresence(session, request, remove.hasPresence(), remove.getPresence())) {
            return;
        }
        UserPresence named = remove.getPresence();
        if (named.getSessionId().equals(session.id())) {
            session.send(Replies.badInput(request,
                    "The party leader cannot remove itself; leave or close the party instead."));
            return;
        }
        Presence member = party.member(named);
        if (member != null) {
            // A kick: the member is out and told the party is closed for it; the others see a leave.
            tracker.untrack(member.session(), party.stream());
            membersChanged(party);
            member.session().send(party.closeEvent());
            party.members().broadcast(party.presenceEvent(List.of(), List.of(member.userPresence())));
            session.send(ack(request));
            return;
        }
        PartyHandler.JoinRequest joinRequest = party.request(named);
        if (joinRequest != null) {
            // A declined request: as in Nakama, the requester is not told.
            removeRequest(party, joinRequest.session().id());
            session.send(ack(request));
            return;
        }
        session.send(Replies.badInput(request, "Session " + shorten(named.getSessionId())
                + " is neither a member of party " + party.id() + " nor asking to join it."));
    }

    private void onPromote(Session session, Envelope request) {
        PartyPromote promote = request.getPartyPromote();
        PartyHandler party = leaderParty(session, request, promote.getPartyId(), "promote a member");
        if (party == null || !validPresence(session, request, promote.hasPresence(), promote.getPresence())) {
            return;
        }
        Presence member = party.member(promote.getPresence());
        if (member == null) {
            session.send(Replies.badInput(request, "Session " + shorten(promote.getPresence().getSessionId())
                    + " is not a member of party " + party.id() + "."));
            return;
        }
        party.leader(member);
        party.members().broadcast(party.leaderEvent());
        session.send(ack(request));
    }

    private void onClose(Session session, Envelope request) {
        PartyHandler party = leaderParty(session, request, request.getPartyClose().getPartyId(), "close it");
        if (party == null) {
            return;
        }
        StreamMembers members = party.members();
        members.broadcast(party.closeEvent()); // every member, the leader included
        for (Presence member : List.copyOf(members.presences())) {
            tracker.untrack(member.session(), party.stream());
        }
        dissolve(party);
        session.send(ack(request));
    }

    // ---- leave ---------------------------------------------------------------------------

    private void onLeave(Session session, Envelope request) {
        PartyHandler party = party(session, request, request.getPartyLeave().getPartyId());
        if (party == null) {
            return;
        }
        Presence left = tracker.untrack(session, party.stream());
        if (left == null) {
            if (party.hasRequest(session.id())) {
                // Leaving a party one is only asking to join withdraws the request.
                removeRequest(party, session.id());
                session.send(ack(request));
            } else {
                session.send(Replies.badInput(request, "Not a member of party " + party.id() + "."));
            }
            return;
        }
        session.send(ack(request));
        afterLeave(party, left);
    }

    private void onDisconnectLeave(StreamMembers remaining, Presence left) {
        PartyHandler party = parties.get(PartyId.of(remaining.stream()).id());
        if (party != null) {
            afterLeave(party, left);
        }
    }

    /**
     * A member is gone (left or disconnected): if it led the party, the longest-standing member
     * leads it now and everyone is told, before (as in Nakama, whose tracker runs the party's leave
     * listener first) the others see the leave; the last one out ends the party.
     */
    private void afterLeave(PartyHandler party, Presence left) {
        membersChanged(party);
        StreamMembers remaining = party.members();
        if (remaining == null || remaining.isEmpty()) {
            dissolve(party);
            return;
        }
        if (party.leader().sessionId().equals(left.sessionId())) {
            party.leader(remaining.presences().iterator().next());
            remaining.broadcast(party.leaderEvent());
        }
        remaining.broadcast(party.presenceEvent(List.of(), List.of(left.userPresence())));
    }

    /** A session is gone: its join requests go with it. Members leave through the tracker. */
    @Override
    public void onDisconnect(Session session) {
        List<PartyHandler> asked = requestsBySession.remove(session.id());
        if (asked != null) {
            for (PartyHandler party : asked) {
                party.removeRequest(session.id());
            }
        }
    }

    // ---- data ----------------------------------------------------------------------------

    private void onDataSend(Session session, Envelope request) {
        PartyDataSend send = request.getPartyDataSend();
        PartyHandler party = party(session, request, send.getPartyId());
        if (party == null) {
            return;
        }
        StreamMembers members = party.members();
        Presence sender = members.get(session.id());
        if (sender == null) {
            session.send(Replies.badInput(request, "Must be a member of party " + party.id() + " to send data to it."));
            return;
        }
        Outbound data = Outbound.of(Envelope.newBuilder().setPartyData(PartyData.newBuilder()
                        .setPartyId(party.id().id())
                        .setPresence(sender.userPresence())
                        .setOpCode(send.getOpCode())
                        .setData(send.getData()))
                .build());
        members.send(data, session.id()); // members on other nodes too
        if (!request.getCid().isEmpty()) {
            session.send(ack(request));
        }
    }

    // ---- matchmaking --------------------------------------------------------------------

    /**
     * The leader adds a ticket for the whole party: the leader gets {@code party_matchmaker_ticket}
     * as the reply, every other member as an event. The party is matched as a unit.
     */
    private void onMatchmakerAdd(Session session, Envelope request) {
        PartyMatchmakerAdd add = request.getPartyMatchmakerAdd();
        if (matchmaking == null) {
            session.send(Replies.error(request.getCid(), Error.Code.UNRECOGNIZED_PAYLOAD, MATCHMAKER_UNAVAILABLE));
            return;
        }
        PartyHandler party = leaderParty(session, request, add.getPartyId(), "start matchmaking");
        if (party == null) {
            return;
        }
        List<Session> members = new ArrayList<>();
        for (Presence member : party.members().presences()) {
            members.add(member.session());
        }
        String cid = request.getCid();
        matchmaking.addParty(party.id().id(), session, members, add.getQuery(), add.getMinCount(), add.getMaxCount(),
                add.hasCountMultiple() ? add.getCountMultiple().getValue() : null,
                add.getStringPropertiesMap(), add.getNumericPropertiesMap(),
                ticket -> router.execute(() -> {
                    PartyMatchmakerTicket.Builder reply = PartyMatchmakerTicket.newBuilder()
                            .setPartyId(party.id().id()).setTicket(ticket);
                    Outbound event = Outbound.of(Envelope.newBuilder().setPartyMatchmakerTicket(reply).build());
                    StreamMembers now = party.members();
                    if (now != null) {
                        now.send(event, session.id()); // members on other nodes too
                    }
                    session.send(Envelope.newBuilder().setCid(cid).setPartyMatchmakerTicket(reply).build());
                }),
                reason -> session.send(Replies.error(cid, Error.Code.BAD_INPUT, reason)));
    }

    private void onMatchmakerRemove(Session session, Envelope request) {
        PartyMatchmakerRemove remove = request.getPartyMatchmakerRemove();
        if (matchmaking == null) {
            session.send(Replies.error(request.getCid(), Error.Code.UNRECOGNIZED_PAYLOAD, MATCHMAKER_UNAVAILABLE));
            return;
        }
        PartyHandler party = leaderParty(session, request, remove.getPartyId(), "stop matchmaking");
        if (party == null) {
            return;
        }
        if (remove.getTicket().isEmpty()) {
            session.send(Replies.badInput(request, "Matchmaker ticket is required."));
            return;
        }
        String cid = request.getCid();
        matchmaking.removeParty(party.id().id(), remove.getTicket(), removed -> session.send(removed
                ? Envelope.newBuilder().setCid(cid).build()
                : Replies.error(cid, Error.Code.BAD_INPUT, "Matchmaker ticket not found: " + remove.getTicket())));
    }

    /** The party's members changed: a ticket added for the old members no longer stands. */
    private void membersChanged(PartyHandler party) {
        if (matchmaking != null) {
            matchmaking.removeAllOfParty(party.id().id());
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    /** The party a request names; otherwise answers BAD_INPUT and returns null. */
    private PartyHandler party(Session session, Envelope request, String partyId) {
        PartyId id;
        try {
            id = PartyId.parse(partyId);
        } catch (PartyId.InvalidPartyIdException e) {
            session.send(Replies.badInput(request, e.getMessage()));
            return null;
        }
        if (!id.node().equals(node) && tracker.clusterLink().forward(id.node(), session, request)) {
            return null; // the party's node answers, through the bus
        }
        PartyHandler party = id.node().equals(node) ? parties.get(id.id()) : null;
        if (party == null) {
            session.send(Replies.badInput(request, "Party not found: " + PartyId.shorten(partyId) + "."));
        }
        return party;
    }

    /** The party a request names if the session leads it; otherwise answers BAD_INPUT and returns null. */
    private PartyHandler leaderParty(Session session, Envelope request, String partyId, String action) {
        PartyHandler party = party(session, request, partyId);
        if (party != null && !party.isLeader(session)) {
            session.send(Replies.badInput(request, "Only the leader of party " + party.id() + " can " + action + "."));
            return null;
        }
        return party;
    }

    /** Presences in requests are matched by session id and user id: both are required. */
    private static boolean validPresence(Session session, Envelope request, boolean present, UserPresence presence) {
        if (!present || presence.getSessionId().isEmpty() || presence.getUserId().isEmpty()) {
            session.send(Replies.badInput(request, "Invalid presence: session_id and user_id are required."));
            return false;
        }
        return true;
    }

    private void removeRequest(PartyHandler party, String sessionId) {
        if (party.removeRequest(sessionId) == null) {
            return;
        }
        List<PartyHandler> asked = requestsBySession.get(sessionId);
        if (asked != null) {
            asked.remove(party);
            if (asked.isEmpty()) {
                requestsBySession.remove(sessionId);
            }
        }
    }

    /** The party is over: forget it and every request waiting for it. */
    private void dissolve(PartyHandler party) {
        membersChanged(party);
        parties.remove(party.id().id());
        for (PartyHandler.JoinRequest request : List.copyOf(party.requests())) {
            removeRequest(party, request.session().id());
        }
    }

    private static Envelope ack(Envelope request) {
        return Envelope.newBuilder().setCid(request.getCid()).build();
    }

    private static String full(PartyHandler party) {
        return "Party " + party.id() + " is full (max size " + party.maxSize() + ").";
    }

    private static String shorten(String value) {
        return PartyId.shorten(value);
    }
}
