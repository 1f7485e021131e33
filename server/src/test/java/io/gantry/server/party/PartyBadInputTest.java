package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Party;
import com.heroiclabs.nakama.rtapi.PartyCreate;
import com.heroiclabs.nakama.rtapi.PartyMatchmakerAdd;
import com.heroiclabs.nakama.rtapi.PartyMatchmakerRemove;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every malformed or refused party request is BAD_INPUT with the request's cid, leaves the
 * socket open and changes nothing for anyone.
 */
@SocketScenario
class PartyBadInputTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Every request that names a party, for a given party id. */
    private static List<Envelope.Builder> everyPartyRequest(String partyId, UserPresence someone) {
        return List.of(
                PartyPlayer.join(partyId),
                PartyPlayer.leave(partyId),
                PartyPlayer.list(partyId),
                PartyPlayer.accept(partyId, someone),
                PartyPlayer.remove(partyId, someone),
                PartyPlayer.promote(partyId, someone),
                PartyPlayer.close(partyId),
                PartyPlayer.data(partyId, 1, new byte[]{1}));
    }

    @Test
    void maxSizeOutsideZeroTo256IsRefusedAndCreatesNothing() {
        try (PartyPlayer a = PartyPlayer.connect(server)) {
            for (int maxSize : new int[]{-1, 257, 1000, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                String message = a.callBadInput(Envelope.newBuilder()
                        .setPartyCreate(PartyCreate.newBuilder().setOpen(true).setMaxSize(maxSize)));
                assertEquals("Invalid party max size, must be 1-256", message, "Nakama's words");
            }
            a.quiet(); // no party, no join event
            // the bounds themselves are fine
            assertEquals(1, a.create(true, 1).getMaxSize());
            assertEquals(256, a.create(false, 256).getMaxSize());
        }
    }

    @Test
    void maxSizeZeroIsAPartyNobodyElseCanJoinAsInNakama() {
        try (PartyPlayer a = PartyPlayer.connect(server); PartyPlayer b = PartyPlayer.connect(server)) {
            Party party = a.create(true, 0);
            assertEquals(0, party.getMaxSize());
            assertTrue(b.callBadInput(PartyPlayer.join(party.getPartyId())).contains("full"));
            a.quiet();
        }
    }

    @Test
    void malformedPartyIdsAreRefusedForEveryRequest() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server)) {
            String real = a.create(true, 3).getPartyId();
            String uuid = real.substring(0, real.indexOf('.'));
            UserPresence someone = a.self;
            for (String bad : List.of("", "nope", uuid, uuid + ".", "." + "gantry", uuid.toUpperCase() + ".gantry",
                    "not-a-uuid-at-all-but-36-characters.gantry", uuid + "x.gantry")) {
                for (Envelope.Builder request : everyPartyRequest(bad, someone)) {
                    String message = b.callBadInput(request);
                    assertTrue(message.contains("Invalid party id"), bad + " -> " + message);
                }
            }
            a.quiet();
            b.assertOpen();
        }
    }

    @Test
    void unknownPartiesAreNotFoundForEveryRequest() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server)) {
            String real = a.create(true, 3).getPartyId();
            String uuid = real.substring(0, real.indexOf('.'));
            for (String unknown : List.of(UUID.randomUUID() + ".gantry", uuid + ".another-node")) {
                for (Envelope.Builder request : everyPartyRequest(unknown, a.self)) {
                    String message = b.callBadInput(request);
                    assertTrue(message.contains("not found"), unknown + " -> " + message);
                    // the leader of another party gets the same answer
                    assertTrue(a.callBadInput(request).contains("not found"));
                }
            }
            a.quiet();
            b.assertOpen();
        }
    }

    @Test
    void leaderActionsWithoutAUsablePresenceAreRefused() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            List<UserPresence> unusable = List.of(
                    UserPresence.getDefaultInstance(),
                    b.self.toBuilder().clearSessionId().build(),
                    b.self.toBuilder().clearUserId().build());
            for (UserPresence presence : unusable) {
                assertTrue(a.callBadInput(PartyPlayer.accept(id, presence)).contains("Invalid presence"));
                assertTrue(a.callBadInput(PartyPlayer.remove(id, presence)).contains("Invalid presence"));
                assertTrue(a.callBadInput(PartyPlayer.promote(id, presence)).contains("Invalid presence"));
            }
            // no presence at all
            assertTrue(a.callBadInput(PartyPlayer.accept(id, null)).contains("Invalid presence"));
            assertTrue(a.callBadInput(PartyPlayer.remove(id, null)).contains("Invalid presence"));
            assertTrue(a.callBadInput(PartyPlayer.promote(id, null)).contains("Invalid presence"));
            a.quiet();
            b.quiet();
            c.quiet();
        }
    }

    @Test
    void leaderOnlyActionsByAMemberOrAStrangerChangeNothing() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer stranger = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            for (PartyPlayer notLeader : List.of(b, stranger)) {
                for (Envelope.Builder request : List.of(
                        PartyPlayer.list(id),
                        PartyPlayer.accept(id, c.self),
                        PartyPlayer.remove(id, c.self),
                        PartyPlayer.promote(id, notLeader == b ? b.self : c.self),
                        PartyPlayer.close(id))) {
                    String message = notLeader.callBadInput(request);
                    assertTrue(message.contains("Only the leader"), message);
                }
            }
            a.quiet();
            b.quiet();
            c.quiet();
            // A still leads a party of three
            String cid = a.send(PartyPlayer.promote(id, c.self));
            for (PartyPlayer member : List.of(a, b, c)) {
                member.expectLeader(id, c.self);
            }
            a.expectAck(cid);
        }
    }

    @Test
    void partyMatchmakingByANonLeaderOrForAnUnknownTicketIsBadInput() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b);
            Envelope byMember = b.call(Envelope.newBuilder().setPartyMatchmakerAdd(PartyMatchmakerAdd.newBuilder()
                    .setPartyId(id).setMinCount(2).setMaxCount(2).setQuery("*")));
            assertEquals(3, byMember.getError().getCode(), byMember::toString);
            assertTrue(byMember.getError().getMessage().contains("leader"), byMember::toString);
            Envelope unknown = a.call(Envelope.newBuilder().setPartyMatchmakerRemove(PartyMatchmakerRemove.newBuilder()
                    .setPartyId(id).setTicket("no-such-ticket")));
            assertEquals(3, unknown.getError().getCode(), unknown::toString);
            a.assertOpen();
        }
    }

    @Test
    void aBurstOfBadRequestsLeavesThePartyWorking() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b);
            for (int i = 0; i < 20; i++) {
                c.callBadInput(PartyPlayer.close(id));
                c.callBadInput(PartyPlayer.remove(id, a.self));
                b.callBadInput(PartyPlayer.remove(id, a.self));
            }
            a.quiet();
            c.joinOpen(id);
            a.expectJoin(id, c.self);
            b.expectJoin(id, c.self);
        }
    }
}
