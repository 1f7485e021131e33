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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leader removes a member: the kicked member is told the party is closed for it, the others see a leave. */
@SocketScenario
class PartyKickTest {

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
    void theKickedMemberGetsPartyCloseAndTheOthersSeeItLeave() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c, d);
            String cid = a.send(PartyPlayer.remove(id, c.self));
            a.expectLeave(id, c.self);
            a.expectAck(cid);
            b.expectLeave(id, c.self);
            d.expectLeave(id, c.self);
            c.expectClose(id);
            c.quiet();

            // C is out: it no longer receives party data, nor may it send any
            b.sendRaw(PartyPlayer.data(id, 5, new byte[]{9}).build());
            assertEquals(Envelope.MessageCase.PARTY_DATA, a.next().getMessageCase());
            assertEquals(Envelope.MessageCase.PARTY_DATA, d.next().getMessageCase());
            c.quiet();
            assertTrue(c.callBadInput(PartyPlayer.data(id, 5, new byte[]{9})).contains("member"));
            assertTrue(c.callBadInput(PartyPlayer.leave(id)).contains("member"));
        }
    }

    @Test
    void aKickedMemberMayJoinAnOpenPartyAgain() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            String cid = a.send(PartyPlayer.remove(id, b.self));
            a.expectLeave(id, b.self);
            a.expectAck(cid);
            c.expectLeave(id, b.self);
            b.expectClose(id);

            Party again = b.joinOpen(id);
            assertEquals(List.of(a.self, c.self, b.self), again.getPresencesList());
            a.expectJoin(id, b.self);
            c.expectJoin(id, b.self);
        }
    }

    @Test
    void theLeaderCannotRemoveItself() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            assertTrue(a.callBadInput(PartyPlayer.remove(id, a.self)).contains("itself"));
            a.quiet();
            b.quiet();
            c.quiet();
        }
    }

    @Test
    void onlyTheLeaderRemovesAndOnlyMembersOrRequestersCanBeRemoved() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer stranger = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            stranger.create(true, 2);
            assertTrue(b.callBadInput(PartyPlayer.remove(id, c.self)).contains("leader"));
            assertTrue(b.callBadInput(PartyPlayer.remove(id, a.self)).contains("leader"));
            assertTrue(stranger.callBadInput(PartyPlayer.remove(id, b.self)).contains("leader"));
            a.callBadInput(PartyPlayer.remove(id, stranger.self));
            // the right session under another user id is not that member
            a.callBadInput(PartyPlayer.remove(id, b.self.toBuilder().setUserId(c.user.userId()).build()));
            a.quiet();
            b.quiet();
            c.quiet();
            stranger.quiet();
            // everyone is still in: a join event reaches all three
            PartyPlayer d = PartyPlayer.connect(server);
            try (d) {
                d.joinOpen(id);
                a.expectJoin(id, d.self);
                b.expectJoin(id, d.self);
                c.expectJoin(id, d.self);
            }
        }
    }
}
