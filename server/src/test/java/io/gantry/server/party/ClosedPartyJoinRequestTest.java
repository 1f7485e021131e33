package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Party;
import com.heroiclabs.nakama.rtapi.PartyJoinRequest;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Joining a closed party: the request waits for the leader, who lists, accepts or declines
 * requests in arrival order.
 */
@SocketScenario
class ClosedPartyJoinRequestTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Asks to join a closed party: the requester gets an empty ack, the leader the request. Returns the requester's presence. */
    static UserPresence request(PartyPlayer leader, PartyPlayer requester, String partyId) {
        requester.callOk(PartyPlayer.join(partyId));
        Envelope event = leader.expect(Envelope.MessageCase.PARTY_JOIN_REQUEST);
        PartyJoinRequest request = event.getPartyJoinRequest();
        assertEquals(partyId, request.getPartyId());
        assertEquals(1, request.getPresencesCount());
        UserPresence presence = request.getPresences(0);
        assertEquals(requester.user.userId(), presence.getUserId());
        assertEquals(requester.user.username(), presence.getUsername());
        return presence;
    }

    /**
     * The leader accepts a request: it sees the join, then its ack; the requester receives the
     * party, then its own join. Other members are not checked here.
     */
    static void admit(PartyPlayer leader, PartyPlayer requester, UserPresence presence, String partyId) {
        String cid = leader.send(PartyPlayer.accept(partyId, presence));
        leader.expectJoin(partyId, presence);
        leader.expectAck(cid);
        assertEquals(presence, requester.expectParty().getSelf());
        requester.expectJoin(partyId, presence);
    }

    static List<UserPresence> list(PartyPlayer leader, String partyId) {
        Envelope reply = leader.call(PartyPlayer.list(partyId));
        assertEquals(Envelope.MessageCase.PARTY_JOIN_REQUEST, reply.getMessageCase(), reply::toString);
        assertEquals(partyId, reply.getPartyJoinRequest().getPartyId());
        return reply.getPartyJoinRequest().getPresencesList();
    }

    @Test
    void aRequestReachesTheLeaderOnlyAndTheRequesterIsNotAMemberYet() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = a.create(false, 3).getPartyId();
            UserPresence pb = request(a, b, id);
            admit(a, b, pb, id);

            UserPresence pc = request(a, c, id);
            a.quiet();
            b.quiet(); // members other than the leader are not told
            c.quiet();
            // not a member yet: it may not send data, and the members' data does not reach it
            assertTrue(c.callBadInput(PartyPlayer.data(id, 1, new byte[]{1})).contains("member"));
            a.sendRaw(PartyPlayer.data(id, 1, new byte[]{2}).build());
            assertEquals(Envelope.MessageCase.PARTY_DATA, b.next().getMessageCase());
            c.quiet();
            assertEquals(List.of(pc), list(a, id));
        }
    }

    @Test
    void requestsAreListedInArrivalOrderWithoutDuplicates() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = a.create(false, 4).getPartyId();
            assertEquals(List.of(), list(a, id));
            UserPresence pb = request(a, b, id);
            UserPresence pc = request(a, c, id);
            b.callOk(PartyPlayer.join(id)); // asking twice: acknowledged, the leader is not told again
            UserPresence pd = request(a, d, id);
            a.quiet();
            assertEquals(List.of(pb, pc, pd), list(a, id));
        }
    }

    @Test
    void onlyTheLeaderListsRequests() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = a.create(false, 3).getPartyId();
            UserPresence pb = request(a, b, id);
            admit(a, b, pb, id);
            request(a, c, id);
            assertTrue(b.callBadInput(PartyPlayer.list(id)).contains("leader"));
            assertTrue(c.callBadInput(PartyPlayer.list(id)).contains("leader"));
        }
    }

    @Test
    void anAcceptedRequesterReceivesThePartyAndEveryoneSeesTheJoinBeforeTheLeadersAck() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = a.create(false, 3).getPartyId();
            UserPresence pb = request(a, b, id);
            UserPresence pc = request(a, c, id);

            String cid = a.send(PartyPlayer.accept(id, pb));
            a.expectJoin(id, pb);
            a.expectAck(cid);
            Party forB = b.expectParty();
            assertEquals(pb, forB.getSelf());
            assertEquals(a.self, forB.getLeader());
            assertEquals(false, forB.getOpen());
            assertEquals(3, forB.getMaxSize());
            assertEquals(List.of(a.self, pb), forB.getPresencesList());
            b.expectJoin(id, pb);
            c.quiet();
            assertEquals(List.of(pc), list(a, id));

            String second = a.send(PartyPlayer.accept(id, pc));
            a.expectJoin(id, pc);
            a.expectAck(second);
            b.expectJoin(id, pc);
            assertEquals(List.of(a.self, pb, pc), c.expectParty().getPresencesList());
            c.expectJoin(id, pc);
            assertEquals(List.of(), list(a, id));
        }
    }

    @Test
    void acceptingSomeoneWhoIsNotAskingIsRefusedAndChangesNothing() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = a.create(false, 4).getPartyId();
            UserPresence pb = request(a, b, id);
            admit(a, b, pb, id);
            UserPresence pc = request(a, c, id);

            // a member, the leader itself, a made-up session, a real request under the wrong user id
            a.callBadInput(PartyPlayer.accept(id, pb));
            a.callBadInput(PartyPlayer.accept(id, a.self));
            a.callBadInput(PartyPlayer.accept(id, pc.toBuilder().setSessionId("00000000-0000-4000-8000-000000000000").build()));
            a.callBadInput(PartyPlayer.accept(id, pc.toBuilder().setUserId(d.user.userId()).build()));
            // a member who is not the leader
            assertTrue(b.callBadInput(PartyPlayer.accept(id, pc)).contains("leader"));
            // and someone from outside
            assertTrue(d.callBadInput(PartyPlayer.accept(id, pc)).contains("leader"));

            a.quiet();
            b.quiet();
            c.quiet();
            assertEquals(List.of(pc), list(a, id));
        }
    }

    @Test
    void aDeclinedRequesterIsNotToldAndMayAskAgain() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = a.create(false, 3).getPartyId();
            UserPresence pb = request(a, b, id);
            UserPresence pc = request(a, c, id);
            a.callOk(PartyPlayer.remove(id, pb));
            b.quiet();
            a.quiet();
            assertEquals(List.of(pc), list(a, id));
            // declined already: declining again is refused
            a.callBadInput(PartyPlayer.remove(id, pb));
            UserPresence again = request(a, b, id);
            assertEquals(List.of(pc, again), list(a, id));
        }
    }

    @Test
    void aFullPartyRefusesRequestsAndAcceptsAndKeepsTheRequestWaiting() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = a.create(false, 2).getPartyId();
            UserPresence pb = request(a, b, id);
            UserPresence pc = request(a, c, id);
            admit(a, b, pb, id);

            assertTrue(a.callBadInput(PartyPlayer.accept(id, pc)).contains("full"));
            assertTrue(d.callBadInput(PartyPlayer.join(id)).contains("full"));
            a.quiet();
            c.quiet();
            assertEquals(List.of(pc), list(a, id));

            // a place frees up: the waiting request can be accepted
            b.callOk(PartyPlayer.leave(id));
            a.expectLeave(id, pb);
            String cid = a.send(PartyPlayer.accept(id, pc));
            a.expectJoin(id, pc);
            a.expectAck(cid);
            assertEquals(List.of(a.self, pc), c.expectParty().getPresencesList());
        }
    }

    @Test
    void theQueueOfRequestsHoldsAsManyAsThePartyHasPlaces() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = a.create(false, 2).getPartyId();
            UserPresence pb = request(a, b, id);
            UserPresence pc = request(a, c, id);
            assertTrue(d.callBadInput(PartyPlayer.join(id)).contains("join requests"));
            a.quiet();
            assertEquals(List.of(pb, pc), list(a, id));
        }
    }

    @Test
    void aRequesterWhoDisconnectsOrLeavesIsNoLongerWaiting() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = a.create(false, 4).getPartyId();
            UserPresence pb;
            try (PartyPlayer b = PartyPlayer.connect(server)) {
                pb = request(a, b, id);
            }
            UserPresence pc = request(a, c, id);
            UserPresence pd = request(a, d, id);
            awaitList(a, id, List.of(pc, pd));
            a.callBadInput(PartyPlayer.accept(id, pb));

            // leaving a party one only asked to join withdraws the request
            c.callOk(PartyPlayer.leave(id));
            assertEquals(List.of(pd), list(a, id));
            a.quiet();
        }
    }

    /** The disconnect reaches the router a moment after the socket closes. */
    private static void awaitList(PartyPlayer leader, String id, List<UserPresence> expected) {
        await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(expected, list(leader, id)));
    }
}
