package io.gantry.server.party;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Party;
import com.heroiclabs.nakama.rtapi.PartyAccept;
import com.heroiclabs.nakama.rtapi.PartyClose;
import com.heroiclabs.nakama.rtapi.PartyCreate;
import com.heroiclabs.nakama.rtapi.PartyDataSend;
import com.heroiclabs.nakama.rtapi.PartyJoin;
import com.heroiclabs.nakama.rtapi.PartyJoinRequestList;
import com.heroiclabs.nakama.rtapi.PartyLeave;
import com.heroiclabs.nakama.rtapi.PartyPromote;
import com.heroiclabs.nakama.rtapi.PartyRemove;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One player on a real socket (a {@link SocketClient}), for party tests: sends party requests with fresh cids and checks
 * what comes back, in order. Connects with {@code status=false} so that nothing but party traffic
 * arrives. Its own presence ({@link #self}) is learned from the first {@code party} it receives.
 */
final class PartyPlayer implements AutoCloseable {

    final TestUser user;
    final SocketClient ws;
    final boolean protobuf;
    UserPresence self;

    private PartyPlayer(TestUser user, SocketClient ws, boolean protobuf) {
        this.user = user;
        this.ws = ws;
        this.protobuf = protobuf;
    }

    static PartyPlayer connect(TestServer server) {
        return connect(server, "json");
    }

    static PartyPlayer connect(TestServer server, String format) {
        TestUser user = server.newUser();
        SocketClient ws = server.connect(user, format, false);
        return new PartyPlayer(user, ws, format.equals("protobuf"));
    }

    // ---- requests ------------------------------------------------------------------------

    /** Sends a request with a fresh cid and returns the cid. */
    String send(Envelope.Builder request) {
        String cid = ws.nextCid();
        sendRaw(request.setCid(cid).build());
        return cid;
    }

    void sendRaw(Envelope envelope) {
        if (protobuf) {
            ws.sendProtobuf(envelope);
        } else {
            ws.send(envelope);
        }
    }

    /** Sends a request and returns the next envelope, which must be its reply. */
    Envelope call(Envelope.Builder request) {
        String cid = send(request);
        Envelope reply = ws.nextEnvelope();
        assertEquals(cid, reply.getCid(), () -> "expected the reply to cid " + cid + ", got " + reply);
        return reply;
    }

    /** Sends a request whose reply must be the empty acknowledgement. */
    void callOk(Envelope.Builder request) {
        expectAck(send(request));
    }

    /** Sends a request that must be refused with BAD_INPUT; returns the error message. */
    String callBadInput(Envelope.Builder request) {
        Envelope reply = call(request);
        assertEquals(Envelope.MessageCase.ERROR, reply.getMessageCase(), reply::toString);
        assertEquals(3, reply.getError().getCode(), reply::toString);
        assertFalse(reply.getError().getMessage().isEmpty());
        return reply.getError().getMessage();
    }

    /** Creates a party; checks the reply and the creator's own join event. */
    Party create(boolean open, int maxSize) {
        Envelope reply = call(Envelope.newBuilder().setPartyCreate(PartyCreate.newBuilder().setOpen(open).setMaxSize(maxSize)));
        assertEquals(Envelope.MessageCase.PARTY, reply.getMessageCase(), reply::toString);
        Party party = reply.getParty();
        self = party.getSelf();
        Envelope joined = expect(Envelope.MessageCase.PARTY_PRESENCE_EVENT);
        assertEquals(party.getPartyId(), joined.getPartyPresenceEvent().getPartyId());
        assertEquals(List.of(self), joined.getPartyPresenceEvent().getJoinsList());
        return party;
    }

    /** Joins an open party: the ack, then the party, then its own join event. Returns the party. */
    Party joinOpen(String partyId) {
        String cid = send(join(partyId));
        expectAck(cid);
        Party party = expectParty();
        Envelope joined = expect(Envelope.MessageCase.PARTY_PRESENCE_EVENT);
        assertEquals(List.of(self), joined.getPartyPresenceEvent().getJoinsList());
        assertEquals(0, joined.getPartyPresenceEvent().getLeavesCount());
        return party;
    }

    // ---- what arrives --------------------------------------------------------------------

    Envelope next() {
        return ws.nextEnvelope();
    }

    /** The next envelope must be the empty reply to {@code cid}. */
    void expectAck(String cid) {
        Envelope reply = ws.nextEnvelope();
        assertEquals(cid, reply.getCid(), reply::toString);
        assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, reply.getMessageCase(), reply::toString);
    }

    /** The next envelope must be an event (no cid) of this type. */
    Envelope expect(Envelope.MessageCase type) {
        Envelope event = ws.nextEnvelope();
        assertEquals(type, event.getMessageCase(), event::toString);
        assertEquals("", event.getCid(), event::toString);
        return event;
    }

    /** The next envelope must be the {@code party} event of a new member; remembers {@link #self}. */
    Party expectParty() {
        Party party = expect(Envelope.MessageCase.PARTY).getParty();
        self = party.getSelf();
        assertEquals(user.userId(), self.getUserId());
        assertEquals(user.username(), self.getUsername());
        return party;
    }

    void expectJoin(String partyId, UserPresence joined) {
        Envelope event = expect(Envelope.MessageCase.PARTY_PRESENCE_EVENT);
        assertEquals(partyId, event.getPartyPresenceEvent().getPartyId());
        assertEquals(List.of(joined), event.getPartyPresenceEvent().getJoinsList());
        assertEquals(0, event.getPartyPresenceEvent().getLeavesCount());
    }

    void expectLeave(String partyId, UserPresence left) {
        Envelope event = expect(Envelope.MessageCase.PARTY_PRESENCE_EVENT);
        assertEquals(partyId, event.getPartyPresenceEvent().getPartyId());
        assertEquals(0, event.getPartyPresenceEvent().getJoinsCount());
        assertEquals(List.of(left), event.getPartyPresenceEvent().getLeavesList());
    }

    void expectLeader(String partyId, UserPresence leader) {
        Envelope event = expect(Envelope.MessageCase.PARTY_LEADER);
        assertEquals(partyId, event.getPartyLeader().getPartyId());
        assertEquals(leader, event.getPartyLeader().getPresence());
    }

    void expectClose(String partyId) {
        assertEquals(partyId, expect(Envelope.MessageCase.PARTY_CLOSE).getPartyClose().getPartyId());
    }

    /**
     * Nothing (else) arrived: a barrier on this socket (see {@link SocketClient}). Proves that another
     * player's request did nothing here once the server has processed it (its reply arrived, or
     * that player's own {@link #barrier()} returned).
     */
    void quiet() {
        ws.assertNothingElse();
    }

    /** The server has processed everything this player sent before; nothing may be left unread. */
    void barrier() {
        ws.assertNothingElse();
    }

    void assertOpen() {
        assertFalse(ws.isClosed(), "socket closed");
        Envelope pong = call(Envelope.newBuilder().setPing(com.heroiclabs.nakama.rtapi.Ping.getDefaultInstance()));
        assertTrue(pong.hasPong(), pong::toString);
    }

    @Override
    public void close() {
        ws.close();
    }

    // ---- request builders ------------------------------------------------------------------

    static Envelope.Builder join(String partyId) {
        return Envelope.newBuilder().setPartyJoin(PartyJoin.newBuilder().setPartyId(partyId));
    }

    static Envelope.Builder leave(String partyId) {
        return Envelope.newBuilder().setPartyLeave(PartyLeave.newBuilder().setPartyId(partyId));
    }

    static Envelope.Builder list(String partyId) {
        return Envelope.newBuilder().setPartyJoinRequestList(PartyJoinRequestList.newBuilder().setPartyId(partyId));
    }

    static Envelope.Builder accept(String partyId, UserPresence presence) {
        PartyAccept.Builder accept = PartyAccept.newBuilder().setPartyId(partyId);
        if (presence != null) {
            accept.setPresence(presence);
        }
        return Envelope.newBuilder().setPartyAccept(accept);
    }

    static Envelope.Builder remove(String partyId, UserPresence presence) {
        PartyRemove.Builder remove = PartyRemove.newBuilder().setPartyId(partyId);
        if (presence != null) {
            remove.setPresence(presence);
        }
        return Envelope.newBuilder().setPartyRemove(remove);
    }

    static Envelope.Builder promote(String partyId, UserPresence presence) {
        PartyPromote.Builder promote = PartyPromote.newBuilder().setPartyId(partyId);
        if (presence != null) {
            promote.setPresence(presence);
        }
        return Envelope.newBuilder().setPartyPromote(promote);
    }

    static Envelope.Builder close(String partyId) {
        return Envelope.newBuilder().setPartyClose(PartyClose.newBuilder().setPartyId(partyId));
    }

    static Envelope.Builder data(String partyId, long opCode, byte[] data) {
        return Envelope.newBuilder().setPartyDataSend(PartyDataSend.newBuilder()
                .setPartyId(partyId).setOpCode(opCode).setData(ByteString.copyFrom(data)));
    }
}
