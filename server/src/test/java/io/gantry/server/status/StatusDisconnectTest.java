package io.gantry.server.status;

import com.google.protobuf.BoolValue;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
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
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Disconnects, and users with several sockets. */
@SocketScenario
class StatusDisconnectTest {

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
    void aDisconnectIsALeaveWithTheLastStatusForEveryFollower() {
        try (Peer first = Peer.hidden(server, server.newUser());
             Peer second = Peer.hidden(server, server.newUser());
             Peer bystander = Peer.hidden(server, server.newUser())) {
            Peer alice = Peer.online(server, server.newUser());
            alice.updateOk("afk");
            first.followOk(alice.userId());
            second.followOk(alice.userId());

            alice.close();
            for (Peer follower : List.of(first, second)) {
                StatusPresenceEvent event = follower.awaitStatusEvent();
                assertEquals(0, event.getJoinsCount());
                assertEquals(1, event.getLeavesCount());
                alice.assertPresence(event.getLeaves(0), "afk");
                follower.expectQuiet();
            }
            bystander.expectQuiet();
            assertEquals(List.of(), first.followOk(alice.userId()));
        }
    }

    @Test
    void aHiddenSocketLeavesWithoutAWord() {
        try (Peer follower = Peer.hidden(server, server.newUser())) {
            Peer alice = Peer.hidden(server, server.newUser());
            String room = shareRoom(follower, alice);
            follower.followOk(alice.userId());
            alice.close();
            awaitLeave(follower, room, alice);
            follower.expectQuiet();
        }
    }

    @Test
    void aSocketThatWentOfflineLeavesWithoutAWord() {
        try (Peer follower = Peer.hidden(server, server.newUser())) {
            Peer alice = Peer.online(server, server.newUser());
            String room = shareRoom(follower, alice);
            follower.followOk(alice.userId());
            alice.updateOk(null);
            follower.awaitStatusEvent();
            alice.close();
            awaitLeave(follower, room, alice);
            follower.expectQuiet();
        }
    }

    /**
     * Puts both sockets in a fresh chat room, so that the watcher sees the other's disconnect as a
     * leave there: proof that the router has processed the disconnect (status included) before a
     * barrier on the watcher. Returns the room's channel id, with both join events consumed.
     */
    private static String shareRoom(Peer watcher, Peer other) {
        ChannelJoin join = ChannelJoin.newBuilder().setTarget("witness-" + UUID.randomUUID().toString().substring(0, 8))
                .setType(1).setPersistence(BoolValue.of(false)).build();
        String id = watcher.request(Envelope.newBuilder().setChannelJoin(join)).getChannel().getId();
        assertEquals(Envelope.MessageCase.CHANNEL, other.request(Envelope.newBuilder().setChannelJoin(join)).getMessageCase());
        for (Peer joined : List.of(watcher, other)) {
            watcher.awaitFrame(e -> e.hasChannelPresenceEvent() && e.getChannelPresenceEvent().getChannelId().equals(id)
                    && e.getChannelPresenceEvent().getJoinsList().stream().anyMatch(p -> p.getUserId().equals(joined.userId())),
                    "the join of " + joined.username());
        }
        other.drain();
        return id;
    }

    private static void awaitLeave(Peer watcher, String channelId, Peer other) {
        watcher.awaitFrame(e -> e.hasChannelPresenceEvent() && e.getChannelPresenceEvent().getChannelId().equals(channelId)
                && e.getChannelPresenceEvent().getLeavesList().stream().anyMatch(p -> p.getUserId().equals(other.userId())),
                "the leave of " + other.username());
    }

    @Test
    void aUserWithTwoSocketsIsOnlineWhileEitherIs() {
        TestUser aliceUser = server.newUser();
        try (Peer follower = Peer.hidden(server, server.newUser());
             Peer late = Peer.hidden(server, server.newUser())) {
            Peer phone = Peer.online(server, aliceUser);
            String phoneSession = phone.awaitStatusEvent().getJoins(0).getSessionId();
            Peer laptop = Peer.online(server, aliceUser);
            // Each socket is its own presence: the laptop's join reaches the phone too.
            String laptopSession = laptop.awaitStatusEvent().getJoins(0).getSessionId();
            assertEquals(laptopSession, phone.awaitStatusEvent().getJoins(0).getSessionId());
            assertNotEquals(phoneSession, laptopSession);

            List<UserPresence> both = follower.followOk(aliceUser.userId());
            assertEquals(Set.of(phoneSession, laptopSession),
                    both.stream().map(UserPresence::getSessionId).collect(Collectors.toSet()));

            phone.updateOk("on the phone");
            StatusPresenceEvent update = follower.awaitStatusEvent();
            assertEquals(phoneSession, update.getJoins(0).getSessionId());
            assertEquals(phoneSession, update.getLeaves(0).getSessionId());
            laptop.assertPresence(laptop.awaitStatusEvent().getJoins(0), "on the phone");

            phone.close();
            StatusPresenceEvent phoneGone = follower.awaitStatusEvent();
            assertEquals(0, phoneGone.getJoinsCount());
            assertEquals(phoneSession, phoneGone.getLeaves(0).getSessionId());
            assertEquals("on the phone", phoneGone.getLeaves(0).getStatus().getValue());
            assertEquals(phoneSession, laptop.awaitStatusEvent().getLeaves(0).getSessionId());

            // Still online through the laptop.
            List<UserPresence> stillOnline = late.followOk(aliceUser.userId());
            assertEquals(1, stillOnline.size());
            assertEquals(laptopSession, stillOnline.get(0).getSessionId());

            laptop.close();
            StatusPresenceEvent allGone = follower.awaitStatusEvent();
            assertEquals(laptopSession, allGone.getLeaves(0).getSessionId());
            assertEquals(laptopSession, late.awaitStatusEvent().getLeaves(0).getSessionId());
            follower.expectQuiet();
        }
    }

    @Test
    void aFollowerThatDisconnectedIsForgotten() {
        try (Peer alice = Peer.online(server, server.newUser());
             Peer stays = Peer.hidden(server, server.newUser())) {
            Peer leaves = Peer.hidden(server, server.newUser());
            leaves.followOk(alice.userId());
            stays.followOk(alice.userId());
            leaves.close();
            // Updates keep flowing to the others; nothing is sent to the closed socket.
            alice.updateOk("after");
            alice.assertPresence(stays.awaitStatusEvent().getJoins(0), "after");
        }
    }
}
