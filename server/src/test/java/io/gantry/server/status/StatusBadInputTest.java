package io.gantry.server.status;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.gantry.server.status.Peer.assertBadInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad status requests: a BAD_INPUT error with the request's cid, nothing changed, the socket open. */
@SocketScenario
class StatusBadInputTest {

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
    void followingAnUnknownUserIdFollowsNobody() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            String unknown = UUID.randomUUID().toString();
            Envelope reply = follower.follow(List.of(alice.userId(), unknown), List.of());
            assertBadInput(reply);
            assertTrue(reply.getError().getMessage().contains(unknown), reply.getError().getMessage());

            // Nothing was followed, not even the user who exists.
            alice.updateOk("unseen");
            follower.expectQuiet();
            // The socket still works.
            assertEquals(1, follower.followOk(alice.userId()).size());
        }
    }

    @Test
    void followingAnUnknownUsernameFollowsNobody() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            String unknown = "nobody-" + UUID.randomUUID();
            Envelope reply = follower.follow(List.of(alice.userId()), List.of(unknown));
            assertBadInput(reply);
            assertTrue(reply.getError().getMessage().contains(unknown), reply.getError().getMessage());
            alice.updateOk("unseen");
            follower.expectQuiet();
        }
    }

    @Test
    void aMalformedUserIdIsRefused() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            assertBadInput(follower.follow(List.of(alice.userId(), "not-a-uuid"), List.of()));
            assertBadInput(follower.follow(List.of("1-2-3-4-5"), List.of()));
            assertBadInput(follower.follow(List.of(), List.of("")));
            alice.updateOk("unseen");
            follower.expectQuiet();

            follower.followOk(alice.userId());
            assertBadInput(follower.unfollow(alice.userId(), "not-a-uuid"));
            // The good id in the refused unfollow is still followed.
            alice.updateOk("seen");
            alice.assertPresence(follower.awaitStatusEvent().getJoins(0), "seen");
        }
    }

    @Test
    void aStatusOver2048CharactersIsRefusedAndChangesNothing() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            alice.updateOk("ok");
            follower.followOk(alice.userId());
            alice.drain();

            Envelope reply = alice.update("x".repeat(2049));
            assertBadInput(reply);
            follower.expectQuiet();
            alice.expectQuiet();

            try (Peer late = Peer.hidden(server, server.newUser())) {
                List<UserPresence> presences = late.followOk(alice.userId());
                alice.assertPresence(presences.get(0), "ok");
            }
            // The socket stays open and usable.
            alice.updateOk("fine");
            alice.assertPresence(follower.awaitStatusEvent().getJoins(0), "fine");
        }
    }
}
