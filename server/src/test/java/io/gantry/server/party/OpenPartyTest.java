package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Party;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating a party and joining an open one: who receives what, and in which order. */
@SocketScenario
class OpenPartyTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theCreatorIsLeaderAndOnlyMemberAndSeesItsOwnJoin() {
        try (PartyPlayer a = PartyPlayer.connect(server)) {
            Party party = a.create(true, 4);
            assertTrue(party.getPartyId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.gantry"),
                    party.getPartyId());
            assertTrue(party.getOpen());
            assertEquals(4, party.getMaxSize());
            assertEquals(a.user.userId(), party.getSelf().getUserId());
            assertEquals(a.user.username(), party.getSelf().getUsername());
            assertFalse(party.getSelf().getSessionId().isEmpty());
            assertEquals(party.getSelf(), party.getLeader());
            assertEquals(List.of(party.getSelf()), party.getPresencesList());
            a.quiet();
        }
    }

    @Test
    void eachPartyHasItsOwnId() {
        try (PartyPlayer a = PartyPlayer.connect(server)) {
            Party first = a.create(true, 2);
            Party second = a.create(false, 2);
            assertFalse(first.getPartyId().equals(second.getPartyId()));
            assertFalse(second.getOpen());
        }
    }

    @Test
    void joinersGetThePartyAfterTheirAckAndEveryMemberSeesEachJoin() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = a.create(true, 4).getPartyId();

            Party forB = b.joinOpen(id);
            assertEquals(id, forB.getPartyId());
            assertTrue(forB.getOpen());
            assertEquals(4, forB.getMaxSize());
            assertEquals(a.self, forB.getLeader());
            assertEquals(List.of(a.self, b.self), forB.getPresencesList());
            a.expectJoin(id, b.self);

            Party forC = c.joinOpen(id);
            assertEquals(List.of(a.self, b.self, c.self), forC.getPresencesList());
            assertEquals(a.self, forC.getLeader());
            a.expectJoin(id, c.self);
            b.expectJoin(id, c.self);

            Party forD = d.joinOpen(id);
            assertEquals(List.of(a.self, b.self, c.self, d.self), forD.getPresencesList());
            for (PartyPlayer member : List.of(a, b, c)) {
                member.expectJoin(id, d.self);
            }
            for (PartyPlayer member : List.of(a, b, c, d)) {
                member.quiet();
            }
        }
    }

    @Test
    void joiningAgainIsAcknowledgedWithThePartyAndTellsNobody() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = a.create(true, 3).getPartyId();
            b.joinOpen(id);
            a.expectJoin(id, b.self);
            c.joinOpen(id);
            a.expectJoin(id, c.self);
            b.expectJoin(id, c.self);

            String cid = b.send(PartyPlayer.join(id));
            b.expectAck(cid);
            Party again = b.expectParty();
            assertEquals(List.of(a.self, b.self, c.self), again.getPresencesList());
            // the leader too: it is a member already
            String leaderCid = a.send(PartyPlayer.join(id));
            a.expectAck(leaderCid);
            assertEquals(a.self, a.expectParty().getSelf());
            a.quiet();
            b.quiet();
            c.quiet();
        }
    }

    @Test
    void aFullPartyRefusesJoinsAndMaxSizeCountsTheLeader() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = a.create(true, 2).getPartyId();
            b.joinOpen(id);
            a.expectJoin(id, b.self);

            String message = c.callBadInput(PartyPlayer.join(id));
            assertTrue(message.contains("full"), message);
            a.quiet();
            b.quiet();

            // a place frees up: now C gets in
            b.callOk(PartyPlayer.leave(id));
            a.expectLeave(id, b.self);
            Party forC = c.joinOpen(id);
            assertEquals(List.of(a.self, c.self), forC.getPresencesList());
            a.expectJoin(id, c.self);
        }
    }

    @Test
    void aPartyOfOneIsFullWithItsLeader() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server)) {
            String id = a.create(true, 1).getPartyId();
            assertTrue(b.callBadInput(PartyPlayer.join(id)).contains("full"));
            a.quiet();
        }
    }

    @Test
    void protobufAndJsonMembersShareAParty() {
        try (PartyPlayer a = PartyPlayer.connect(server, "protobuf");
             PartyPlayer b = PartyPlayer.connect(server, "json");
             PartyPlayer c = PartyPlayer.connect(server, "protobuf")) {
            String id = a.create(true, 3).getPartyId();
            Party forB = b.joinOpen(id);
            assertEquals(List.of(a.self, b.self), forB.getPresencesList());
            a.expectJoin(id, b.self);
            Party forC = c.joinOpen(id);
            assertEquals(List.of(a.self, b.self, c.self), forC.getPresencesList());
            a.expectJoin(id, c.self);
            b.expectJoin(id, c.self);
            a.quiet();
            b.quiet();
            c.quiet();
        }
    }

    @Test
    void jsonRepliesUseNakamasFieldNames() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server)) {
            a.ws.sendText("{\"cid\":\"c1\",\"party_create\":{\"open\":true,\"max_size\":3}}");
            var created = a.ws.next().json();
            assertEquals("c1", created.get("cid").getAsString());
            var party = created.getAsJsonObject("party");
            assertTrue(party.get("open").getAsBoolean());
            assertEquals(3, party.get("max_size").getAsInt());
            assertTrue(party.getAsJsonObject("self").has("session_id"));
            assertTrue(party.getAsJsonObject("leader").has("user_id"));
            assertEquals(1, party.getAsJsonArray("presences").size());
            String id = party.get("party_id").getAsString();
            assertTrue(a.ws.next().json().has("party_presence_event"));

            b.ws.sendText("{\"cid\":\"j1\",\"party_join\":{\"party_id\":\"" + id + "\"}}");
            assertEquals("{\"cid\":\"j1\"}", b.ws.next().json().toString());
            var joined = b.ws.next().json();
            assertFalse(joined.has("cid"));
            assertEquals(2, joined.getAsJsonObject("party").getAsJsonArray("presences").size());
            var event = b.ws.next().json().getAsJsonObject("party_presence_event");
            assertEquals(id, event.get("party_id").getAsString());
            assertEquals(1, event.getAsJsonArray("joins").size());
            assertFalse(event.has("leaves"));
            Envelope forA = a.next();
            assertEquals(Envelope.MessageCase.PARTY_PRESENCE_EVENT, forA.getMessageCase());
        }
    }
}
