package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;

import static io.gantry.server.channel.RoomChatTest.userIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who is in a channel, and who is told when that changes (hidden joiners are never announced). */
@SocketScenario
class ChannelPresenceTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String room() {
        return "presence-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void everyMemberIsToldOfEachJoinExactlyOnce() {
        String name = room();
        try (Chat a = Chat.connect(server, server.newUser());
             Chat b = Chat.connect(server, server.newUser());
             Chat c = Chat.connect(server, server.newUser())) {
            String id = a.joinRoomAndOwnEvent(name).get("id").getAsString();
            b.joinRoomAndOwnEvent(name);
            a.awaitPresence(id, b.userId(), true);
            JsonObject channel = c.joinRoom(name);
            assertEquals(Set.of(a.userId(), b.userId()), userIds(channel.getAsJsonArray("presences")));
            c.awaitPresence(id, c.userId(), true);
            a.awaitPresence(id, c.userId(), true);
            b.awaitPresence(id, c.userId(), true);
            a.expectQuiet();
            b.expectQuiet();
            c.expectQuiet();
        }
    }

    @Test
    void aHiddenJoinerIsAnnouncedToNobodyAndListedNowhere() {
        String name = room();
        try (Chat visible = Chat.connect(server, server.newUser());
             Chat hidden = Chat.connect(server, server.newUser());
             Chat later = Chat.connect(server, server.newUser())) {
            String id = visible.joinRoomAndOwnEvent(name).get("id").getAsString();

            JsonObject hiddenChannel = hidden.joinOk(Chat.join(1, name, true, true));
            assertEquals(id, hiddenChannel.get("id").getAsString());
            assertEquals(hidden.userId(), hiddenChannel.getAsJsonObject("self").get("user_id").getAsString(),
                    "the hidden joiner still learns its own presence");
            assertEquals(Set.of(visible.userId()), userIds(hiddenChannel.getAsJsonArray("presences")),
                    "presences list the visible members only");
            hidden.expectQuiet();   // not even its own join event
            visible.expectQuiet();

            JsonObject laterChannel = later.joinRoom(name);
            assertEquals(Set.of(visible.userId()), userIds(laterChannel.getAsJsonArray("presences")),
                    "a later joiner does not see the hidden member");
            later.awaitPresence(id, later.userId(), true);
            visible.awaitPresence(id, later.userId(), true);
            hidden.awaitPresence(id, later.userId(), true); // hidden members still get events

            // the hidden member can chat like anyone
            String messageId = hidden.sendOk(id, "{\"from\":\"the shadows\"}").get("message_id").getAsString();
            visible.awaitMessageId(messageId);
            later.awaitMessageId(messageId);
            hidden.awaitMessageId(messageId);

            // and leaving is as silent as joining
            JsonObject left = hidden.request("channel_leave", Chat.leave(id));
            assertFalse(left.has("error"), () -> "leave: " + left);
            visible.expectQuiet();
            later.expectQuiet();
            hidden.expectQuiet();
        }
    }

    @Test
    void aHiddenMembersDisconnectIsNotAnnounced() {
        String name = room();
        try (Chat visible = Chat.connect(server, server.newUser())) {
            visible.joinRoomAndOwnEvent(name);
            // a second room where the same socket is visible: its leave there proves the router
            // has processed the disconnect, which leaves every room in one go
            String witness = room();
            String witnessId = visible.joinRoomAndOwnEvent(witness).get("id").getAsString();
            Chat hidden = Chat.connect(server, server.newUser());
            hidden.joinOk(Chat.join(1, name, true, true));
            hidden.joinRoomAndOwnEvent(witness);
            visible.awaitPresence(witnessId, hidden.userId(), true);
            hidden.abort();
            visible.awaitPresence(witnessId, hidden.userId(), false);
            visible.expectQuiet();
        }
    }

    @Test
    void aLeaverIsAnsweredAndOthersAreToldButNotTheLeaver() {
        String name = room();
        try (Chat a = Chat.connect(server, server.newUser());
             Chat b = Chat.connect(server, server.newUser());
             Chat c = Chat.connect(server, server.newUser())) {
            String id = a.joinRoomAndOwnEvent(name).get("id").getAsString();
            b.joinRoomAndOwnEvent(name);
            c.joinRoomAndOwnEvent(name);
            a.awaitPresence(id, b.userId(), true);
            a.awaitPresence(id, c.userId(), true);
            b.awaitPresence(id, c.userId(), true);

            String cid = b.sendRequest("channel_leave", Chat.leave(id));
            JsonObject reply = b.next();
            assertEquals(cid, reply.get("cid").getAsString());
            assertFalse(reply.has("error"), () -> "leave: " + reply);

            for (Chat other : new Chat[] {a, c}) {
                JsonObject event = other.awaitPresence(id, b.userId(), false);
                assertEquals(1, event.getAsJsonArray("leaves").size());
                assertFalse(event.has("joins") && event.getAsJsonArray("joins").size() > 0);
                assertEquals(name, event.get("room_name").getAsString());
                other.expectQuiet();
            }
            b.expectQuiet();

            // a later joiner does not see the leaver
            try (Chat d = Chat.connect(server, server.newUser())) {
                JsonObject channel = d.joinRoom(name);
                assertEquals(Set.of(a.userId(), c.userId()), userIds(channel.getAsJsonArray("presences")));
            }
        }
    }

    @Test
    void aDisconnectIsALeaveForEveryoneElse() {
        String name = room();
        try (Chat a = Chat.connect(server, server.newUser());
             Chat b = Chat.connect(server, server.newUser())) {
            String id = a.joinRoomAndOwnEvent(name).get("id").getAsString();
            String otherRoom = b.joinRoomAndOwnEvent(room()).get("id").getAsString();
            b.joinRoomAndOwnEvent(name);
            a.awaitPresence(id, b.userId(), true);

            b.close();
            JsonObject event = a.awaitPresence(id, b.userId(), false);
            assertEquals(1, event.getAsJsonArray("leaves").size());
            a.expectQuiet();

            // the room forgot b: a message reaches only a, and the other room is empty
            a.sendOk(id, "{\"alone\":true}");
            a.awaitMessage(id);
            try (Chat c = Chat.connect(server, server.newUser())) {
                JsonObject channel = c.joinOk(Chat.join(1, otherRoom.substring(4), null, null));
                assertEquals(Set.of(), userIds(channel.getAsJsonArray("presences")));
            }
        }
    }

    @Test
    void anAbortedSocketIsALeaveToo() {
        String name = room();
        try (Chat a = Chat.connect(server, server.newUser())) {
            String id = a.joinRoomAndOwnEvent(name).get("id").getAsString();
            Chat b = Chat.connect(server, server.newUser());
            b.joinRoomAndOwnEvent(name);
            a.awaitPresence(id, b.userId(), true);
            b.abort();
            a.awaitPresence(id, b.userId(), false);
        }
    }

    @Test
    void twoSocketsOfOneUserAreTwoPresences() {
        String name = room();
        var user = server.newUser();
        try (Chat first = Chat.connect(server, user);
             Chat second = Chat.connect(server, user);
             Chat watcher = Chat.connect(server, server.newUser())) {
            String id = watcher.joinRoomAndOwnEvent(name).get("id").getAsString();
            JsonObject one = first.joinRoom(name);
            JsonObject two = second.joinRoom(name);
            String s1 = one.getAsJsonObject("self").get("session_id").getAsString();
            String s2 = two.getAsJsonObject("self").get("session_id").getAsString();
            assertFalse(s1.equals(s2));
            assertEquals(2, two.getAsJsonArray("presences").size(), () -> "the other two presences: " + two);
            watcher.awaitPresence(id, user.userId(), true);
            watcher.awaitPresence(id, user.userId(), true);

            second.close();
            JsonObject leave = watcher.awaitPresence(id, user.userId(), false);
            assertEquals(s2, leave.getAsJsonArray("leaves").get(0).getAsJsonObject().get("session_id").getAsString());
            // the first socket is still in: its message arrives
            String messageId = first.sendOk(id, "{\"still\":\"here\"}").get("message_id").getAsString();
            assertTrue(watcher.awaitMessageId(messageId).has("content"));
        }
    }
}
