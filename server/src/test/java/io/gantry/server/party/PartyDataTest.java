package io.gantry.server.party;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.PartyData;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Party data reaches every member but the sender, with the sender's presence and op code. */
@SocketScenario
class PartyDataTest {

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
    void dataReachesEveryOtherMemberAndIsNotEchoedNorAcknowledgedWithoutCid() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server);
             PartyPlayer d = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c, d);
            byte[] payload = {0, 1, 2, (byte) 0xff, '{', '}'};
            b.sendRaw(PartyPlayer.data(id, 42, payload).build()); // as nakama-js sends it: no cid
            for (PartyPlayer member : List.of(a, c, d)) {
                PartyData data = member.expect(Envelope.MessageCase.PARTY_DATA).getPartyData();
                assertEquals(id, data.getPartyId());
                assertEquals(b.self, data.getPresence());
                assertEquals(42, data.getOpCode());
                assertArrayEquals(payload, data.getData().toByteArray());
            }
            b.quiet();

            // each sender's data in its order; two senders' data may interleave either way (they
            // reach the router from different sockets), so c's may come before, between or after a's
            a.sendRaw(PartyPlayer.data(id, 1, new byte[]{1}).build());
            a.sendRaw(PartyPlayer.data(id, 2, new byte[]{2}).build());
            c.sendRaw(PartyPlayer.data(id, 3, new byte[]{3}).build());
            List<PartyData> received = List.of(b.expect(Envelope.MessageCase.PARTY_DATA).getPartyData(),
                    b.expect(Envelope.MessageCase.PARTY_DATA).getPartyData(),
                    b.expect(Envelope.MessageCase.PARTY_DATA).getPartyData());
            List<PartyData> fromA = received.stream().filter(data -> data.getPresence().equals(a.self)).toList();
            assertEquals(List.of(1L, 2L), fromA.stream().map(PartyData::getOpCode).toList(), "a's data, in a's order");
            assertEquals(List.of(3L), received.stream().filter(data -> data.getPresence().equals(c.self))
                    .map(PartyData::getOpCode).toList(), "c's data");
        }
    }

    @Test
    void aSendWithACidIsAcknowledged() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            a.callOk(PartyPlayer.data(id, 7, new byte[0]));
            PartyData forB = b.expect(Envelope.MessageCase.PARTY_DATA).getPartyData();
            assertEquals(7, forB.getOpCode());
            assertEquals(0, forB.getData().size());
            c.expect(Envelope.MessageCase.PARTY_DATA);
            a.quiet();
        }
    }

    @Test
    void jsonCarriesOpCodeAsAStringAndDataAsBase64() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer c = PartyPlayer.connect(server, "protobuf")) {
            String id = PartyLeaderTest.partyOf(a, b, c);
            a.ws.sendText("{\"party_data_send\":{\"party_id\":\"" + id + "\",\"op_code\":\"9\",\"data\":\"aGVsbG8=\"}}");
            var json = b.ws.next().json().getAsJsonObject("party_data");
            assertEquals("9", json.get("op_code").getAsString());
            assertEquals("aGVsbG8=", json.get("data").getAsString());
            assertEquals(a.self.getSessionId(), json.getAsJsonObject("presence").get("session_id").getAsString());
            PartyData binary = c.expect(Envelope.MessageCase.PARTY_DATA).getPartyData();
            assertEquals("hello", binary.getData().toStringUtf8());
        }
    }

    @Test
    void nonMembersCannotSendAndNobodyReceivesAnything() {
        try (PartyPlayer a = PartyPlayer.connect(server);
             PartyPlayer b = PartyPlayer.connect(server);
             PartyPlayer stranger = PartyPlayer.connect(server)) {
            String id = PartyLeaderTest.partyOf(a, b);
            assertTrue(stranger.callBadInput(PartyPlayer.data(id, 1, new byte[]{1})).contains("member"));
            // without a cid the error still comes, with no cid
            stranger.sendRaw(PartyPlayer.data(id, 1, new byte[]{1}).build());
            Envelope error = stranger.next();
            assertEquals(3, error.getError().getCode());
            assertEquals("", error.getCid());
            a.quiet();
            b.quiet();
        }
    }
}
