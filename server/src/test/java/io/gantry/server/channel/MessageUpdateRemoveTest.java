package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Updating and removing a sent message: the sender only, everyone sees the change, history follows. */
@SocketScenario
class MessageUpdateRemoveTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Alice and bob in a fresh room, join events consumed. */
    record Room(String id, Chat alice, Chat bob) implements AutoCloseable {
        static Room open() {
            String name = "edit-" + UUID.randomUUID().toString().substring(0, 8);
            Chat alice = Chat.connect(server, server.newUser());
            Chat bob = Chat.connect(server, server.newUser());
            String id = alice.joinRoomAndOwnEvent(name).get("id").getAsString();
            bob.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);
            return new Room(id, alice, bob);
        }

        /** Alice sends; both receive it; returns alice's ack. */
        JsonObject aliceSends(String content) {
            JsonObject ack = alice.sendOk(id, content);
            String messageId = ack.get("message_id").getAsString();
            alice.awaitMessageId(messageId);
            bob.awaitMessageId(messageId);
            return ack;
        }

        List<JsonObject> history() {
            return History.all(server.port(), bob.user.token(), id, 100, true);
        }

        void quiet() {
            alice.expectQuiet();
            bob.expectQuiet();
        }

        @Override
        public void close() {
            alice.close();
            bob.close();
        }
    }

    @Test
    void anUpdateReachesEveryoneWithCode1AndTheOriginalCreateTime() throws InterruptedException {
        try (Room room = Room.open()) {
            JsonObject sent = room.aliceSends("{\"text\":\"helo\"}");
            String messageId = sent.get("message_id").getAsString();

            JsonObject ack = room.alice().updateOk(room.id(), messageId, "{\"text\":\"hello\"}");
            assertEquals(messageId, ack.get("message_id").getAsString());
            assertEquals(1, ack.get("code").getAsInt());
            assertEquals(sent.get("create_time"), ack.get("create_time"));
            assertFalse(Instant.parse(ack.get("update_time").getAsString())
                    .isBefore(Instant.parse(sent.get("create_time").getAsString())), () -> "update time moves on: " + ack);
            assertTrue(ack.get("persistent").getAsBoolean());

            for (Chat member : List.of(room.alice(), room.bob())) {
                JsonObject update = member.awaitMessageId(messageId);
                assertEquals(1, update.get("code").getAsInt(), () -> "update code: " + update);
                assertEquals("{\"text\":\"hello\"}", update.get("content").getAsString());
                assertEquals(sent.get("create_time"), update.get("create_time"), "original create_time");
                assertEquals(ack.get("update_time"), update.get("update_time"));
                assertEquals(room.alice().userId(), update.get("sender_id").getAsString());
                assertEquals(room.alice().username(), update.get("username").getAsString());
                assertEquals(room.id(), update.get("channel_id").getAsString());
            }
            room.quiet();

            List<JsonObject> history = room.history();
            assertEquals(1, history.size());
            assertEquals(messageId, history.get(0).get("message_id").getAsString());
            assertEquals("{\"text\":\"hello\"}", history.get(0).get("content").getAsString());
            assertEquals(sent.get("create_time"), history.get(0).get("create_time"));
            assertEquals(ack.get("update_time"), history.get(0).get("update_time"));
        }
    }

    @Test
    void aRemovalReachesEveryoneWithCode2AndEmptyContentAndLeavesHistory() {
        try (Room room = Room.open()) {
            String keep = room.aliceSends("{\"keep\":1}").get("message_id").getAsString();
            JsonObject sent = room.aliceSends("{\"oops\":1}");
            String messageId = sent.get("message_id").getAsString();

            JsonObject ack = room.alice().removeOk(room.id(), messageId);
            assertEquals(messageId, ack.get("message_id").getAsString());
            assertEquals(2, ack.get("code").getAsInt());

            for (Chat member : List.of(room.alice(), room.bob())) {
                JsonObject removal = member.awaitMessageId(messageId);
                assertEquals(2, removal.get("code").getAsInt(), () -> "remove code: " + removal);
                assertEquals("{}", removal.get("content").getAsString());
                assertEquals(room.alice().userId(), removal.get("sender_id").getAsString());
                assertEquals(sent.get("create_time"), removal.get("create_time"));
            }
            room.quiet();
            assertEquals(List.of(keep), room.history().stream().map(m -> m.get("message_id").getAsString()).toList());

            // removing it again: it is gone
            room.alice().expectBadInput("channel_message_remove", Chat.remove(room.id(), messageId));
            room.alice().expectBadInput("channel_message_update", Chat.update(room.id(), messageId, "{\"back\":1}"));
            room.quiet();
            assertEquals(1, room.history().size());
        }
    }

    @Test
    void onlyTheSenderMayUpdateOrRemove() {
        try (Room room = Room.open()) {
            String messageId = room.aliceSends("{\"mine\":true}").get("message_id").getAsString();

            room.bob().expectBadInput("channel_message_update", Chat.update(room.id(), messageId, "{\"yours\":true}"));
            room.bob().expectBadInput("channel_message_remove", Chat.remove(room.id(), messageId));
            room.quiet();

            List<JsonObject> history = room.history();
            assertEquals(1, history.size());
            assertEquals("{\"mine\":true}", history.get(0).get("content").getAsString());
            assertEquals(0, history.get(0).get("code").getAsInt());
        }
    }

    @Test
    void aMissingOrMalformedMessageIdIsBadInput() {
        try (Room room = Room.open()) {
            room.aliceSends("{\"a\":1}");
            String missing = UUID.randomUUID().toString();
            room.alice().expectBadInput("channel_message_update", Chat.update(room.id(), missing, "{\"b\":1}"));
            room.alice().expectBadInput("channel_message_remove", Chat.remove(room.id(), missing));
            room.alice().expectBadInput("channel_message_update", Chat.update(room.id(), "not-an-id", "{\"b\":1}"));
            room.alice().expectBadInput("channel_message_remove", Chat.remove(room.id(), ""));
            room.quiet();
            assertEquals(1, room.history().size());
            assertEquals("{\"a\":1}", room.history().get(0).get("content").getAsString());
        }
    }

    @Test
    void aMessageOfAnotherChannelCannotBeChangedThroughThisOne() {
        try (Room room = Room.open(); Room other = Room.open()) {
            String elsewhere = other.aliceSends("{\"there\":1}").get("message_id").getAsString();
            // alice of "room" is not alice of "other": use other's alice, who joins room too
            Chat alice = other.alice();
            alice.joinRoomAndOwnEvent(room.id().substring(4));
            room.alice().awaitPresence(room.id(), alice.userId(), true);
            room.bob().awaitPresence(room.id(), alice.userId(), true);
            alice.expectBadInput("channel_message_update", Chat.update(room.id(), elsewhere, "{\"moved\":1}"));
            alice.expectBadInput("channel_message_remove", Chat.remove(room.id(), elsewhere));
            room.quiet();
            other.bob().expectQuiet();
            List<JsonObject> history = other.history();
            assertEquals(1, history.size());
            assertEquals("{\"there\":1}", history.get(0).get("content").getAsString());
        }
    }

    @Test
    void anUpdateWithBadContentIsBadInputAndChangesNothing() {
        try (Room room = Room.open()) {
            String messageId = room.aliceSends("{\"v\":1}").get("message_id").getAsString();
            for (String content : List.of("", "plain text", "[1,2]", "42", "\"s\"", "{\"open\":")) {
                room.alice().expectBadInput("channel_message_update", Chat.update(room.id(), messageId, content));
            }
            room.quiet();
            assertEquals("{\"v\":1}", room.history().get(0).get("content").getAsString());
        }
    }

    @Test
    void updateAndRemoveNeedTheChannelJoined() {
        try (Room room = Room.open(); Chat outsider = Chat.connect(server, server.newUser())) {
            String messageId = room.aliceSends("{\"v\":1}").get("message_id").getAsString();
            outsider.expectBadInput("channel_message_update", Chat.update(room.id(), messageId, "{\"v\":2}"));
            outsider.expectBadInput("channel_message_remove", Chat.remove(room.id(), messageId));

            // the sender after leaving, too
            assertFalse(room.alice().request("channel_leave", Chat.leave(room.id())).has("error"));
            room.bob().awaitPresence(room.id(), room.alice().userId(), false);
            room.alice().expectBadInput("channel_message_update", Chat.update(room.id(), messageId, "{\"v\":2}"));
            room.alice().expectBadInput("channel_message_remove", Chat.remove(room.id(), messageId));
            room.quiet();
            assertEquals("{\"v\":1}", room.history().get(0).get("content").getAsString());
        }
    }

    @Test
    void severalUpdatesKeepTheLastContentAndOnePlaceInHistory() {
        try (Room room = Room.open()) {
            String first = room.aliceSends("{\"n\":1}").get("message_id").getAsString();
            String second = room.aliceSends("{\"n\":2}").get("message_id").getAsString();
            for (int i = 0; i < 5; i++) {
                room.alice().sendRequest("channel_message_update", Chat.update(room.id(), first, "{\"n\":1,\"v\":" + i + "}"));
            }
            for (int i = 0; i < 5; i++) {
                JsonObject update = room.bob().awaitMessageId(first);
                assertEquals("{\"n\":1,\"v\":" + i + "}", update.get("content").getAsString(), "updates arrive in order");
            }
            List<JsonObject> history = room.history();
            assertEquals(List.of(first, second), history.stream().map(m -> m.get("message_id").getAsString()).toList());
            assertEquals("{\"n\":1,\"v\":4}", history.get(0).get("content").getAsString());
        }
    }
}
