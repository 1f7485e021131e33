package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One socket in several channels at once (a stream over several rooms, seed 003). */
@SocketScenario
class ManyChannelsOneSocketTest {

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
    void oneSocketInThreeRoomsGetsEachRoomsMessagesWithItsChannelId() {
        String prefix = "multi-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> names = List.of(prefix + "a", prefix + "b", prefix + "c");
        try (Chat hub = Chat.connect(server, server.newUser())) {
            List<String> ids = new ArrayList<>();
            for (String name : names) {
                ids.add(hub.joinRoomAndOwnEvent(name).get("id").getAsString());
            }
            List<Chat> members = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Chat member = Chat.connect(server, server.newUser());
                    members.add(member);
                    member.joinRoomAndOwnEvent(names.get(i));
                    hub.awaitPresence(ids.get(i), member.userId(), true);
                }

                // each member speaks in its own room, interleaved
                Map<String, String> channelOf = new HashMap<>();
                for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < 3; i++) {
                        JsonObject ack = members.get(i).sendOk(ids.get(i), "{\"room\":" + i + ",\"round\":" + round + "}");
                        assertEquals(ids.get(i), ack.get("channel_id").getAsString());
                        assertEquals(names.get(i), ack.get("room_name").getAsString());
                        channelOf.put(ack.get("message_id").getAsString(), ids.get(i));
                    }
                }
                List<JsonObject> received = hub.drain();
                assertEquals(15, received.size(), () -> "hub got " + received);
                for (JsonObject envelope : received) {
                    assertTrue(envelope.has("channel_message"), () -> "only messages: " + envelope);
                    JsonObject message = envelope.getAsJsonObject("channel_message");
                    String expectedChannel = channelOf.get(message.get("message_id").getAsString());
                    assertEquals(expectedChannel, message.get("channel_id").getAsString());
                    int room = ids.indexOf(expectedChannel);
                    assertEquals(names.get(room), message.get("room_name").getAsString());
                    assertTrue(message.get("content").getAsString().startsWith("{\"room\":" + room + ","));
                }

                // what the hub says in one room reaches that room only
                for (int i = 0; i < 3; i++) {
                    members.get(i).drain();
                }
                for (int i = 0; i < 3; i++) {
                    String messageId = hub.sendOk(ids.get(i), "{\"to\":" + i + "}").get("message_id").getAsString();
                    hub.awaitMessageId(messageId);
                    JsonObject got = members.get(i).awaitMessageId(messageId);
                    assertEquals(ids.get(i), got.get("channel_id").getAsString());
                    for (int j = 0; j < 3; j++) {
                        if (j != i) {
                            members.get(j).expectQuiet();
                        }
                    }
                }

                // leaving one room leaves the others alone
                assertFalse(hub.request("channel_leave", Chat.leave(ids.get(1))).has("error"));
                members.get(1).awaitPresence(ids.get(1), hub.userId(), false);
                members.get(0).expectQuiet();
                members.get(2).expectQuiet();
                members.get(1).sendOk(ids.get(1), "{\"gone\":1}");
                String stillThere = members.get(2).sendOk(ids.get(2), "{\"here\":1}").get("message_id").getAsString();
                JsonObject next = hub.awaitMessage(ids.get(2));
                assertEquals(stillThere, next.get("message_id").getAsString());
                hub.expectQuiet();

                // a disconnect leaves every room it was in
                hub.close();
                members.get(0).awaitPresence(ids.get(0), hub.userId(), false);
                members.get(2).awaitPresence(ids.get(2), hub.userId(), false);
            } finally {
                members.forEach(Chat::close);
            }
        }
    }

    @Test
    void aSocketCanBeInARoomAndADmAtOnce() {
        try (Chat alice = Chat.connect(server, server.newUser());
             Chat bob = Chat.connect(server, server.newUser())) {
            String room = alice.joinRoomAndOwnEvent("mixed-" + UUID.randomUUID().toString().substring(0, 8))
                    .get("id").getAsString();
            bob.joinRoomAndOwnEvent(room.substring(4));
            alice.awaitPresence(room, bob.userId(), true);
            String dm = alice.joinOk(Chat.join(2, bob.userId(), null, null)).get("id").getAsString();
            alice.awaitPresence(dm, alice.userId(), true);
            bob.await(e -> e.has("notifications"), "DM invitation");
            bob.joinOk(Chat.join(2, alice.userId(), null, null));
            bob.awaitPresence(dm, bob.userId(), true);
            alice.awaitPresence(dm, bob.userId(), true);

            String inRoom = bob.sendOk(room, "{\"where\":\"room\"}").get("message_id").getAsString();
            String inDm = bob.sendOk(dm, "{\"where\":\"dm\"}").get("message_id").getAsString();
            assertEquals(room, alice.awaitMessageId(inRoom).get("channel_id").getAsString());
            assertEquals(dm, alice.awaitMessageId(inDm).get("channel_id").getAsString());
            assertEquals(List.of(inRoom), History.allIds(server.port(), alice.user.token(), room, true));
            assertEquals(List.of(inDm), History.allIds(server.port(), alice.user.token(), dm, true));
        }
    }
}
