package io.gantry.server.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad match request gets a clear error with its cid, and changes nothing for anyone. */
@SocketScenario
class MatchBadInputTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        // a socket limit above the match data limit, so the match's own limit is what refuses
        server = TestServer.start(config -> config.with(ConfigKeys.SOCKET_MAX_MESSAGE_SIZE_BYTES, 200_000),
                runtime -> runtime.match("arena", ArenaMatch::new));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertError(Envelope reply, Error.Code code, String message) {
        assertTrue(reply.hasError(), () -> "expected an error, got " + reply);
        assertEquals(code.getNumber(), reply.getError().getCode(), reply::toString);
        assertEquals(message, reply.getError().getMessage());
    }

    @Test
    void joiningAMissingOrEndedMatchIsMatchNotFound() {
        try (Player alice = Player.connect(server)) {
            assertError(alice.join(UUID.randomUUID() + ".gantry"), Error.Code.MATCH_NOT_FOUND, "Match not found");
            assertError(alice.join(UUID.randomUUID() + "."), Error.Code.MATCH_NOT_FOUND, "Match not found");
            assertError(alice.join(UUID.randomUUID() + ".other-node"), Error.Code.MATCH_NOT_FOUND, "Match not found");

            String ended = server.server().matches().create("arena", Map.of());
            alice.joinOk(ended);
            alice.sendData(ended, ArenaMatch.OP_THROW, "end it");
            alice.awaitError();
            assertError(alice.join(ended), Error.Code.MATCH_NOT_FOUND, "Match not found");
        }
    }

    @Test
    void malformedIdsAndNamesAreBadInput() {
        try (Player alice = Player.connect(server)) {
            assertError(alice.join("not-a-match"), Error.Code.BAD_INPUT, "Invalid match id 'not-a-match'.");
            assertError(alice.join(""), Error.Code.BAD_INPUT, "Invalid match id ''.");
            assertError(alice.createMatch("x".repeat(129)), Error.Code.BAD_INPUT, "Match name must be at most 128 characters.");
            String unknown = UUID.randomUUID() + ".";
            assertError(alice.leave(unknown), Error.Code.BAD_INPUT, "Not a member of match " + unknown + ".");
        }
    }

    @Test
    void dataToAMatchNotJoinedIsRefusedAndReachesNobody() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            String relayed = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(relayed, alice.userId());
            String authoritative = server.server().matches().create("arena", Map.of());
            alice.joinOk(authoritative);

            for (String id : new String[]{relayed, authoritative}) {
                Envelope reply = bob.request(Player.data(id, ArenaMatch.OP_ECHO, "sneaky").toBuilder());
                assertError(reply, Error.Code.BAD_INPUT, "Not a member of match " + id + ".");
            }
            alice.expectSilence();
        }
    }

    @Test
    void oversizedDataIsRefusedAndNegativeOpCodesAreRelayedAsInNakama() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(id, alice.userId());
            bob.joinOk(id);
            alice.awaitJoinOf(id, bob.userId());

            alice.sendData(id, -1, "negative");
            assertEquals("negative", bob.awaitData(id, -1).getMatchData().getData().toStringUtf8(),
                    "Nakama relays any op code");
            assertError(alice.request(Player.data(id, 1, "y".repeat(64 * 1024 + 1)).toBuilder()), Error.Code.BAD_INPUT,
                    "Match data is over the limit of 65536 bytes.");
            bob.expectSilence();
            alice.sendData(id, 1, "fine");
            assertEquals("fine", bob.awaitData(id, 1).getMatchData().getData().toStringUtf8(), "the socket and the match go on");
        }
    }

    @Test
    void aPresenceFilterNamingSomeoneNotInTheMatchIsRefusedAndNothingIsSent() {
        try (Player alice = Player.connect(server); Player bob = Player.connect(server); Player carol = Player.connect(server)) {
            String id = alice.createMatch(null).getMatch().getMatchId();
            alice.awaitJoinOf(id, alice.userId());
            UserPresence bobPresence = bob.joinOk(id).getMatch().getSelf();
            alice.awaitJoinOf(id, bobPresence.getUserId());
            UserPresence stranger = UserPresence.newBuilder().setUserId(carol.userId())
                    .setSessionId(UUID.randomUUID().toString()).build();

            Envelope reply = alice.request(Player.data(id, 5, "to bob and a stranger", bobPresence, stranger).toBuilder());
            assertError(reply, Error.Code.BAD_INPUT, "Presence " + stranger.getSessionId() + " is not in match " + id + ".");
            bob.expectSilence();
            carol.expectSilence();

            // a real session id with someone else's user id is no better
            UserPresence forged = bobPresence.toBuilder().setUserId(carol.userId()).build();
            assertError(alice.request(Player.data(id, 5, "forged", forged).toBuilder()), Error.Code.BAD_INPUT,
                    "Presence " + forged.getSessionId() + " is not in match " + id + ".");
            bob.expectSilence();
        }
    }
}
