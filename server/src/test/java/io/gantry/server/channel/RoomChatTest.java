package io.gantry.server.channel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rooms (channel type 1): joining, who is there, and messages reaching every member. */
@SocketScenario
class RoomChatTest {

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
        return "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Set<String> userIds(JsonArray presences) {
        Set<String> ids = new HashSet<>();
        if (presences != null) {
            for (JsonElement p : presences) {
                ids.add(p.getAsJsonObject().get("user_id").getAsString());
            }
        }
        return ids;
    }

    static void assertRfc3339(JsonObject object, String field) {
        assertTrue(object.has(field), () -> field + " missing in " + object);
        Instant time = Instant.parse(object.get(field).getAsString()); // throws if not RFC 3339
        assertEquals(0, time.getNano(), () -> "whole seconds, as Nakama answers: " + object);
    }

    @Test
    void joinRepliesWithTheChannelThenTheJoinerSeesItsOwnJoin() {
        String name = room();
        try (Chat alice = Chat.connect(server, server.newUser())) {
            String cid = alice.sendRequest("channel_join", Chat.join(1, name, null, null));
            JsonObject reply = alice.next();
            assertEquals(cid, reply.get("cid").getAsString(), () -> "the reply comes first: " + reply);
            JsonObject channel = reply.getAsJsonObject("channel");
            assertEquals("2..." + name, channel.get("id").getAsString());
            assertEquals(name, channel.get("room_name").getAsString());
            JsonObject self = channel.getAsJsonObject("self");
            assertEquals(alice.userId(), self.get("user_id").getAsString());
            assertEquals(alice.username(), self.get("username").getAsString());
            assertFalse(self.get("session_id").getAsString().isEmpty());
            assertTrue(self.get("persistence").getAsBoolean(), () -> "persistence defaults to true: " + self);
            assertEquals(Set.of(), userIds(channel.getAsJsonArray("presences")), "a new join lists the others only, as Nakama");
            assertFalse(channel.has("user_id_one") || channel.has("user_id_two") || channel.has("group_id"),
                    () -> "a room has no DM or group fields: " + channel);

            JsonObject own = alice.next();
            assertTrue(own.has("channel_presence_event"), () -> "then the joiner's own join event: " + own);
            assertFalse(own.has("cid"), "events carry no cid");
            JsonObject event = own.getAsJsonObject("channel_presence_event");
            assertEquals("2..." + name, event.get("channel_id").getAsString());
            assertEquals(name, event.get("room_name").getAsString());
            assertEquals(Set.of(alice.userId()), userIds(event.getAsJsonArray("joins")));
            assertEquals(self.get("session_id"), event.getAsJsonArray("joins").get(0).getAsJsonObject().get("session_id"));
            assertFalse(event.has("leaves") && event.getAsJsonArray("leaves").size() > 0);
            alice.expectQuiet();
        }
    }

    @Test
    void aSecondJoinerSeesBothAndTheFirstIsToldOfTheJoin() {
        String name = room();
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            String id = alice.joinRoomAndOwnEvent(name).get("id").getAsString();

            JsonObject channel = bob.joinRoom(name);
            assertEquals(id, channel.get("id").getAsString());
            assertEquals(Set.of(alice.userId()), userIds(channel.getAsJsonArray("presences")),
                    "a new join lists the others, never the joiner");
            assertEquals(bob.userId(), channel.getAsJsonObject("self").get("user_id").getAsString());

            JsonObject seenByAlice = alice.awaitPresence(id, bob.userId(), true);
            assertEquals(1, seenByAlice.getAsJsonArray("joins").size());
            bob.awaitPresence(id, bob.userId(), true);
            alice.expectQuiet();
            bob.expectQuiet();
        }
    }

    @Test
    void joiningAgainAnswersTheChannelAndAnnouncesNothing() {
        String name = room();
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            String id = alice.joinRoomAndOwnEvent(name).get("id").getAsString();
            bob.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);

            JsonObject again = bob.joinRoom(name);
            assertEquals(id, again.get("id").getAsString());
            assertEquals(Set.of(alice.userId(), bob.userId()), userIds(again.getAsJsonArray("presences")),
                    "a re-join lists everyone, the caller included, as Nakama");
            // Bob's presence did not change: a second join event would make clients list him twice.
            List<JsonObject> aliceGot = alice.drain();
            List<JsonObject> bobGot = bob.drain();
            assertEquals(List.of(), aliceGot, "alice was told again that bob (already a member) joined");
            assertEquals(List.of(), bobGot, "bob was told again of his own join");
        }
    }

    @Test
    void aMessageIsAckedToTheSenderAndDeliveredToEveryMemberIncludingTheSender() {
        String name = room();
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser());
             Chat carol = Chat.connect(server, server.newUser());
             Chat outsider = Chat.connect(server, server.newUser())) {
            String id = alice.joinRoomAndOwnEvent(name).get("id").getAsString();
            bob.joinRoomAndOwnEvent(name);
            carol.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);
            alice.awaitPresence(id, carol.userId(), true);
            bob.awaitPresence(id, carol.userId(), true);

            String content = "{\"text\":\"hello room\",\"n\":1}";
            JsonObject ack = alice.sendOk(id, content);
            assertEquals(id, ack.get("channel_id").getAsString());
            String messageId = ack.get("message_id").getAsString();
            UUID.fromString(messageId);
            assertTrue(ack.has("code"), () -> "code is present even though it is 0: " + ack);
            assertEquals(0, ack.get("code").getAsInt());
            assertEquals(alice.username(), ack.get("username").getAsString());
            assertRfc3339(ack, "create_time");
            assertRfc3339(ack, "update_time");
            assertEquals(ack.get("create_time"), ack.get("update_time"));
            assertTrue(ack.get("persistent").getAsBoolean());
            assertEquals(name, ack.get("room_name").getAsString());

            for (Chat member : List.of(alice, bob, carol)) {
                JsonObject message = member.awaitMessage(id);
                assertEquals(messageId, message.get("message_id").getAsString());
                assertTrue(message.has("code"), () -> "code is present even though it is 0: " + message);
                assertEquals(0, message.get("code").getAsInt());
                assertEquals(alice.userId(), message.get("sender_id").getAsString());
                assertEquals(alice.username(), message.get("username").getAsString());
                assertEquals(content, message.get("content").getAsString());
                assertTrue(message.get("persistent").getAsBoolean());
                assertEquals(name, message.get("room_name").getAsString());
                assertEquals(ack.get("create_time"), message.get("create_time"));
                assertEquals(ack.get("update_time"), message.get("update_time"));
                member.expectQuiet();
            }
            outsider.expectQuiet();

            List<JsonObject> history = History.all(server.port(), bob.user.token(), id, 100, true);
            assertEquals(1, history.size());
            assertEquals(messageId, history.get(0).get("message_id").getAsString());
            assertEquals(content, history.get(0).get("content").getAsString());
        }
    }

    @Test
    void messagesFromSeveralSendersArriveInTheSameOrderForEveryone() {
        String name = room();
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            String id = alice.joinRoomAndOwnEvent(name).get("id").getAsString();
            bob.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);

            for (int i = 0; i < 10; i++) {
                Chat sender = i % 2 == 0 ? alice : bob;
                sender.sendRequest("channel_message_send", Chat.send(id, "{\"i\":" + i + "}"));
            }
            List<String> aliceOrder = new java.util.ArrayList<>();
            List<String> bobOrder = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                aliceOrder.add(alice.awaitMessage(id).get("message_id").getAsString());
                bobOrder.add(bob.awaitMessage(id).get("message_id").getAsString());
            }
            assertEquals(aliceOrder, bobOrder, "every member sees one order");
            assertEquals(aliceOrder, History.allIds(server.port(), alice.user.token(), id, true),
                    "history has the delivery order");
        }
    }

    @Test
    void aNonPersistentJoinDeliversMessagesThatAreNeverStored() {
        String name = room();
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            JsonObject channel = alice.joinOk(Chat.join(1, name, false, false));
            String id = channel.get("id").getAsString();
            assertFalse(channel.getAsJsonObject("self").has("persistence")
                    && channel.getAsJsonObject("self").get("persistence").getAsBoolean(), () -> "self: " + channel);
            alice.awaitPresence(id, alice.userId(), true);
            bob.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);

            JsonObject ack = alice.sendOk(id, "{\"ephemeral\":true}");
            assertTrue(ack.has("persistent"), () -> "persistent is present even though false: " + ack);
            assertFalse(ack.get("persistent").getAsBoolean());
            String messageId = ack.get("message_id").getAsString();
            for (Chat member : List.of(alice, bob)) {
                JsonObject message = member.awaitMessage(id);
                assertEquals(messageId, message.get("message_id").getAsString());
                assertTrue(message.has("persistent"), () -> "persistent is present even though false: " + message);
                assertFalse(message.get("persistent").getAsBoolean());
                assertEquals(0, message.get("code").getAsInt());
            }
            // bob joined persistent: his message is stored, alice's is not
            String stored = bob.sendOk(id, "{\"kept\":true}").get("message_id").getAsString();
            alice.awaitMessageId(stored);
            bob.awaitMessageId(stored);
            assertEquals(List.of(stored), History.allIds(server.port(), bob.user.token(), id, true));
        }
    }

    @Test
    void leavingStopsDeliveryAndTheLeaverCanNoLongerSend() {
        String name = room();
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            String id = alice.joinRoomAndOwnEvent(name).get("id").getAsString();
            bob.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);

            String cid = bob.sendRequest("channel_leave", Chat.leave(id));
            JsonObject reply = bob.reply(cid);
            assertFalse(reply.has("error"), () -> "leave: " + reply);
            alice.awaitPresence(id, bob.userId(), false);

            alice.sendOk(id, "{\"after\":\"leave\"}");
            alice.awaitMessage(id);
            bob.expectQuiet();
            bob.expectBadInput("channel_message_send", Chat.send(id, "{\"x\":1}"));
            alice.expectQuiet();
        }
    }
}
