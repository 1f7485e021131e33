package io.gantry.server.status;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.StatusPresenceEvent;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Appearing online, following and unfollowing, over real sockets. */
@SocketScenario
class StatusFollowTest {

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
    void connectingOnlineSendsTheUserItsOwnJoinWithAnEmptyStatus() {
        TestUser user = server.newUser();
        try (Peer alice = Peer.online(server, user)) {
            JsonObject event = alice.awaitStatusEventJson();
            JsonArray joins = event.getAsJsonArray("joins");
            assertEquals(1, joins.size());
            JsonObject join = joins.get(0).getAsJsonObject();
            assertEquals(user.userId(), join.get("user_id").getAsString());
            assertEquals(user.username(), join.get("username").getAsString());
            assertFalse(join.get("session_id").getAsString().isEmpty());
            // A wrapper: present on the wire even when empty, so clients see "online, no text".
            assertTrue(join.has("status"), "status missing from " + join);
            assertEquals("", join.get("status").getAsString());
            assertFalse(event.has("leaves"));
            alice.expectQuiet();
        }
    }

    @Test
    void connectingHiddenSendsNothing() {
        try (Peer alice = Peer.hidden(server, server.newUser())) {
            alice.expectQuiet();
        }
    }

    @Test
    void followReturnsTheOnlineUsersOnlyAndNeverTheCaller() {
        TestUser offline = server.newUser(); // never connects
        try (Peer online = Peer.online(server, server.newUser());
             Peer hidden = Peer.hidden(server, server.newUser());
             Peer follower = Peer.online(server, server.newUser())) {
            online.updateOk("busy");
            follower.drain();

            List<UserPresence> presences = follower.followOk(online.userId(), offline.userId(), hidden.userId(),
                    follower.userId());
            assertEquals(1, presences.size(), presences.toString());
            online.assertPresence(presences.get(0), "busy");
            follower.expectQuiet();
        }
    }

    @Test
    void followersAreToldWhenAUserComesOnline() {
        TestUser aliceUser = server.newUser();
        try (Peer first = Peer.hidden(server, server.newUser());
             Peer second = Peer.hidden(server, server.newUser());
             Peer bystander = Peer.hidden(server, server.newUser())) {
            assertEquals(List.of(), first.followOk(aliceUser.userId()));
            assertEquals(List.of(), second.followOk(aliceUser.userId()));

            try (Peer alice = Peer.online(server, aliceUser)) {
                for (Peer follower : List.of(first, second)) {
                    StatusPresenceEvent event = follower.awaitStatusEvent();
                    assertEquals(1, event.getJoinsCount());
                    assertEquals(0, event.getLeavesCount());
                    alice.assertPresence(event.getJoins(0), "");
                    follower.expectQuiet();
                }
                bystander.expectQuiet();
            }
        }
    }

    @Test
    void followByUsername() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            alice.drain();
            Envelope reply = follower.follow(List.of(), List.of(alice.username()));
            assertEquals(Envelope.MessageCase.STATUS, reply.getMessageCase(), reply.toString());
            assertEquals(1, reply.getStatus().getPresencesCount());
            alice.assertPresence(reply.getStatus().getPresences(0), "");

            alice.updateOk("by name");
            StatusPresenceEvent event = follower.awaitStatusEvent();
            alice.assertPresence(event.getJoins(0), "by name");
        }
    }

    @Test
    void theSameUserByIdAndByUsernameIsFollowedOnce() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            Envelope reply = follower.follow(List.of(alice.userId()), List.of(alice.username()));
            assertEquals(1, reply.getStatus().getPresencesCount(), reply.toString());
            alice.updateOk("once");
            follower.awaitStatusEvent();
            follower.expectQuiet();
        }
    }

    @Test
    void anEmptyFollowIsAnEmptyStatus() {
        try (Peer follower = Peer.hidden(server, server.newUser())) {
            Envelope reply = follower.follow(List.of(), List.of());
            assertEquals(Envelope.MessageCase.STATUS, reply.getMessageCase());
            assertEquals(0, reply.getStatus().getPresencesCount());
        }
    }

    @Test
    void unfollowStopsTheEventsOfThatUserOnly() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer bob = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser());
             Peer other = Peer.hidden(server, server.newUser())) {
            follower.followOk(alice.userId(), bob.userId());
            other.followOk(alice.userId());

            alice.updateOk("one");
            follower.awaitStatusEvent();
            other.awaitStatusEvent();

            Envelope reply = follower.unfollow(alice.userId());
            assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, reply.getMessageCase(), reply.toString());
            assertFalse(reply.getCid().isEmpty());

            alice.updateOk("two");
            other.awaitStatusEvent(); // still following
            follower.expectQuiet();

            bob.updateOk("still followed");
            bob.assertPresence(follower.awaitStatusEvent().getJoins(0), "still followed");

            // Unfollowing someone not followed (or oneself) is fine and changes nothing.
            assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET,
                    follower.unfollow(UUID.randomUUID().toString(), follower.userId()).getMessageCase());
        }
    }

    @Test
    void followsBelongToTheSocketNotTheUser() {
        TestUser fan = server.newUser();
        try (Peer alice = Peer.online(server, server.newUser());
             Peer following = Peer.hidden(server, fan);
             Peer otherSocket = Peer.hidden(server, fan)) {
            following.followOk(alice.userId());
            alice.updateOk("hi");
            following.awaitStatusEvent();
            otherSocket.expectQuiet();
        }
    }
}
