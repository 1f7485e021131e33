package io.gantry.core.match;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.MatchCreate;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import com.heroiclabs.nakama.rtapi.MatchLeave;
import io.gantry.core.RouterHarness;
import io.gantry.core.RouterHarness.Client;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Relayed matches: create, join, data relay, leave and their errors, on the test thread. */
class RelayedMatchServiceTest {

    private final RouterHarness harness = new RouterHarness();
    private Client alice;
    private Client bob;
    private Client carol;

    @BeforeEach
    void start() {
        new MatchService(harness.router, new MatchListing(), "node1",
                token -> token.equals("good-token") ? UUID.nameUUIDFromBytes(token.getBytes()) + "." : null);
        harness.start();
        alice = harness.connect("alice");
        bob = harness.connect("bob");
        carol = harness.connect("carol");
    }

    private String createMatch() {
        Envelope created = alice.request(Envelope.newBuilder().setMatchCreate(MatchCreate.getDefaultInstance()));
        assertFalse(created.getMatch().getAuthoritative());
        assertEquals(1, created.getMatch().getSize());
        alice.take();
        return created.getMatch().getMatchId();
    }

    private static Envelope.Builder join(String matchId) {
        return Envelope.newBuilder().setMatchJoin(MatchJoin.newBuilder().setMatchId(matchId));
    }

    private static Envelope.Builder data(String matchId, int opCode) {
        return Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder()
                .setMatchId(matchId).setOpCode(opCode).setData(ByteString.copyFromUtf8("x")));
    }

    @Test
    void aJoinListsTheOthersAndEveryoneSeesIt() {
        String match = createMatch();
        Envelope joined = bob.request(join(match));
        assertEquals(match, joined.getMatch().getMatchId());
        assertEquals(List.of(alice.userId()),
                joined.getMatch().getPresencesList().stream().map(p -> p.getUserId()).toList());
        Envelope event = alice.takeOnly(e -> true);
        assertEquals(bob.userId(), event.getMatchPresenceEvent().getJoins(0).getUserId());
    }

    @Test
    void dataIsRelayedToTheOtherMembersOnly() {
        String match = createMatch();
        bob.request(join(match));
        alice.take();
        bob.take();
        alice.send(data(match, 3));
        Envelope relayed = bob.takeOnly(e -> true);
        assertEquals(3, relayed.getMatchData().getOpCode());
        assertEquals(alice.userId(), relayed.getMatchData().getPresence().getUserId());
        assertEquals(List.of(), alice.take(), "no echo");
        assertEquals(List.of(), carol.take());
    }

    @Test
    void dataIsRelayedOnThePublishingThreadOnceTheMembersArePublished() {
        String match = createMatch();
        bob.request(join(match));
        alice.take();
        bob.take();
        long direct = harness.router.directRequests();
        // published as an event loop does, and not drained: only the direct path can deliver it
        harness.router.publishRequest(alice.session, data(match, 4).build());
        assertEquals(direct + 1, harness.router.directRequests());
        Envelope relayed = bob.takeOnly(e -> true);
        assertEquals(4, relayed.getMatchData().getOpCode());
        assertEquals(match, relayed.getMatchData().getMatchId());
        assertEquals(alice.session.presence(), relayed.getMatchData().getPresence());
        assertEquals(0, harness.drain(), "nothing went to the ring");
    }

    @Test
    void dataBehindTheSendersOwnJoinWaitsForTheJoin() {
        String match = createMatch();
        // bob's join and then his data, neither handled yet: the data must not overtake the join
        harness.router.publishRequest(bob.session, join(match).setCid("j").build());
        harness.router.publishRequest(bob.session, data(match, 5).build());
        long direct = harness.router.directRequests();
        harness.drain();
        assertEquals(direct, harness.router.directRequests());
        List<Envelope> toAlice = alice.take();
        assertEquals(2, toAlice.size(), toAlice.toString());
        assertEquals(bob.userId(), toAlice.get(0).getMatchPresenceEvent().getJoins(0).getUserId());
        assertEquals(5, toAlice.get(1).getMatchData().getOpCode());
        assertEquals("j", bob.take().get(0).getCid(), "the join's answer came first");
    }

    @Test
    void aJoinerGetsItsAnswerBeforeAnyRelayedData() {
        String match = createMatch();
        bob.request(join(match));
        alice.take();
        // the join is handled and answered; its members are published at the end of that batch
        List<Envelope> toBob = bob.take();
        assertEquals(Envelope.MessageCase.MATCH, toBob.get(0).getMessageCase());
        harness.router.publishRequest(alice.session, data(match, 6).build());
        assertEquals(6, bob.takeOnly(e -> true).getMatchData().getOpCode());
    }

    @Test
    void dataFromAMemberWhoSawAJoinReachesTheJoiner() {
        String match = createMatch();
        bob.request(join(match));
        alice.take();
        bob.take();
        // alice sends the moment carol's join event reaches her, while the router is still in
        // the join's handler: the data must reach carol
        alice.onReceive(e -> {
            if (e.hasMatchPresenceEvent() && e.getMatchPresenceEvent().getJoinsCount() > 0) {
                harness.router.publishRequest(alice.session, data(match, 11).build());
            }
        });
        long direct = harness.router.directRequests();
        carol.request(join(match));
        assertEquals(direct + 1, harness.router.directRequests());
        List<Envelope> toCarol = carol.take();
        assertEquals(Envelope.MessageCase.MATCH, toCarol.get(0).getMessageCase(), "the join's answer first");
        assertEquals(11, toCarol.stream().filter(Envelope::hasMatchData).findFirst().orElseThrow().getMatchData().getOpCode());
    }

    @Test
    void nothingIsRelayedToAMemberOnceItsLeaveIsHandled() {
        String match = createMatch();
        bob.request(join(match));
        carol.request(join(match));
        alice.take();
        bob.take();
        carol.request(Envelope.newBuilder().setMatchLeave(MatchLeave.newBuilder().setMatchId(match)));
        carol.take();
        bob.take();
        alice.take();
        harness.router.publishRequest(alice.session, data(match, 7).build());
        assertEquals(7, bob.takeOnly(e -> true).getMatchData().getOpCode());
        assertEquals(List.of(), carol.take());
        // and a sender that left is refused by the router, as before
        String cid = carol.send(data(match, 8));
        assertEquals("Not a member of match " + match + ".", carol.reply(cid).getError().getMessage());
        assertEquals(List.of(), bob.take());
    }

    @Test
    void aDisconnectedMemberLeavesThePublishedMembers() {
        String match = createMatch();
        bob.request(join(match));
        carol.request(join(match));
        alice.take();
        bob.take();
        carol.take();
        carol.disconnect();
        alice.take();
        bob.take();
        harness.router.publishRequest(alice.session, data(match, 9).build());
        assertEquals(9, bob.takeOnly(e -> true).getMatchData().getOpCode());
        assertEquals(List.of(), carol.take());
        bob.disconnect();
        alice.take();
        long direct = harness.router.directRequests();
        harness.router.publishRequest(alice.session, data(match, 10).build());
        assertEquals(direct + 1, harness.router.directRequests(), "alone in the match: relayed to nobody");
        assertEquals(List.of(), alice.take());
    }

    @Test
    void aLeaveAndADisconnectAreAnnounced() {
        String match = createMatch();
        bob.request(join(match));
        carol.request(join(match));
        alice.take();
        bob.take();
        Envelope ack = carol.request(Envelope.newBuilder().setMatchLeave(MatchLeave.newBuilder().setMatchId(match)));
        assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, ack.getMessageCase());
        assertEquals(carol.userId(), alice.takeOnly(e -> true).getMatchPresenceEvent().getLeaves(0).getUserId());
        bob.take();
        bob.disconnect();
        assertEquals(bob.userId(), alice.takeOnly(e -> true).getMatchPresenceEvent().getLeaves(0).getUserId());
    }

    @Test
    void aMatchmakerTokenCreatesTheMatchOnFirstJoin() {
        Envelope joined = bob.request(Envelope.newBuilder().setMatchJoin(MatchJoin.newBuilder().setToken("good-token")));
        assertEquals(UUID.nameUUIDFromBytes("good-token".getBytes()) + ".", joined.getMatch().getMatchId());
    }

    static Stream<Arguments> badRequests() {
        String missing = UUID.randomUUID() + ".";
        return Stream.of(
                Arguments.of("join an unknown match", join(missing), Error.Code.MATCH_NOT_FOUND_VALUE, "Match not found"),
                Arguments.of("join a malformed id", join("nope"), Error.Code.BAD_INPUT_VALUE, "Invalid match id 'nope'."),
                Arguments.of("join with a bad token",
                        Envelope.newBuilder().setMatchJoin(MatchJoin.newBuilder().setToken("forged")),
                        Error.Code.BAD_INPUT_VALUE, "Invalid or expired match token."),
                Arguments.of("create with a long name",
                        Envelope.newBuilder().setMatchCreate(MatchCreate.newBuilder().setName("n".repeat(129))),
                        Error.Code.BAD_INPUT_VALUE, "Match name must be at most 128 characters."),
                Arguments.of("leave a match one is not in",
                        Envelope.newBuilder().setMatchLeave(MatchLeave.newBuilder().setMatchId(missing)),
                        Error.Code.BAD_INPUT_VALUE, "Not a member of match " + missing + "."),
                Arguments.of("data to a match one is not in", data(missing, 1),
                        Error.Code.BAD_INPUT_VALUE, "Not a member of match " + missing + "."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsAreAnsweredWithTheirCid(String name, Envelope.Builder request, int code, String message) {
        String cid = carol.send(request);
        Envelope reply = carol.takeOnly(e -> true);
        assertEquals(cid, reply.getCid());
        assertEquals(code, reply.getError().getCode());
        assertEquals(message, reply.getError().getMessage());
    }
}
