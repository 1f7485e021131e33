package io.gantry.server.status;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.StatusPresenceEvent;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code status_update}: new text, no text (offline), and updates from a hidden socket. */
@SocketScenario
class StatusUpdateTest {

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
    void anUpdateIsOneEventWithTheNewStatusAsJoinAndTheOldAsLeave() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer first = Peer.hidden(server, server.newUser());
             Peer second = Peer.hidden(server, server.newUser());
             Peer bystander = Peer.hidden(server, server.newUser())) {
            alice.awaitStatusEvent(); // her own join at connect
            first.followOk(alice.userId());
            second.followOk(alice.userId());

            alice.updateOk("in lobby");
            for (Peer follower : List.of(first, second)) {
                StatusPresenceEvent event = follower.awaitStatusEvent();
                assertEquals(1, event.getJoinsCount());
                assertEquals(1, event.getLeavesCount());
                alice.assertPresence(event.getJoins(0), "in lobby");
                alice.assertPresence(event.getLeaves(0), "");
                assertEquals(event.getJoins(0).getSessionId(), event.getLeaves(0).getSessionId());
                follower.expectQuiet();
            }
            // She follows herself: her own event comes after the reply to her update.
            StatusPresenceEvent own = alice.awaitStatusEvent();
            alice.assertPresence(own.getJoins(0), "in lobby");
            alice.expectQuiet();
            bystander.expectQuiet();

            alice.updateOk("in match");
            StatusPresenceEvent next = first.awaitStatusEvent();
            alice.assertPresence(next.getJoins(0), "in match");
            alice.assertPresence(next.getLeaves(0), "in lobby");

            // Listing agrees with the events.
            try (Peer late = Peer.hidden(server, server.newUser())) {
                List<UserPresence> presences = late.followOk(alice.userId());
                assertEquals(1, presences.size());
                alice.assertPresence(presences.get(0), "in match");
            }
        }
    }

    @Test
    void anUpdateWithoutStatusAppearsOffline() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            alice.updateOk("going away");
            follower.followOk(alice.userId());

            alice.updateOk(null);
            StatusPresenceEvent event = follower.awaitStatusEvent();
            assertEquals(0, event.getJoinsCount());
            assertEquals(1, event.getLeavesCount());
            alice.assertPresence(event.getLeaves(0), "going away");
            follower.expectQuiet();

            try (Peer late = Peer.hidden(server, server.newUser())) {
                assertEquals(List.of(), late.followOk(alice.userId()));
            }

            // Already offline: nothing to tell anyone.
            alice.updateOk(null);
            follower.expectQuiet();

            // And back online with a text: a join only.
            alice.updateOk("back");
            StatusPresenceEvent back = follower.awaitStatusEvent();
            assertEquals(1, back.getJoinsCount());
            assertEquals(0, back.getLeavesCount());
            alice.assertPresence(back.getJoins(0), "back");
        }
    }

    @Test
    void anUpdateFromAHiddenSocketMakesItAppearOnline() {
        try (Peer alice = Peer.hidden(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            assertEquals(List.of(), follower.followOk(alice.userId()));

            alice.updateOk("now visible");
            StatusPresenceEvent event = follower.awaitStatusEvent();
            assertEquals(1, event.getJoinsCount());
            assertEquals(0, event.getLeavesCount());
            alice.assertPresence(event.getJoins(0), "now visible");
            // Every socket follows its own user, so she sees her own join too.
            alice.assertPresence(alice.awaitStatusEvent().getJoins(0), "now visible");
        }
    }

    @Test
    void aStatusOfExactly2048CharactersIsAccepted() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer follower = Peer.hidden(server, server.newUser())) {
            follower.followOk(alice.userId());
            String longest = "s".repeat(2048);
            alice.updateOk(longest);
            alice.assertPresence(follower.awaitStatusEvent().getJoins(0), longest);
        }
    }

    @Test
    void aProtobufFollowerGetsTheSameEvents() {
        try (Peer alice = Peer.online(server, server.newUser());
             SocketClient follower = server.connect(server.newUser(), "protobuf")) {
            follower.sendProtobuf(Envelope.newBuilder().setCid("1").setStatusFollow(
                    com.heroiclabs.nakama.rtapi.StatusFollow.newBuilder().addUserIds(alice.userId())).build());
            Envelope reply = follower.awaitEnvelope(e -> e.getCid().equals("1"));
            assertEquals(1, reply.getStatus().getPresencesCount());
            alice.updateOk("binary");
            Envelope event = follower.awaitEnvelope(Envelope::hasStatusPresenceEvent);
            // (its own join at connect may come first: skip events about itself)
            while (!event.getStatusPresenceEvent().getJoins(0).getUserId().equals(alice.userId())) {
                event = follower.awaitEnvelope(Envelope::hasStatusPresenceEvent);
            }
            alice.assertPresence(event.getStatusPresenceEvent().getJoins(0), "binary");
        }
    }
}
