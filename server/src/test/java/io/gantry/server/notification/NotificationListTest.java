package io.gantry.server.notification;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.heroiclabs.nakama.api.Notification;
import io.gantry.core.notification.NotificationService;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** {@code GET /v2/notification}: oldest first, paged with the cacheable cursor. */
class NotificationListTest {

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

    static List<String> sendFive(TestUser user) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Notification n = notifications().send(user.userId(), "n" + i, "{\"i\":" + i + "}", 1, null, true);
            ids.add(n.getId());
        }
        return ids;
    }

    @Test
    void pagesOfTwoWithTheCacheableCursor() {
        TestUser alice = server.newUser();
        List<String> sent = sendFive(alice);

        JsonObject first = list(alice, "?limit=2");
        assertEquals(sent.subList(0, 2), ids(first));
        String cursor = first.get("cacheable_cursor").getAsString();

        JsonObject second = list(alice, "?limit=2&cacheable_cursor=" + encode(cursor));
        assertEquals(sent.subList(2, 4), ids(second));
        cursor = second.get("cacheable_cursor").getAsString();

        JsonObject third = list(alice, "?limit=2&cacheable_cursor=" + encode(cursor));
        assertEquals(sent.subList(4, 5), ids(third));
        cursor = third.get("cacheable_cursor").getAsString();

        // Nothing newer: an empty page that hands the same cursor back.
        JsonObject empty = list(alice, "?limit=2&cacheable_cursor=" + encode(cursor));
        assertEquals(List.of(), ids(empty));
        assertEquals(cursor, empty.get("cacheable_cursor").getAsString());

        // Later, only what is new since.
        Notification sixth = notifications().send(alice.userId(), "n6", "{}", 1, null, true);
        JsonObject newer = list(alice, "?limit=100&cacheable_cursor=" + encode(cursor));
        assertEquals(List.of(sixth.getId()), ids(newer));
    }

    @Test
    void theNotificationsAreNakamasShape() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        Notification sent = notifications().send(alice.userId(), "From bob", "{\"x\":true}", 42, bob.userId(), true);
        JsonObject page = list(alice, "?limit=10");
        JsonObject n = page.getAsJsonArray("notifications").get(0).getAsJsonObject();
        assertEquals(sent.getId(), n.get("id").getAsString());
        assertEquals("From bob", n.get("subject").getAsString());
        assertEquals("{\"x\":true}", n.get("content").getAsString());
        assertEquals(42, n.get("code").getAsInt());
        assertEquals(bob.userId(), n.get("sender_id").getAsString());
        assertEquals(0, java.time.Instant.parse(n.get("create_time").getAsString()).getNano(), "whole seconds, as Nakama");
        assertEquals(true, n.get("persistent").getAsBoolean());
    }

    @Test
    void theDefaultLimitIsOneAsInNakama() {
        TestUser alice = server.newUser();
        List<String> sent = sendFive(alice);
        assertEquals(sent.subList(0, 1), ids(list(alice, "")));
    }

    @Test
    void cursorIsAcceptedForCacheableCursor() {
        TestUser alice = server.newUser();
        List<String> sent = sendFive(alice);
        String cursor = list(alice, "?limit=3").get("cacheable_cursor").getAsString();
        assertEquals(sent.subList(3, 5), ids(list(alice, "?limit=3&cursor=" + encode(cursor))));
    }

    @Test
    void anEmptyListStillHasACursorThatSeesWhatComesLater() {
        TestUser alice = server.newUser();
        JsonObject empty = list(alice, "?limit=10");
        assertFalse(empty.has("notifications"));
        String cursor = empty.get("cacheable_cursor").getAsString();
        Notification first = notifications().send(alice.userId(), "first", "{}", 1, null, true);
        assertEquals(List.of(first.getId()), ids(list(alice, "?limit=10&cacheable_cursor=" + encode(cursor))));
    }

    @Test
    void eachUserListsOnlyTheirOwn() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        List<String> alices = sendFive(alice);
        Notification bobs = notifications().send(bob.userId(), "bob's", "{}", 1, null, true);
        assertEquals(alices, ids(list(alice, "?limit=100")));
        assertEquals(List.of(bobs.getId()), ids(list(bob, "?limit=100")));
    }

    @Test
    void aBadCursorIsA400() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        sendFive(alice);
        expect400(alice, "?cacheable_cursor=garbage");
        expect400(alice, "?cacheable_cursor=" + "A".repeat(64));
        // A cursor of another user's listing is refused too.
        String bobsCursor = list(bob, "?limit=1").get("cacheable_cursor").getAsString();
        expect400(alice, "?cacheable_cursor=" + encode(bobsCursor));
        // A channel history cursor is not a notification cursor.
        String aliceCursor = list(alice, "?limit=1").get("cacheable_cursor").getAsString();
        String tampered = aliceCursor.substring(0, aliceCursor.length() - 2)
                + (aliceCursor.endsWith("AA") ? "BB" : "AA");
        expect400(alice, "?cacheable_cursor=" + encode(tampered));
    }

    @Test
    void aLimitOutside1To100IsA400() {
        TestUser alice = server.newUser();
        expect400(alice, "?limit=0");
        expect400(alice, "?limit=101");
        expect400(alice, "?limit=ten");
        assertEquals(200, server.getWithToken("/v2/notification?limit=100", alice.token()).statusCode());
    }

    @Test
    void listingNeedsASession() {
        assertEquals(401, server.send(java.net.http.HttpRequest.newBuilder(server.uri("/v2/notification")).GET())
                .statusCode());
    }

    static void expect400(TestUser user, String query) {
        HttpResponse<String> response = server.getWithToken("/v2/notification" + query, user.token());
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(3, JsonParser.parseString(response.body()).getAsJsonObject().get("code").getAsInt());
    }

    static JsonObject list(TestUser user, String query) {
        HttpResponse<String> response = server.getWithToken("/v2/notification" + query, user.token());
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    static List<String> ids(JsonObject page) {
        List<String> ids = new ArrayList<>();
        JsonArray list = page.getAsJsonArray("notifications");
        if (list != null) {
            for (JsonElement n : list) {
                ids.add(n.getAsJsonObject().get("id").getAsString());
            }
        }
        return ids;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
