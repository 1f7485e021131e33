package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad channel request is answered with BAD_INPUT (3) carrying the request's cid, and
 * changes nothing: no member is told anything, history is as before, the socket stays open.
 *
 * <p>The server here accepts socket frames of up to 16384 bytes, so that content over the
 * 4096-byte content limit reaches the channel service instead of being cut off by the frame
 * limit (which closes the socket, 1009).
 */
@SocketScenario
class ChannelBadInputTest {

    static final int CONTENT_LIMIT = 4096;

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config.with(ConfigKeys.SOCKET_MAX_MESSAGE_SIZE_BYTES, 16384));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Alice and bob in a fresh room with one message from alice. */
    record Room(String id, Chat alice, Chat bob, String firstMessage) implements AutoCloseable {
        static Room open() {
            String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);
            Chat alice = Chat.connect(server, server.newUser());
            Chat bob = Chat.connect(server, server.newUser());
            String id = alice.joinRoomAndOwnEvent(name).get("id").getAsString();
            bob.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);
            String first = alice.sendOk(id, "{\"first\":true}").get("message_id").getAsString();
            alice.awaitMessageId(first);
            bob.awaitMessageId(first);
            return new Room(id, alice, bob, first);
        }

        /** Nobody was told anything, history holds the first message only, and alice's socket still works. */
        void assertNothingChanged() {
            alice.expectQuiet();
            bob.expectQuiet();
            List<JsonObject> history = History.all(server.port(), bob.user.token(), id, 100, true);
            assertEquals(List.of(firstMessage), history.stream().map(m -> m.get("message_id").getAsString()).toList());
            assertEquals("{\"first\":true}", history.get(0).get("content").getAsString());
            JsonObject pong = alice.request("ping", new JsonObject());
            assertTrue(pong.has("pong"), () -> "socket still open and answering: " + pong);
        }

        @Override
        public void close() {
            alice.close();
            bob.close();
        }
    }

    @Test
    void sendingToAMalformedChannelIdIsBadInput() {
        try (Room room = Room.open()) {
            for (String id : List.of("", "lobby", "2..lobby", "2....", "2...", "9...lobby", "x...lobby",
                    "2.a..lobby", "4.a.b.", "4." + UUID.randomUUID() + ".x.", "3.not-a-group..",
                    "2..." + "n".repeat(65), "2...tab\there")) {
                room.alice().expectBadInput("channel_message_send", Chat.send(id, "{\"x\":1}"));
            }
            room.assertNothingChanged();
        }
    }

    @Test
    void sendingToAChannelNotJoinedIsBadInput() {
        try (Room room = Room.open(); Chat outsider = Chat.connect(server, server.newUser())) {
            String message = outsider.expectBadInput("channel_message_send", Chat.send(room.id(), "{\"x\":1}"));
            assertTrue(message.contains(room.id()) || message.toLowerCase().contains("join"), message);
            room.alice().expectBadInput("channel_message_send", Chat.send("2...never-joined", "{\"x\":1}"));
            outsider.expectQuiet();
            room.assertNothingChanged();
            assertEquals(List.of(), History.allIds(server.port(), outsider.user.token(), "2...never-joined", true));
        }
    }

    @Test
    void emptyContentIsBadInput() {
        try (Room room = Room.open()) {
            room.alice().expectBadInput("channel_message_send", Chat.send(room.id(), ""));
            JsonObject noContent = new JsonObject();
            noContent.addProperty("channel_id", room.id());
            room.alice().expectBadInput("channel_message_send", noContent);
            room.assertNothingChanged();
        }
    }

    @Test
    void contentThatIsNotJsonIsBadInput() {
        try (Room room = Room.open()) {
            for (String content : List.of("hello", "{", "{\"a\":", "}", "{\"a\":1}}", "{\"a\":1} trailing", " ")) {
                room.alice().expectBadInput("channel_message_send", Chat.send(room.id(), content));
            }
            room.assertNothingChanged();
        }
    }

    @Test
    void contentThatIsJsonButNotAnObjectIsBadInput() {
        try (Room room = Room.open()) {
            for (String content : List.of("[1,2,3]", "[]", "\"text\"", "42", "true", "null")) {
                String message = room.alice().expectBadInput("channel_message_send", Chat.send(room.id(), content));
                assertTrue(message.toLowerCase().contains("object"), () -> "a clear message: " + message);
            }
            room.assertNothingChanged();
        }
    }

    /**
     * Content must be strict JSON (as Nakama's {@code json.Valid}): clients parse it with
     * {@code JSON.parse} (nakama-js does so for every channel_message and history entry), so
     * lenient "JSON" stored once would break every reader of the channel.
     */
    @Test
    void lenientJsonIsNotJson() {
        try (Room room = Room.open()) {
            List<String> accepted = new java.util.ArrayList<>();
            for (String content : List.of("{a:1}", "{'a':'b'}", "{\"a\":NaN}", "{\"a\"=1}", "{\"a\":1} // c",
                    "{\"a\":1;\"b\":2}", "{\"a\":[1;2]}", "{\"a\":'x'}")) {
                JsonObject reply = room.alice().request("channel_message_send", Chat.send(room.id(), content));
                if (!reply.has("error")) {
                    accepted.add(content);
                    room.alice().awaitMessage(room.id());
                    room.bob().awaitMessage(room.id());
                } else {
                    assertEquals(3, reply.getAsJsonObject("error").get("code").getAsInt());
                }
            }
            assertEquals(List.of(), accepted, "not JSON, yet accepted, stored and delivered");
            room.assertNothingChanged();
        }
    }

    @Test
    void contentOverTheLimitIsBadInput() {
        try (Room room = Room.open()) {
            String over = jsonOfBytes(CONTENT_LIMIT + 1);
            assertEquals(CONTENT_LIMIT + 1, over.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            String message = room.alice().expectBadInput("channel_message_send", Chat.send(room.id(), over));
            assertTrue(message.contains(Integer.toString(CONTENT_LIMIT)), () -> "names the limit: " + message);
            // multi-byte characters count as their UTF-8 bytes
            String wide = "{\"t\":\"" + "\u00e9".repeat(CONTENT_LIMIT / 2) + "\"}";
            room.alice().expectBadInput("channel_message_send", Chat.send(room.id(), wide));
            room.assertNothingChanged();
        }
    }

    @Test
    void contentAtTheLimitIsAccepted() {
        try (Room room = Room.open()) {
            String exact = jsonOfBytes(CONTENT_LIMIT);
            String messageId = room.alice().sendOk(room.id(), exact).get("message_id").getAsString();
            assertEquals(exact, room.bob().awaitMessageId(messageId).get("content").getAsString());
        }
    }

    /** A JSON object of exactly {@code bytes} UTF-8 bytes. */
    static String jsonOfBytes(int bytes) {
        return "{\"t\":\"" + "x".repeat(bytes - 8) + "\"}";
    }

    @Test
    void leavingAChannelNotJoinedIsAcknowledgedAndChangesNothing() {
        try (Room room = Room.open(); Chat outsider = Chat.connect(server, server.newUser())) {
            // as Nakama: an empty ack, no event for anyone
            assertEquals(java.util.Set.of("cid"), outsider.request("channel_leave", Chat.leave(room.id())).keySet());
            assertEquals(java.util.Set.of("cid"), outsider.request("channel_leave", Chat.leave("2...nobody-here")).keySet());
            // a channel id that does not parse is still bad input
            outsider.expectBadInput("channel_leave", Chat.leave("not a channel"));
            outsider.expectBadInput("channel_leave", Chat.leave(""));
            outsider.expectQuiet();
            room.assertNothingChanged();
        }
    }

    @Test
    void leavingTwiceIsAcknowledgedTwiceAndAnnouncedOnce() {
        try (Room room = Room.open()) {
            assertFalse(room.bob().request("channel_leave", Chat.leave(room.id())).has("error"));
            room.alice().awaitPresence(room.id(), room.bob().userId(), false);
            assertEquals(java.util.Set.of("cid"), room.bob().request("channel_leave", Chat.leave(room.id())).keySet());
            room.alice().expectQuiet();
        }
    }

    @Test
    void joiningARoomWithABadNameIsBadInput() {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            for (String name : List.of("", "n".repeat(65), "line\nbreak", "nul\u0000", "\u00e9".repeat(33))) {
                alice.expectBadInput("channel_join", Chat.join(1, name, null, null));
            }
            alice.expectQuiet();
            // 64 bytes of UTF-8 is fine (Nakama counts bytes)
            JsonObject channel = alice.joinRoom("n".repeat(64));
            assertEquals("2..." + "n".repeat(64), channel.get("id").getAsString());
            assertEquals("2..." + "\u00e9".repeat(32), alice.joinRoom("\u00e9".repeat(32)).get("id").getAsString());
        }
    }

    @Test
    void errorsCarryEachRequestsOwnCid() {
        try (Room room = Room.open()) {
            List<String> cids = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                cids.add(room.alice().sendRequest("channel_message_send", Chat.send(room.id(), "bad " + i)));
            }
            for (String cid : cids) {
                Chat.assertBadInput(room.alice().next(), cid);
            }
            room.assertNothingChanged();
        }
    }
}
