package io.gantry.server.notification;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.BoolValue;
import com.heroiclabs.nakama.api.Notification;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.server.status.Peer;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening a direct message stores the "wants to chat" notification, as Nakama does. */
@SocketScenario
class DirectMessageRequestIsStoredTest {

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
    void theOtherUserGetsItLiveAndCanListItLater() {
        TestUser aliceUser = server.newUser();
        TestUser bobUser = server.newUser();
        try (Peer alice = Peer.hidden(server, aliceUser);
             Peer bob = Peer.hidden(server, bobUser)) {
            Envelope joined = alice.request(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder()
                    .setType(2).setTarget(bobUser.userId())
                    .setPersistence(BoolValue.of(true)).setHidden(BoolValue.of(false))));
            assertEquals(Envelope.MessageCase.CHANNEL, joined.getMessageCase(), joined.toString());

            Notification live = bob.awaitNotifications().getNotifications().getNotifications(0);
            assertEquals(-1, live.getCode());
            assertEquals(aliceUser.username() + " wants to chat", live.getSubject());
            assertEquals(aliceUser.userId(), live.getSenderId());
            assertEquals("{\"username\":\"" + aliceUser.username() + "\"}", live.getContent(), "as Nakama's");
            assertTrue(live.getPersistent());

            HttpResponse<String> response = server.getWithToken("/v2/notification?limit=10", bobUser.token());
            assertEquals(200, response.statusCode(), response.body());
            JsonArray listed = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("notifications");
            assertEquals(1, listed.size());
            JsonObject stored = listed.get(0).getAsJsonObject();
            assertEquals(live.getId(), stored.get("id").getAsString());
            assertEquals(-1, stored.get("code").getAsInt());
            assertEquals(aliceUser.userId(), stored.get("sender_id").getAsString());
        }
    }

    @Test
    void anOfflineUserFindsItWhenTheyComeBack() {
        TestUser aliceUser = server.newUser();
        TestUser bobUser = server.newUser(); // not connected
        try (Peer alice = Peer.hidden(server, aliceUser)) {
            Envelope joined = alice.request(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder()
                    .setType(2).setTarget(bobUser.userId())
                    .setPersistence(BoolValue.of(true)).setHidden(BoolValue.of(false))));
            assertEquals(Envelope.MessageCase.CHANNEL, joined.getMessageCase(), joined.toString());
        }
        // Stored off the router after the join: the write lands a little later.
        JsonArray listed = await("the stored notification").atMost(java.time.Duration.ofSeconds(5)).until(() -> {
            HttpResponse<String> response = server.getWithToken("/v2/notification?limit=10", bobUser.token());
            return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("notifications");
        }, java.util.Objects::nonNull);
        assertEquals(1, listed.size());
        assertEquals(aliceUser.username() + " wants to chat",
                listed.get(0).getAsJsonObject().get("subject").getAsString());
    }
}
