package io.gantry.core.party;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.PartyAccept;
import com.heroiclabs.nakama.rtapi.PartyCreate;
import com.heroiclabs.nakama.rtapi.PartyDataSend;
import com.heroiclabs.nakama.rtapi.PartyJoin;
import com.heroiclabs.nakama.rtapi.PartyLeave;
import com.heroiclabs.nakama.rtapi.PartyPromote;
import io.gantry.core.RouterHarness;
import io.gantry.core.RouterHarness.Client;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parties: create, open and closed joins, leader rules, data, leaves; on the test thread. */
class PartyServiceTest {

    private final RouterHarness harness = new RouterHarness();
    private Client alice;
    private Client bob;
    private Client carol;

    @BeforeEach
    void start() {
        new PartyService(harness.router, "node1");
        harness.start();
        alice = harness.connect("alice");
        bob = harness.connect("bob");
        carol = harness.connect("carol");
    }

    private static Envelope.Builder create(boolean open, int maxSize) {
        return Envelope.newBuilder().setPartyCreate(PartyCreate.newBuilder().setOpen(open).setMaxSize(maxSize));
    }

    private static Envelope.Builder join(String partyId) {
        return Envelope.newBuilder().setPartyJoin(PartyJoin.newBuilder().setPartyId(partyId));
    }

    private String createParty(Client leader, boolean open, int maxSize) {
        Envelope reply = leader.request(create(open, maxSize));
        assertEquals(leader.session.id(), reply.getParty().getLeader().getSessionId());
        leader.take();
        return reply.getParty().getPartyId();
    }

    private static void assertBadInput(Client client, String cid, String message) {
        Envelope reply = client.reply(cid);
        assertEquals(Error.Code.BAD_INPUT_VALUE, reply.getError().getCode(), reply.toString());
        assertEquals(message, reply.getError().getMessage());
    }

    @Test
    void anOpenPartyIsJoinedAtOnceAndEveryoneSeesTheJoin() {
        String party = createParty(alice, true, 4);
        String cid = bob.send(join(party));
        List<Envelope> bobGot = bob.take();
        assertEquals(cid, bobGot.get(0).getCid(), "the ack first");
        assertEquals(party, bobGot.get(1).getParty().getPartyId());
        assertEquals(bob.userId(), bobGot.get(2).getPartyPresenceEvent().getJoins(0).getUserId());
        Envelope event = alice.takeOnly(e -> true);
        assertEquals(bob.userId(), event.getPartyPresenceEvent().getJoins(0).getUserId());
    }

    @Test
    void aClosedPartyAsksTheLeaderWhoAccepts() {
        String party = createParty(alice, false, 4);
        bob.request(join(party));
        bob.take();
        Envelope asked = alice.takeOnly(e -> true);
        assertEquals(bob.session.id(), asked.getPartyJoinRequest().getPresences(0).getSessionId());

        String cid = alice.send(Envelope.newBuilder().setPartyAccept(PartyAccept.newBuilder()
                .setPartyId(party).setPresence(bob.session.presence())));
        assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, alice.reply(cid).getMessageCase());
        assertTrue(bob.take().stream().anyMatch(Envelope::hasParty), "bob is in");
    }

    @Test
    void onlyTheLeaderMayAcceptOrPromote() {
        String party = createParty(alice, true, 4);
        bob.request(join(party));
        String accept = bob.send(Envelope.newBuilder().setPartyAccept(PartyAccept.newBuilder()
                .setPartyId(party).setPresence(carol.session.presence())));
        assertBadInput(bob, accept, "Only the leader of party " + party + " can accept join requests.");
        String promote = bob.send(Envelope.newBuilder().setPartyPromote(PartyPromote.newBuilder()
                .setPartyId(party).setPresence(bob.session.presence())));
        assertTrue(bob.reply(promote).getError().getMessage().startsWith("Only the leader of party " + party));
    }

    @Test
    void aFullPartyRefusesTheJoin() {
        String party = createParty(alice, true, 1);
        String cid = bob.send(join(party));
        assertEquals(Error.Code.BAD_INPUT_VALUE, bob.reply(cid).getError().getCode());
        assertEquals(List.of(), alice.take(), "the leader is told nothing");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 257})
    void aMaxSizeOutOfRangeIsRefused(int maxSize) {
        String cid = alice.send(create(true, maxSize));
        assertBadInput(alice, cid, "Invalid party max size, must be 1-256");
    }

    @Test
    void anUnknownPartyIsNotFound() {
        String other = createParty(alice, true, 4).replace("node1", "node2");
        String cid = bob.send(join(other));
        assertTrue(bob.reply(cid).getError().getMessage().startsWith("Party not found: "));
    }

    @Test
    void dataGoesToEveryOtherMemberAndOnlyMembersMaySendIt() {
        String party = createParty(alice, true, 4);
        bob.request(join(party));
        alice.take();
        bob.take();
        bob.send(Envelope.newBuilder().setPartyDataSend(PartyDataSend.newBuilder()
                .setPartyId(party).setOpCode(7).setData(ByteString.copyFromUtf8("go"))));
        Envelope data = alice.takeOnly(e -> true);
        assertEquals(7, data.getPartyData().getOpCode());
        assertEquals(bob.userId(), data.getPartyData().getPresence().getUserId());
        assertTrue(bob.take().stream().noneMatch(Envelope::hasPartyData), "not echoed to the sender");

        String cid = carol.send(Envelope.newBuilder().setPartyDataSend(PartyDataSend.newBuilder()
                .setPartyId(party).setOpCode(7)));
        assertBadInput(carol, cid, "Must be a member of party " + party + " to send data to it.");
        assertEquals(List.of(), alice.take());
    }

    @Test
    void whenTheLeaderLeavesAnotherMemberLeads() {
        String party = createParty(alice, true, 4);
        bob.request(join(party));
        bob.take();
        alice.request(Envelope.newBuilder().setPartyLeave(PartyLeave.newBuilder().setPartyId(party)));
        List<Envelope> bobGot = bob.take();
        assertTrue(bobGot.stream().anyMatch(e -> e.hasPartyPresenceEvent()
                && e.getPartyPresenceEvent().getLeaves(0).getUserId().equals(alice.userId())), bobGot.toString());
        assertTrue(bobGot.stream().anyMatch(e -> e.hasPartyLeader()
                && e.getPartyLeader().getPresence().getSessionId().equals(bob.session.id())), bobGot.toString());
    }

    @Test
    void leavingAPartyOneIsNotInIsRefused() {
        String party = createParty(alice, true, 4);
        String cid = bob.send(Envelope.newBuilder().setPartyLeave(PartyLeave.newBuilder().setPartyId(party)));
        assertBadInput(bob, cid, "Not a member of party " + party + ".");
    }
}
