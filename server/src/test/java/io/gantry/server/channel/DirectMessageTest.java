package io.gantry.server.channel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.gantry.server.channel.RoomChatTest.userIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Direct messages (channel type 2) between two users, and group channels (type 3) not existing yet. */
@SocketScenario
class DirectMessageTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String dmId(String a, String b) {
        String lower = a.compareTo(b) < 0 ? a : b;
        String higher = lower.equals(a) ? b : a;
        return "4." + lower + "." + higher + ".";
    }

    @Test
    void bothSidesGetTheSameChannelAndTheOtherIsAskedToChat() {
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            String expected = dmId(alice.userId(), bob.userId());
            String lower = expected.split("\\.")[1];
            String higher = expected.split("\\.")[2];

            JsonObject aliceChannel = alice.joinOk(Chat.join(2, bob.userId(), true, false));
            assertEquals(expected, aliceChannel.get("id").getAsString());
            assertEquals(lower, aliceChannel.get("user_id_one").getAsString());
            assertEquals(higher, aliceChannel.get("user_id_two").getAsString());
            assertFalse(aliceChannel.has("room_name") && !aliceChannel.get("room_name").getAsString().isEmpty());
            assertEquals(Set.of(), userIds(aliceChannel.getAsJsonArray("presences")));
            alice.awaitPresence(expected, alice.userId(), true);

            // bob is connected and not in the channel: he is told alice wants to chat
            JsonObject envelope = bob.await(e -> e.has("notifications"), "notifications");
            JsonArray notifications = envelope.getAsJsonObject("notifications").getAsJsonArray("notifications");
            assertEquals(1, notifications.size());
            JsonObject notification = notifications.get(0).getAsJsonObject();
            assertEquals(-1, notification.get("code").getAsInt());
            assertEquals(alice.username() + " wants to chat", notification.get("subject").getAsString());
            assertEquals(alice.userId(), notification.get("sender_id").getAsString());
            JsonObject content = com.google.gson.JsonParser.parseString(notification.get("content").getAsString()).getAsJsonObject();
            assertEquals(alice.username(), content.get("username").getAsString(), () -> "content: " + content);
            assertEquals(1, content.size(), () -> "content: " + content);
            assertFalse(notification.get("id").getAsString().isEmpty());
            bob.expectQuiet();

            JsonObject bobChannel = bob.joinOk(Chat.join(2, alice.userId(), true, false));
            assertEquals(expected, bobChannel.get("id").getAsString());
            assertEquals(lower, bobChannel.get("user_id_one").getAsString());
            assertEquals(higher, bobChannel.get("user_id_two").getAsString());
            assertEquals(Set.of(alice.userId()), userIds(bobChannel.getAsJsonArray("presences")));
            bob.awaitPresence(expected, bob.userId(), true);
            JsonObject joinSeen = alice.awaitPresence(expected, bob.userId(), true);
            assertEquals(lower, joinSeen.get("user_id_one").getAsString());
            assertEquals(higher, joinSeen.get("user_id_two").getAsString());
            // alice is in the channel already: no invitation for her
            alice.expectQuiet();

            JsonObject ack = bob.sendOk(expected, "{\"hi\":\"alice\"}");
            assertEquals(lower, ack.get("user_id_one").getAsString());
            assertEquals(higher, ack.get("user_id_two").getAsString());
            String messageId = ack.get("message_id").getAsString();
            for (Chat side : List.of(alice, bob)) {
                JsonObject message = side.awaitMessageId(messageId);
                assertEquals(expected, message.get("channel_id").getAsString());
                assertEquals(bob.userId(), message.get("sender_id").getAsString());
                assertEquals(lower, message.get("user_id_one").getAsString());
                assertEquals(higher, message.get("user_id_two").getAsString());
                assertEquals(0, message.get("code").getAsInt());
            }
        }
    }

    @Test
    void dmHistoryIsReadableByItsTwoUsersOnly() {
        TestUser third = server.newUser();
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            String id = alice.joinOk(Chat.join(2, bob.userId(), null, null)).get("id").getAsString();
            String messageId = alice.sendOk(id, "{\"secret\":1}").get("message_id").getAsString();

            assertEquals(List.of(messageId), History.allIds(server.port(), alice.user.token(), id, true));
            assertEquals(List.of(messageId), History.allIds(server.port(), bob.user.token(), id, false),
                    "the other user reads it without having joined");
            History.assertError(History.get(server.port(), third.token(), id, "10", true, null), 400, 3);
            History.assertError(History.get(server.port(), third.token(), id, null, null, null), 400, 3);
        }
    }

    @Test
    void aDmToAnOfflineUserIsStoredForLater() {
        TestUser bob = server.newUser();
        try (Chat alice = Chat.connect(server, server.newUser())) {
            String id = alice.joinOk(Chat.join(2, bob.userId(), null, null)).get("id").getAsString();
            assertEquals(dmId(alice.userId(), bob.userId()), id);
            String messageId = alice.sendOk(id, "{\"while\":\"you were away\"}").get("message_id").getAsString();
            assertEquals(List.of(messageId), History.allIds(server.port(), bob.token(), id, true));
        }
    }

    @Test
    void aDmToAUserThatDoesNotExistIsBadInput() {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            String nobody = UUID.randomUUID().toString();
            String message = alice.expectBadInput("channel_join", Chat.join(2, nobody, null, null));
            assertTrue(message.contains(nobody) || message.toLowerCase().contains("not found"), message);
            alice.expectQuiet();
        }
    }

    @Test
    void aDmToYourselfIsYourOwnChannelAsInNakama() {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            String id = "4." + alice.userId() + "." + alice.userId() + ".";
            JsonObject channel = alice.joinOk(Chat.join(2, alice.userId(), null, null));
            assertEquals(id, channel.get("id").getAsString());
            assertEquals(alice.userId(), channel.get("user_id_one").getAsString());
            assertEquals(alice.userId(), channel.get("user_id_two").getAsString());
            alice.awaitPresence(id, alice.userId(), true);
            alice.expectQuiet(); // no "wants to chat" to oneself
            String messageId = alice.sendOk(id, "{\"note\":\"to self\"}").get("message_id").getAsString();
            alice.awaitMessageId(messageId);
            assertEquals(List.of(messageId), History.allIds(server.port(), alice.user.token(), id, true));
        }
    }

    @Test
    void aDmTargetInAnyFormNakamasParserReadsIsTheSameChannel() {
        try (Chat alice = Chat.connect(server, server.newUser()); Chat bob = Chat.connect(server, server.newUser())) {
            String id = dmId(alice.userId(), bob.userId());
            for (String target : List.of(bob.userId().toUpperCase(), bob.userId().replace("-", ""),
                    "{" + bob.userId() + "}", "urn:uuid:" + bob.userId())) {
                assertEquals(id, alice.joinOk(Chat.join(2, target, null, null)).get("id").getAsString(), target);
            }
        }
    }

    @Test
    void aMalformedDmTargetIsBadInput() {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            for (String target : List.of("", "bob", "not-a-uuid", alice.userId() + ".", "{" + alice.userId(),
                    "00000000-0000-0000-0000-000000000000", alice.userId().replace("-", "").substring(1))) {
                alice.expectBadInput("channel_join", Chat.join(2, target, null, null));
            }
            alice.expectQuiet();
        }
    }

    @Test
    void groupChannelsAreAClearBadInput() {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            String message = alice.expectBadInput("channel_join", Chat.join(3, UUID.randomUUID().toString(), null, null));
            assertTrue(message.toLowerCase().contains("group"), () -> "a clear message: " + message);
            alice.expectQuiet();
        }
    }

    @Test
    void anUnspecifiedChannelTypeIsARoomAsInNakama() {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            assertEquals("2...lobby-type-0", alice.joinOk(Chat.join(0, "lobby-type-0", null, null)).get("id").getAsString());
        }
    }

    @Test
    void unknownChannelTypesAreBadInput() {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            alice.expectBadInput("channel_join", Chat.join(4, "lobby", null, null));
            alice.expectBadInput("channel_join", Chat.join(-1, "lobby", null, null));
            alice.expectQuiet();
        }
    }

    @Test
    void aDmChannelIdOfOtherUsersCannotBeSentToWithoutJoining() {
        TestUser bob = server.newUser();
        TestUser carol = server.newUser();
        try (Chat mallory = Chat.connect(server, server.newUser())) {
            String theirs = dmId(bob.userId(), carol.userId());
            mallory.expectBadInput("channel_message_send", Chat.send(theirs, "{\"x\":1}"));
            assertEquals(List.of(), History.allIds(server.port(), bob.token(), theirs, true));
        }
    }
}
