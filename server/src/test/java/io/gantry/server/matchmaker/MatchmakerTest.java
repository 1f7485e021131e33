package io.gantry.server.matchmaker;

import com.google.protobuf.Int32Value;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import com.heroiclabs.nakama.rtapi.MatchmakerAdd;
import com.heroiclabs.nakama.rtapi.MatchmakerMatched;
import com.heroiclabs.nakama.rtapi.MatchmakerRemove;
import com.heroiclabs.nakama.rtapi.PartyCreate;
import com.heroiclabs.nakama.rtapi.PartyJoin;
import com.heroiclabs.nakama.rtapi.PartyMatchmakerAdd;
import com.heroiclabs.nakama.rtapi.PartyMatchmakerRemove;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matchmaker over real sockets, with a one-second interval. */
@SocketScenario
class MatchmakerTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config.with(ConfigKeys.MATCHMAKER_INTERVAL_SEC, 1L));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Envelope add(SocketClient socket, MatchmakerAdd.Builder add) {
        String cid = socket.nextCid();
        socket.send(Envelope.newBuilder().setCid(cid).setMatchmakerAdd(add).build());
        return socket.awaitEnvelope(e -> e.getCid().equals(cid));
    }

    static MatchmakerAdd.Builder request(String query, int min, int max) {
        return MatchmakerAdd.newBuilder().setQuery(query).setMinCount(min).setMaxCount(max);
    }

    static MatchmakerMatched matched(SocketClient socket) {
        return socket.awaitEnvelope(Envelope::hasMatchmakerMatched).getMatchmakerMatched();
    }

    /**
     * Returns once the matchmaker has run a whole interval with every ticket added before the call
     * in its pool: a pair of fresh tickets that must match is matched in some interval N, then a
     * second pair, added after, in a later one, so interval N (which saw the earlier tickets) has
     * finished and sent every {@code matchmaker_matched} it formed. A barrier on a socket then
     * shows whether it was matched.
     */
    static void awaitAFullInterval() {
        for (int round = 0; round < 2; round++) {
            String tag = "probe" + System.nanoTime();
            try (SocketClient one = server.connect(server.newUser()); SocketClient two = server.connect(server.newUser())) {
                add(one, request("+properties.group:" + tag, 2, 2).putStringProperties("group", tag));
                add(two, request("+properties.group:" + tag, 2, 2).putStringProperties("group", tag));
                matched(one);
                matched(two);
            }
        }
    }

    @Test
    void playersArePairedByRegionAndJoinOneMatchByToken() {
        List<TestUser> users = new ArrayList<>();
        List<SocketClient> sockets = new ArrayList<>();
        String[] regions = {"eu", "us", "eu", "us"};
        String tag = "r" + System.nanoTime();
        try {
            List<String> tickets = new ArrayList<>();
            for (String region : regions) {
                TestUser user = server.newUser();
                SocketClient socket = server.connect(user, "json");
                users.add(user);
                sockets.add(socket);
                Envelope ticket = add(socket, request("+properties.region:" + region + tag, 2, 2)
                        .putStringProperties("region", region + tag)
                        .putNumericProperties("rank", 7));
                assertTrue(ticket.hasMatchmakerTicket(), ticket::toString);
                tickets.add(ticket.getMatchmakerTicket().getTicket());
            }
            List<MatchmakerMatched> results = new ArrayList<>();
            for (SocketClient socket : sockets) {
                results.add(matched(socket));
            }
            for (int i = 0; i < 4; i++) {
                MatchmakerMatched result = results.get(i);
                assertEquals(tickets.get(i), result.getTicket(), "each player gets its own ticket");
                assertEquals(users.get(i).userId(), result.getSelf().getPresence().getUserId());
                assertEquals(2, result.getUsersCount());
                assertFalse(result.getToken().isEmpty());
                assertEquals(MatchmakerMatched.IdCase.TOKEN, result.getIdCase());
                Set<String> matchedRegions = new HashSet<>();
                result.getUsersList().forEach(u -> matchedRegions.add(u.getStringPropertiesOrThrow("region")));
                assertEquals(Set.of(regions[i] + tag), matchedRegions);
                assertEquals(7.0, result.getSelf().getNumericPropertiesOrThrow("rank"));
            }
            // players 0 and 2 (eu) share a token; joining with it puts them in one relayed match
            assertEquals(results.get(0).getToken(), results.get(2).getToken());
            assertNotEquals(results.get(0).getToken(), results.get(1).getToken());
            String first = join(sockets.get(0), results.get(0).getToken());
            String second = join(sockets.get(2), results.get(2).getToken());
            assertEquals(first, second);
            assertTrue(first.endsWith("."), "a relayed match id");
        } finally {
            sockets.forEach(SocketClient::close);
        }
    }

    static String join(SocketClient socket, String token) {
        String cid = socket.nextCid();
        socket.send(Envelope.newBuilder().setCid(cid).setMatchJoin(MatchJoin.newBuilder().setToken(token)).build());
        Envelope reply = socket.awaitEnvelope(e -> e.getCid().equals(cid));
        assertTrue(reply.hasMatch(), reply::toString);
        return reply.getMatch().getMatchId();
    }

    @Test
    void aForgedTokenIsRefused() {
        try (SocketClient socket = server.connect(server.newUser())) {
            String cid = socket.nextCid();
            socket.send(Envelope.newBuilder().setCid(cid).setMatchJoin(MatchJoin.newBuilder().setToken("a.b.c")).build());
            assertEquals(3, socket.awaitEnvelope(e -> e.getCid().equals(cid)).getError().getCode());
        }
    }

    @Test
    void aGroupSettlesForFewerThanMaxOnTheLastInterval() {
        String tag = "settle" + System.nanoTime();
        List<SocketClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SocketClient socket = server.connect(server.newUser());
                sockets.add(socket);
                add(socket, request("+properties.group:" + tag, 2, 4).putStringProperties("group", tag));
            }
            for (SocketClient socket : sockets) {
                assertEquals(3, matched(socket).getUsersCount());
            }
        } finally {
            sockets.forEach(SocketClient::close);
        }
    }

    @Test
    void aDisconnectWithdrawsTheTickets() {
        String tag = "gone" + System.nanoTime();
        SocketClient leaving = server.connect(server.newUser());
        add(leaving, request("+properties.group:" + tag, 2, 2).putStringProperties("group", tag));
        leaving.close();
        try (SocketClient staying = server.connect(server.newUser())) {
            add(staying, request("+properties.group:" + tag, 2, 2).putStringProperties("group", tag));
            awaitAFullInterval();
            staying.assertNothingElse();
        }
    }

    @Test
    void removingATicketWithdrawsIt() {
        String tag = "rm" + System.nanoTime();
        try (SocketClient a = server.connect(server.newUser()); SocketClient b = server.connect(server.newUser())) {
            String ticket = add(a, request("+properties.group:" + tag, 2, 2).putStringProperties("group", tag))
                    .getMatchmakerTicket().getTicket();
            String cid = a.nextCid();
            a.send(Envelope.newBuilder().setCid(cid).setMatchmakerRemove(MatchmakerRemove.newBuilder().setTicket(ticket)).build());
            Envelope ack = a.awaitEnvelope(e -> e.getCid().equals(cid));
            assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, ack.getMessageCase());
            add(b, request("+properties.group:" + tag, 2, 2).putStringProperties("group", tag));
            awaitAFullInterval();
            b.assertNothingElse();
        }
    }

    @Test
    void badRequestsAreBadInputWithTheCid() {
        try (SocketClient socket = server.connect(server.newUser())) {
            assertBadInput(add(socket, request("+properties.region:", 2, 2)), "position");
            assertBadInput(add(socket, request("*", 1, 2)), "minimum count");
            assertBadInput(add(socket, request("*", 4, 2)), "maximum count");
            assertBadInput(add(socket, request("*", 2, 5).setCountMultiple(Int32Value.of(2))), "multiple");
            assertBadInput(add(socket, request("*", 2, 2).putStringProperties("bad key", "x")), "property");
            assertBadInput(add(socket, request("*", 2, 2).putStringProperties("k", "x".repeat(300))), "256");
            Map<String, String> many = new java.util.HashMap<>();
            for (int i = 0; i < 40; i++) {
                many.put("k" + i, "v");
            }
            assertBadInput(add(socket, request("*", 2, 2).putAllStringProperties(many)), "Too many");
            String cid = socket.nextCid();
            socket.send(Envelope.newBuilder().setCid(cid).setMatchmakerRemove(MatchmakerRemove.newBuilder().setTicket("nope")).build());
            assertBadInput(socket.awaitEnvelope(e -> e.getCid().equals(cid)), "not found");
            // and still usable
            assertTrue(add(socket, request("+properties.x:never", 2, 2)).hasMatchmakerTicket());
        }
    }

    @Test
    void aSessionHoldsAtMostThreeTickets() {
        try (SocketClient socket = server.connect(server.newUser())) {
            for (int i = 0; i < 3; i++) {
                assertTrue(add(socket, request("+properties.x:never", 2, 2)).hasMatchmakerTicket());
            }
            assertBadInput(add(socket, request("+properties.x:never", 2, 2)), "at most 3");
        }
    }

    static void assertBadInput(Envelope reply, String fragment) {
        assertEquals(3, reply.getError().getCode(), reply::toString);
        assertTrue(reply.getError().getMessage().contains(fragment), reply.getError().getMessage());
    }

    @Test
    void aPartyIsMatchedAsAUnit() {
        String tag = "party" + System.nanoTime();
        try (SocketClient leader = server.connect(server.newUser(), "json");
             SocketClient member = server.connect(server.newUser(), "json");
             SocketClient solo = server.connect(server.newUser(), "json")) {
            String cid = leader.nextCid();
            leader.send(Envelope.newBuilder().setCid(cid).setPartyCreate(PartyCreate.newBuilder().setOpen(true).setMaxSize(4)).build());
            String partyId = leader.awaitEnvelope(e -> e.getCid().equals(cid)).getParty().getPartyId();
            String joinCid = member.nextCid();
            member.send(Envelope.newBuilder().setCid(joinCid).setPartyJoin(PartyJoin.newBuilder().setPartyId(partyId)).build());
            member.awaitEnvelope(Envelope::hasParty);

            // a member may not add a party ticket
            String memberCid = member.nextCid();
            member.send(Envelope.newBuilder().setCid(memberCid).setPartyMatchmakerAdd(PartyMatchmakerAdd.newBuilder()
                    .setPartyId(partyId).setMinCount(3).setMaxCount(3).setQuery("*")).build());
            assertEquals(3, member.awaitEnvelope(e -> e.getCid().equals(memberCid)).getError().getCode());

            String addCid = leader.nextCid();
            leader.send(Envelope.newBuilder().setCid(addCid).setPartyMatchmakerAdd(PartyMatchmakerAdd.newBuilder()
                    .setPartyId(partyId).setMinCount(3).setMaxCount(3).setQuery("+properties.group:" + tag)
                    .putStringProperties("group", tag)).build());
            Envelope ticket = leader.awaitEnvelope(e -> e.getCid().equals(addCid));
            assertTrue(ticket.hasPartyMatchmakerTicket(), ticket::toString);
            String partyTicket = ticket.getPartyMatchmakerTicket().getTicket();
            assertEquals(partyTicket, member.awaitEnvelope(Envelope::hasPartyMatchmakerTicket).getPartyMatchmakerTicket().getTicket());

            add(solo, request("+properties.group:" + tag, 3, 3).putStringProperties("group", tag));
            MatchmakerMatched forLeader = matched(leader);
            MatchmakerMatched forMember = matched(member);
            MatchmakerMatched forSolo = matched(solo);
            assertEquals(3, forSolo.getUsersCount());
            assertEquals(partyTicket, forLeader.getTicket());
            assertEquals(partyTicket, forMember.getTicket());
            assertEquals(partyId, forMember.getSelf().getPartyId());
            assertEquals(forLeader.getToken(), forSolo.getToken());
        }
    }

    @Test
    void aPartyTicketCanBeWithdrawnByTheLeader() {
        try (SocketClient leader = server.connect(server.newUser(), "json")) {
            String cid = leader.nextCid();
            leader.send(Envelope.newBuilder().setCid(cid).setPartyCreate(PartyCreate.newBuilder().setOpen(true).setMaxSize(4)).build());
            String partyId = leader.awaitEnvelope(e -> e.getCid().equals(cid)).getParty().getPartyId();
            String addCid = leader.nextCid();
            leader.send(Envelope.newBuilder().setCid(addCid).setPartyMatchmakerAdd(PartyMatchmakerAdd.newBuilder()
                    .setPartyId(partyId).setMinCount(2).setMaxCount(2).setQuery("+properties.x:never")).build());
            String ticket = leader.awaitEnvelope(e -> e.getCid().equals(addCid)).getPartyMatchmakerTicket().getTicket();
            String removeCid = leader.nextCid();
            leader.send(Envelope.newBuilder().setCid(removeCid).setPartyMatchmakerRemove(PartyMatchmakerRemove.newBuilder()
                    .setPartyId(partyId).setTicket(ticket)).build());
            assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET,
                    leader.awaitEnvelope(e -> e.getCid().equals(removeCid)).getMessageCase());
        }
    }
}
