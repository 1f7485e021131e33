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
