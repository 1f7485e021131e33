package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who leads a party: promotion by the leader, and the hand-over to the longest-standing member
 * when the leader leaves or disconnects; the last one out ends the party.
 */
@SocketScenario
class PartyLeaderTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A (leader), then B, C, D joined in that order; all join events consumed. */
    static String partyOf(PartyPlayer... players) {
        PartyPlayer leader = players[0];
        String id = leader.create(true, 8).getPartyId();
        for (int i = 1; i < players.length; i++) {
            players[i].joinOpen(id);
            for (int j = 0; j < i; j++) {
                players[j].expectJoin(id, players[i].self);
            }
        }
        return id;
    }

    @Test
    void promotionIsAnnouncedToEveryMemberBeforeTheAckAndMovesTheLeaderRights() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = partyOf(a, b, c);
            String cid = a.send(PartyPlayer.promote(id, b.self));
            a.expectLeader(id, b.self);
            a.expectAck(cid);
            b.expectLeader(id, b.self);
            c.expectLeader(id, b.self);

            // the old leader has no leader rights any more; the new one has
            assertTrue(a.callBadInput(PartyPlayer.promote(id, c.self)).contains("leader"));
            String next = b.send(PartyPlayer.promote(id, c.self));
            b.expectLeader(id, c.self);
            b.expectAck(next);
            a.expectLeader(id, c.self);
            c.expectLeader(id, c.self);
            a.quiet();
        }
    }

    @Test
    void aJoinerSeesTheCurrentLeader() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = partyOf(a, b);
            String cid = a.send(PartyPlayer.promote(id, b.self));
            a.expectLeader(id, b.self);
            a.expectAck(cid);
            b.expectLeader(id, b.self);
            assertEquals(b.self, c.joinOpen(id).getLeader());
        }
    }

    @Test
    void promotingSomeoneWhoIsNotAMemberIsRefusedAndChangesNothing() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer outsider = PartyPlayer.connect(server)) {
            String id = partyOf(a, b, c);
            String other = outsider.create(true, 2).getPartyId();
            a.callBadInput(PartyPlayer.promote(id, outsider.self));
            a.callBadInput(PartyPlayer.promote(id, b.self.toBuilder().setUserId(c.user.userId()).build()));
            assertTrue(b.callBadInput(PartyPlayer.promote(id, c.self)).contains("leader"));
            assertTrue(outsider.callBadInput(PartyPlayer.promote(id, outsider.self)).contains("leader"));
            a.quiet();
            b.quiet();
            c.quiet();
            // A still leads
            String cid = a.send(PartyPlayer.promote(id, c.self));
            a.expectLeader(id, c.self);
            a.expectAck(cid);
            outsider.quiet();
            assertTrue(outsider.call(PartyPlayer.list(other)).hasPartyJoinRequest());
        }
    }

    @Test
    void whenTheLeaderLeavesTheLongestStandingMemberLeadsAndEveryoneIsTold() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = partyOf(a, b, c, d);
            a.callOk(PartyPlayer.leave(id));
            a.quiet(); // a leaver gets no event for its own leave
            for (PartyPlayer member : List.of(b, c, d)) {
                member.expectLeader(id, b.self); // as Nakama: the new leader before the leave
                member.expectLeave(id, a.self);
            }
            // B leads now
            String cid = b.send(PartyPlayer.promote(id, d.self));
            for (PartyPlayer member : List.of(b, c, d)) {
                member.expectLeader(id, d.self);
            }
            b.expectAck(cid);
        }
    }

    @Test
    void theLongestStandingMemberIsChosenNotThePreviousLeader() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = partyOf(a, b, c, d);
            // A hands over to D, then D leaves: A (the oldest) leads again
            String cid = a.send(PartyPlayer.promote(id, d.self));
            for (PartyPlayer member : List.of(a, b, c, d)) {
                member.expectLeader(id, d.self);
            }
            a.expectAck(cid);
            d.callOk(PartyPlayer.leave(id));
            for (PartyPlayer member : List.of(a, b, c)) {
                member.expectLeader(id, a.self); // as Nakama: the new leader before the leave
                member.expectLeave(id, d.self);
            }
        }
    }

    @Test
    void whenTheLeaderDisconnectsTheLongestStandingMemberLeads() {
        try (PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id;
            UserPresence leader;
            try (PartyPlayer a = PartyPlayer.connect(server)) {
                id = partyOf(a, b, c, d);
                leader = a.self;
            }
            for (PartyPlayer member : List.of(b, c, d)) {
                member.expectLeader(id, b.self); // as Nakama: the new leader before the leave
                member.expectLeave(id, leader);
            }
            // B has the leader's rights now
            assertTrue(b.call(PartyPlayer.list(id)).hasPartyJoinRequest());
            assertTrue(c.callBadInput(PartyPlayer.list(id)).contains("leader"));
        }
    }

    @Test
    void aMemberLeavingIsSeenByTheOthersAndTheLeaderStays() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = partyOf(a, b, c);
            c.callOk(PartyPlayer.leave(id));
            a.expectLeave(id, c.self);
            b.expectLeave(id, c.self);
            a.quiet();
            b.quiet();
            c.quiet();
            // leaving again: not a member
            assertTrue(c.callBadInput(PartyPlayer.leave(id)).contains("member"));
        }
    }

    @Test
    void theLastMemberOutEndsTheParty() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = partyOf(a, b);
            b.callOk(PartyPlayer.leave(id));
            a.expectLeave(id, b.self);
            a.callOk(PartyPlayer.leave(id));
            a.quiet();
            assertTrue(c.callBadInput(PartyPlayer.join(id)).contains("not found"));
            assertTrue(a.callBadInput(PartyPlayer.join(id)).contains("not found"));
        }
    }

    @Test
    void theLastMemberDisconnectingEndsTheParty() throws InterruptedException {
        try (PartyPlayer c = PartyPlayer.connect(server)) {
            String id;
            String leaderSession;
            try (PartyPlayer a = PartyPlayer.connect(server)) {
                var party = a.create(true, 3);
                id = party.getPartyId();
                leaderSession = party.getSelf().getSessionId();
            }
            // The server unregisters a closed socket before it publishes its disconnect to the
            // router, so once the session is gone here, c's next request is handled after it.
            await().atMost(SocketClient.TIMEOUT).until(() -> server.server().sessions().get(leaderSession).isEmpty());
            var reply = c.call(PartyPlayer.join(id));
            assertTrue(reply.hasError() && reply.getError().getMessage().contains("not found"), reply::toString);
        }
    }
}
