package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Retry-safe sends: Gantry's {@code client_message_id} extension of {@code channel_message_send}.
 * A resend with the same sender and id is acknowledged with the original message and neither
 * stored nor delivered twice; without the field everything is as in Nakama.
 */
@SocketScenario
class RetrySafeSendTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Room(String id, Chat alice, Chat bob) implements AutoCloseable {
        static Room open(Boolean alicePersistence) {
            String name = "retry-" + UUID.randomUUID().toString().substring(0, 8);
            Chat alice = Chat.connect(server, server.newUser());
            Chat bob = Chat.connect(server, server.newUser());
            String id = alice.joinOk(Chat.join(1, name, alicePersistence, null)).get("id").getAsString();
            alice.awaitPresence(id, alice.userId(), true);
            bob.joinRoomAndOwnEvent(name);
            alice.awaitPresence(id, bob.userId(), true);
            return new Room(id, alice, bob);
        }

        List<String> history() {
            return History.allIds(server.port(), bob.user.token(), id, true);
        }

        @Override
        public void close() {
            alice.close();
            bob.close();
        }
    }

    private static String clientId() {
        return "cm-" + UUID.randomUUID();
    }

    @Test
    void twoSendsWithTheSameIdBackToBackAreOneMessage() {
        try (Room room = Room.open(null)) {
            String clientId = clientId();
            String content = "{\"text\":\"once\"}";
            String cid1 = room.alice().sendRequest("channel_message_send", Chat.sendWithClientId(room.id(), content, clientId));
            String cid2 = room.alice().sendRequest("channel_message_send", Chat.sendWithClientId(room.id(), content, clientId));
            JsonObject ack1 = Chat.ackOf(room.alice().reply(cid1));
            JsonObject ack2 = Chat.ackOf(room.alice().reply(cid2));
            assertEquals(ack1.get("message_id"), ack2.get("message_id"), "both acked with the original id");
            assertEquals(ack1.get("create_time"), ack2.get("create_time"));
            assertEquals(0, ack2.get("code").getAsInt());
            assertEquals(true, ack2.get("persistent").getAsBoolean());

            String messageId = ack1.get("message_id").getAsString();
            assertEquals(messageId, room.bob().awaitMessage(room.id()).get("message_id").getAsString());
            assertEquals(messageId, room.alice().awaitMessage(room.id()).get("message_id").getAsString());
            room.bob().expectQuiet();
            room.alice().expectQuiet();
            assertEquals(List.of(messageId), room.history());
        }
    }

    @Test
    void manyConcurrentCopiesAreStillOneMessage() {
        try (Room room = Room.open(null)) {
            String clientId = clientId();
            List<String> cids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cids.add(room.alice().sendRequest("channel_message_send",
                        Chat.sendWithClientId(room.id(), "{\"n\":" + i + "}", clientId)));
            }
            String messageId = null;
            for (String cid : cids) {
                String id = Chat.ackOf(room.alice().reply(cid)).get("message_id").getAsString();
                if (messageId == null) {
                    messageId = id;
                }
                assertEquals(messageId, id);
            }
            JsonObject delivered = room.bob().awaitMessage(room.id());
            assertEquals(messageId, delivered.get("message_id").getAsString());
            assertEquals("{\"n\":0}", delivered.get("content").getAsString(), "the first copy is the message");
            room.bob().expectQuiet();
            assertEquals(List.of(messageId), room.history());
        }
    }

    @Test
    void aResendAfterTheAckIsAckedAgainAndNotDelivered() {
        try (Room room = Room.open(null)) {
            String clientId = clientId();
            JsonObject first = Chat.ackOf(room.alice().request("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"v\":1}", clientId)));
            String messageId = first.get("message_id").getAsString();
            room.bob().awaitMessageId(messageId);
            room.alice().awaitMessageId(messageId);

            JsonObject again = Chat.ackOf(room.alice().request("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"v\":1}", clientId)));
            assertEquals(messageId, again.get("message_id").getAsString());
            assertEquals(first.get("create_time"), again.get("create_time"));
            room.bob().expectQuiet();
            room.alice().expectQuiet();
            assertEquals(List.of(messageId), room.history());
        }
    }

    @Test
    void differentIdsAreDifferentMessages() {
        try (Room room = Room.open(null)) {
            String a = Chat.ackOf(room.alice().request("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"same\":1}", clientId()))).get("message_id").getAsString();
            String b = Chat.ackOf(room.alice().request("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"same\":1}", clientId()))).get("message_id").getAsString();
            assertNotEquals(a, b);
            room.bob().awaitMessageId(a);
            room.bob().awaitMessageId(b);
            assertEquals(List.of(a, b), room.history());
        }
    }

    @Test
    void withoutAnIdEverySendIsAMessage() {
        try (Room room = Room.open(null)) {
            String a = room.alice().sendOk(room.id(), "{\"same\":1}").get("message_id").getAsString();
            String b = room.alice().sendOk(room.id(), "{\"same\":1}").get("message_id").getAsString();
            JsonObject explicitEmpty = Chat.send(room.id(), "{\"same\":1}");
            explicitEmpty.addProperty("client_message_id", "");
            String c = Chat.ackOf(room.alice().request("channel_message_send", explicitEmpty)).get("message_id").getAsString();
            assertEquals(3, List.of(a, b, c).stream().distinct().count());
            room.bob().awaitMessageId(a);
            room.bob().awaitMessageId(b);
            room.bob().awaitMessageId(c);
            room.bob().expectQuiet();
            assertEquals(List.of(a, b, c), room.history());
        }
    }

    @Test
    void theSameIdFromTwoUsersIsTwoMessages() {
        try (Room room = Room.open(null)) {
            String clientId = clientId();
            String a = Chat.ackOf(room.alice().request("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"from\":\"alice\"}", clientId))).get("message_id").getAsString();
            String b = Chat.ackOf(room.bob().request("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"from\":\"bob\"}", clientId))).get("message_id").getAsString();
            assertNotEquals(a, b);
            assertEquals(List.of(a, b), room.history());
        }
    }

    @Test
    void aNonPersistentSendIsRetrySafeToo() {
        try (Room room = Room.open(false)) {
            String clientId = clientId();
            String cid1 = room.alice().sendRequest("channel_message_send", Chat.sendWithClientId(room.id(), "{\"e\":1}", clientId));
            String cid2 = room.alice().sendRequest("channel_message_send", Chat.sendWithClientId(room.id(), "{\"e\":1}", clientId));
            JsonObject ack1 = Chat.ackOf(room.alice().reply(cid1));
            JsonObject ack2 = Chat.ackOf(room.alice().reply(cid2));
            assertEquals(ack1.get("message_id"), ack2.get("message_id"));
            assertEquals(false, ack2.get("persistent").getAsBoolean());
            room.bob().awaitMessage(room.id());
            room.bob().expectQuiet();
            assertEquals(List.of(), room.history());
        }
    }

    @Test
    void aClientIdIsUsableAgainOnItsFirstUseFailing() {
        // a send refused for bad input never took the id: the corrected retry goes through
        try (Room room = Room.open(null)) {
            String clientId = clientId();
            room.alice().expectBadInput("channel_message_send", Chat.sendWithClientId(room.id(), "not json", clientId));
            String messageId = Chat.ackOf(room.alice().request("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"fixed\":true}", clientId))).get("message_id").getAsString();
            room.bob().awaitMessageId(messageId);
            assertEquals(List.of(messageId), room.history());
        }
    }

    @Test
    void anOverlongClientIdIsBadInput() {
        try (Room room = Room.open(null)) {
            room.alice().expectBadInput("channel_message_send",
                    Chat.sendWithClientId(room.id(), "{\"x\":1}", "x".repeat(129)));
            room.bob().expectQuiet();
            assertEquals(List.of(), room.history());
        }
    }

    /** The seed-000 case: the socket dies right after a send; the client reconnects and resends. */
    @Test
    void aResendFromANewSocketOfTheSameUserIsOneMessage() {
        try (Room room = Room.open(null)) {
            String clientId = clientId();
            var user = room.alice().user;
            Chat lost = Chat.connect(server, user);
            lost.joinRoomAndOwnEvent(room.id().substring(4));
            lost.sendRequest("channel_message_send", Chat.sendWithClientId(room.id(), "{\"try\":1}", clientId));
            lost.abort();

            try (Chat again = Chat.connect(server, user)) {
                again.joinRoomAndOwnEvent(room.id().substring(4));
                String first = Chat.ackOf(again.request("channel_message_send",
                        Chat.sendWithClientId(room.id(), "{\"try\":2}", clientId))).get("message_id").getAsString();
                String second = Chat.ackOf(again.request("channel_message_send",
                        Chat.sendWithClientId(room.id(), "{\"try\":3}", clientId))).get("message_id").getAsString();
                assertEquals(first, second);
                assertEquals(List.of(first), room.history());
                List<String> delivered = room.bob().drain().stream()
                        .filter(e -> e.has("channel_message"))
                        .map(e -> e.getAsJsonObject("channel_message").get("message_id").getAsString()).toList();
                assertEquals(List.of(first), delivered, "bob got the message once");
            }
        }
    }
}
