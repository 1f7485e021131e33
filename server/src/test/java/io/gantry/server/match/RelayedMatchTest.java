package io.gantry.server.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Match;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relayed matches: the server forwards data between the players and keeps no game state. */
@SocketScenario
class RelayedMatchTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Set<String> userIds(java.util.List<UserPresence> presences) {
        return presences.stream().map(UserPresence::getUserId).collect(Collectors.toSet());
    }

    @Test
    void createAnswersWithTheMatchThenTheCreatorsOwnJoin() {
        try (Player alice = Player.connect(server)) {
            Envelope reply = alice.createMatch(null);
            Match match = reply.getMatch();
            assertTrue(match.getMatchId().matches("[0-9a-f-]{36}\\."), match.getMatchId());
            assertFalse(match.getAuthoritative());
            assertFalse(match.hasLabel(), "a relayed match has no label");
            assertEquals(1, match.getSize());
            assertEquals(alice.userId(), match.getSelf().getUserId());
            Envelope own = alice.awaitJoinOf(match.getMatchId(), alice.userId());
            assertTrue(own.getCid().isEmpty(), "events carry no cid");
        }
    }

    @Test
    void creatingTheSameNameTwiceGivesTheSameMatch() {
        String name = "lobby-" + UUID.randomUUID();
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            String first = alice.createMatch(name).getMatch().getMatchId();
            Envelope second = bob.createMatch(name);
            assertEquals(first, second.getMatch().getMatchId());
            assertEquals(Set.of(alice.userId()), userIds(second.getMatch().getPresencesList()));
            assertEquals(2, second.getMatch().getSize(), "a named create counts every member, the creator included");
            alice.awaitJoinOf(first, bob.userId());
            assertNotEquals(first, alice.createMatch("other-" + name).getMatch().getMatchId(), "another name, another match");
        }
    }

    @Test
    void joinersSeeWhoIsThereAndEveryoneSeesTheJoinAfterTheReply() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server); Player carol = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(id, alice.userId());

            Envelope reply = bob.join(id, Map.of("skill", "42")); // metadata is accepted (and unused) by relayed matches
            assertEquals(id, reply.getMatch().getMatchId());
            assertEquals(1, reply.getMatch().getSize(), "size counts the others");
            assertEquals(Set.of(alice.userId()), userIds(reply.getMatch().getPresencesList()));
            assertEquals(bob.userId(), reply.getMatch().getSelf().getUserId());
            Envelope own = bob.awaitJoinOf(id, bob.userId()); // after its reply
            assertEquals(1, own.getMatchPresenceEvent().getJoinsCount());
            alice.awaitJoinOf(id, bob.userId());

            carol.joinOk(id);
            alice.awaitJoinOf(id, carol.userId());
            bob.awaitJoinOf(id, carol.userId());
        }
    }

    @Test
    void joiningAgainListsEveryoneTheCallerIncludedAndAnnouncesNothing() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(id, alice.userId());
            bob.joinOk(id);
            alice.awaitJoinOf(id, bob.userId());

            Match again = bob.join(id, Map.of()).getMatch();
            assertEquals(id, again.getMatchId());
            assertEquals(Set.of(alice.userId(), bob.userId()), userIds(again.getPresencesList()),
                    "a re-join lists every member, the caller included, as Nakama");
            assertEquals(2, again.getSize(), "size counts the listed presences");
            assertEquals(bob.userId(), again.getSelf().getUserId());
            alice.expectSilence();
            bob.expectSilence();
        }
    }

    @Test
    void dataReachesEveryOtherPlayerAndIsNotEchoed() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server); Player carol = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(id, alice.userId());
            bob.joinOk(id);
            carol.joinOk(id);
            alice.awaitJoinOf(id, carol.userId());
            bob.awaitJoinOf(id, carol.userId());
            alice.awaitJoinOf(id, bob.userId());

            alice.sendData(id, 12, "{\"x\":1}");
            for (Player other : new Player[]{bob, carol}) {
                MatchData data = other.awaitData(id, 12).getMatchData();
                assertEquals("{\"x\":1}", data.getData().toStringUtf8());
                assertEquals(alice.userId(), data.getPresence().getUserId());
                assertTrue(data.getReliable());
            }
            alice.expectSilence();
        }
    }

    @Test
    void dataToListedPresencesReachesOnlyThemTheSenderIncludedWhenListed() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server); Player carol = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            UserPresence alicePresence = alice.awaitJoinOf(id, alice.userId()).getMatchPresenceEvent().getJoins(0);
            UserPresence bobPresence = bob.joinOk(id).getMatch().getSelf();
            carol.joinOk(id);
            alice.awaitJoinOf(id, carol.userId());
            alice.awaitJoinOf(id, bob.userId());
            bob.awaitJoinOf(id, carol.userId());

            alice.sendData(id, 3, "to bob", bobPresence);
            assertEquals("to bob", bob.awaitData(id, 3).getMatchData().getData().toStringUtf8());
            carol.expectSilence();
            alice.expectSilence();

            alice.sendData(id, 4, "to bob and me", bobPresence, alicePresence);
            assertEquals("to bob and me", bob.awaitData(id, 4).getMatchData().getData().toStringUtf8());
            assertEquals(alice.userId(), alice.awaitData(id, 4).getMatchData().getPresence().getUserId());
            carol.expectSilence();
        }
    }

    @Test
    void leavingTellsTheOthersAndAnEmptyMatchEnds() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server); Player carol = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(id, alice.userId());
            bob.joinOk(id);
            alice.awaitJoinOf(id, bob.userId());

            Envelope left = bob.leave(id);
            assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, left.getMessageCase(), "the leave is acknowledged: " + left);
            alice.awaitLeaveOf(id, bob.userId());
            bob.expectSilence(); // no event for one's own leave

            bob.sendData(id, 1, "after leaving");
            assertEquals(Error.Code.BAD_INPUT_VALUE, bob.awaitError().getError().getCode());
            alice.expectSilence();

            alice.leave(id);
            Envelope gone = carol.join(id);
            assertEquals(Error.Code.MATCH_NOT_FOUND_VALUE, gone.getError().getCode(), gone::toString);
        }
    }

    @Test
    void aDisconnectIsALeave() {
        try (Player alice = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(id, alice.userId());
            Player bob = Player.connect(server);
            bob.joinOk(id);
            alice.awaitJoinOf(id, bob.userId());
            bob.close();
            alice.awaitLeaveOf(id, bob.userId());
        }
    }
}
