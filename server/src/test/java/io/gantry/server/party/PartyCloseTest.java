package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leader closes the party: every member, the leader included, is told, and the party is gone. */
@SocketScenario
class PartyCloseTest {

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
    void everyMemberIncludingTheLeaderGetsPartyCloseThenTheLeaderItsAck() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c, d);
            String cid = a.send(PartyPlayer.close(id));
            a.expectClose(id);
            a.expectAck(cid);
            for (PartyPlayer member : List.of(b, c, d)) {
                member.expectClose(id);
                member.quiet(); // no leave events after a close
            }
            a.quiet();

            // the party is gone for everyone
            assertTrue(b.callBadInput(PartyPlayer.join(id)).contains("not found"));
            assertTrue(b.callBadInput(PartyPlayer.data(id, 1, new byte[]{1})).contains("not found"));
            assertTrue(a.callBadInput(PartyPlayer.close(id)).contains("not found"));
            assertTrue(a.callBadInput(PartyPlayer.list(id)).contains("not found"));
            assertTrue(c.callBadInput(PartyPlayer.leave(id)).contains("not found"));
        }
    }

    @Test
    void onlyTheLeaderCloses() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer stranger = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b);
            assertTrue(b.callBadInput(PartyPlayer.close(id)).contains("leader"));
            assertTrue(stranger.callBadInput(PartyPlayer.close(id)).contains("leader"));
            a.quiet();
            b.quiet();
            // still alive: data flows
            a.sendRaw(PartyPlayer.data(id, 1, new byte[]{1}).build());
            b.expect(com.heroiclabs.nakama.rtapi.Envelope.MessageCase.PARTY_DATA);
        }
    }

    @Test
    void waitingRequestersAreNotToldAndTheirRequestsGoWithTheParty() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = a.create(false, 3).getPartyId();
            UserPresence pb = ClosedPartyJoinRequestTest.request(a, b, id);
            String cid = a.send(PartyPlayer.close(id));
            a.expectClose(id);
            a.expectAck(cid);
            b.quiet();
            assertTrue(b.callBadInput(PartyPlayer.join(id)).contains("not found"));
            // B may still ask to join other parties
            String other = c.create(false, 2).getPartyId();
            assertTrue(ClosedPartyJoinRequestTest.request(c, b, other).getSessionId().equals(pb.getSessionId()));
        }
    }
}
