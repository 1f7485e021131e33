package io.gantry.server.notification;

import com.heroiclabs.nakama.api.Notification;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static io.gantry.server.notification.NotificationListTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code DELETE /v2/notification?ids=}: only the caller's own, unknown ids ignored. */
class NotificationDeleteTest {

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
    void deletesOnlyTheCallersOwn() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        Notification a1 = send(alice, "a1");
        Notification a2 = send(alice, "a2");
        Notification b1 = send(bob, "b1");

        // Bob names alice's notification, his own, an unknown id and garbage: only his own goes.
        HttpResponse<String> response = delete(bob, "?ids=" + a1.getId() + "&ids=" + b1.getId()
                + "&ids=" + UUID.randomUUID() + "&ids=garbage");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{}", response.body());
        assertEquals(List.of(), ids(list(bob)));
        assertEquals(List.of(a1.getId(), a2.getId()), ids(list(alice)));

        assertEquals(200, delete(alice, "?ids=" + a1.getId()).statusCode());
        assertEquals(List.of(a2.getId()), ids(list(alice)));

        // Deleting again, or nothing at all, is fine.
        assertEquals(200, delete(alice, "?ids=" + a1.getId()).statusCode());
        assertEquals(200, delete(alice, "").statusCode());
        assertEquals(List.of(a2.getId()), ids(list(alice)));
    }

    @Test
    void aCursorPastADeletedNotificationStillWorks() {
        TestUser alice = server.newUser();
        Notification first = send(alice, "first");
        String cursor = list(alice).get("cacheable_cursor").getAsString(); // after "first"
        assertEquals(200, delete(alice, "?ids=" + first.getId()).statusCode());
        Notification second = send(alice, "second");
        HttpResponse<String> page = server.getWithToken("/v2/notification?limit=100&cacheable_cursor="
                + NotificationListTest.encode(cursor), alice.token());
        assertEquals(200, page.statusCode(), page.body());
        assertEquals(List.of(second.getId()),
                ids(com.google.gson.JsonParser.parseString(page.body()).getAsJsonObject()));
    }

    @Test
    void deletingNeedsASession() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/v2/notification?ids="
                + UUID.randomUUID())).DELETE());
        assertEquals(401, response.statusCode());
    }

    static Notification send(TestUser user, String subject) {
        return server.server().notifications().send(user.userId(), subject, "{}", 1, null, true);
    }

    static HttpResponse<String> delete(TestUser user, String query) {
        return server.send(HttpRequest.newBuilder(server.uri("/v2/notification" + query))
                .header("Authorization", "Bearer " + user.token()).DELETE());
    }

    static com.google.gson.JsonObject list(TestUser user) {
        HttpResponse<String> response = server.getWithToken("/v2/notification?limit=100", user.token());
        assertEquals(200, response.statusCode(), response.body());
        return com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject();
    }
}
