package io.gantry.server.notification;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.heroiclabs.nakama.api.Notification;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.notification.NotificationRequest;
import io.gantry.core.notification.NotificationService;
import io.gantry.server.status.Peer;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server code sends notifications; online users get them at once on every socket. */
@SocketScenario
class NotificationDeliveryTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static NotificationService notifications() {
        return server.server().notifications();
    }

    @Test
    void everySocketOfTheUserGetsItAndNobodyElse() {
        TestUser alice = server.newUser();
        TestUser sender = server.newUser();
        try (Peer phone = Peer.hidden(server, alice);
             Peer laptop = Peer.hidden(server, alice);
             Peer bob = Peer.hidden(server, server.newUser())) {
            Notification sent = notifications().send(alice.userId(), "Reward", "{\"coins\":100}", 7,
                    sender.userId(), false);
            assertFalse(sent.getId().isEmpty());
            assertTrue(sent.hasCreateTime());

            for (Peer socket : List.of(phone, laptop)) {
                Envelope envelope = socket.awaitNotifications();
                assertEquals(List.of(sent), envelope.getNotifications().getNotificationsList());
                socket.expectQuiet();
            }
            bob.expectQuiet();
        }
    }

    @Test
    void theJsonShapeIsNakamas() {
        TestUser alice = server.newUser();
        try (Peer socket = Peer.hidden(server, alice)) {
            Notification sent = notifications().send(alice.userId(), "Hello", "{\"a\":1}", 0, null, false);
            JsonObject json = socket.awaitFrame(Envelope::hasNotifications, "notifications").json();
            JsonArray list = json.getAsJsonObject("notifications").getAsJsonArray("notifications");
            assertEquals(1, list.size());
            JsonObject n = list.get(0).getAsJsonObject();
            assertEquals(sent.getId(), n.get("id").getAsString());
            assertEquals("Hello", n.get("subject").getAsString());
            assertEquals("{\"a\":1}", n.get("content").getAsString());
            assertTrue(n.has("create_time"), n.toString());
            assertFalse(n.has("sender_id"), "the system sends with no sender: " + n);
        }
    }

    @Test
    void aPersistentOneIsDeliveredLiveAndListed() {
        TestUser alice = server.newUser();
        try (Peer socket = Peer.hidden(server, alice)) {
            Notification sent = notifications().send(alice.userId(), "Stored", "{}", 3, null, true);
            Notification live = socket.awaitNotifications().getNotifications().getNotifications(0);
            assertEquals(sent, live);
            assertTrue(live.getPersistent());

            JsonArray listed = list(alice, "").getAsJsonArray("notifications");
            assertEquals(1, listed.size());
            assertEquals(sent.getId(), listed.get(0).getAsJsonObject().get("id").getAsString());
            assertTrue(listed.get(0).getAsJsonObject().get("persistent").getAsBoolean());
        }
    }

    @Test
    void aNonPersistentOneIsNotListed() {
        TestUser alice = server.newUser();
        notifications().send(alice.userId(), "Fleeting", "{}", 1, null, false);
        JsonObject page = list(alice, "?limit=100");
        assertFalse(page.has("notifications"), page.toString());
    }

    @Test
    void anOfflineUserFindsPersistentOnesLater() {
        TestUser alice = server.newUser();
        Notification sent = notifications().send(alice.userId(), "While you were away", "{}", 2, null, true);
        try (Peer socket = Peer.hidden(server, alice)) {
            socket.expectQuiet(); // nothing is replayed on connect: it is listed instead
        }
        JsonArray listed = list(alice, "").getAsJsonArray("notifications");
        assertEquals(sent.getId(), listed.get(0).getAsJsonObject().get("id").getAsString());
    }

    @Test
    void sendAllDeliversOneEnvelopePerUser() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        try (Peer a = Peer.hidden(server, alice); Peer b = Peer.hidden(server, bob)) {
            List<Notification> sent = notifications().sendAll(List.of(
                    new NotificationRequest(alice.userId(), "one", "{}", 1, null, true),
                    new NotificationRequest(bob.userId(), "two", "{}", 1, null, false),
                    new NotificationRequest(alice.userId(), "three", "{}", 1, null, true)));
            assertEquals(List.of(sent.get(0), sent.get(2)), a.awaitNotifications().getNotifications().getNotificationsList());
            assertEquals(List.of(sent.get(1)), b.awaitNotifications().getNotifications().getNotificationsList());
            a.expectQuiet();
            b.expectQuiet();
        }
    }

    @Test
    void invalidNotificationsAreRefusedAndNothingIsSent() {
        TestUser alice = server.newUser();
        try (Peer socket = Peer.hidden(server, alice)) {
            String user = alice.userId();
            assertThrows(IllegalArgumentException.class, () -> notifications().send("not-a-user", "s", "{}", 1, null, true));
            assertThrows(IllegalArgumentException.class, () -> notifications().send(user, "", "{}", 1, null, true));
            assertThrows(IllegalArgumentException.class, () -> notifications().send(user, "s", "[1]", 1, null, true));
            assertThrows(IllegalArgumentException.class, () -> notifications().send(user, "s", "{oops", 1, null, true));
            assertThrows(IllegalArgumentException.class, () -> notifications().send(user, "s", null, 1, null, true));
            assertThrows(IllegalArgumentException.class, () -> notifications().send(user, "s", "{}", 1, "sender?", true));
            // One bad request in a batch refuses the whole batch.
            assertThrows(IllegalArgumentException.class, () -> notifications().sendAll(List.of(
                    new NotificationRequest(user, "fine", "{}", 1, null, true),
                    new NotificationRequest(user, "bad", "nope", 1, null, true))));
            socket.expectQuiet();
            assertFalse(list(alice, "?limit=100").has("notifications"));
        }
    }

    @Test
    void aNotificationToAnUnknownUserIsStoredForNobody() {
        // Nakama does not check that the recipient exists; neither do we: nobody can list it.
        String nobody = UUID.randomUUID().toString();
        Notification sent = notifications().send(nobody, "lost", "{}", 1, null, true);
        assertFalse(sent.getId().isEmpty());
    }

    static JsonObject list(TestUser user, String query) {
        HttpResponse<String> response = server.getWithToken("/v2/notification" + query, user.token());
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }
}
