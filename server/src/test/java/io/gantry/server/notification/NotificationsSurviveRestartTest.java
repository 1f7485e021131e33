package io.gantry.server.notification;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.heroiclabs.nakama.api.Notification;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static io.gantry.server.notification.NotificationListTest.encode;
import static io.gantry.server.notification.NotificationListTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Persistent notifications, and the cursors handed out for them, outlive a restart. */
class NotificationsSurviveRestartTest {

    TestServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void storedNotificationsAndCursorsSurviveARestart() throws InterruptedException {
        TestUser alice = server.newUser();
        Notification one = server.server().notifications().send(alice.userId(), "one", "{}", 1, null, true);
        Notification two = server.server().notifications().send(alice.userId(), "two", "{}", 1, null, true);
        server.server().notifications().send(alice.userId(), "gone", "{}", 1, null, false);
        String cursor = list(alice, "?limit=1").get("cacheable_cursor").getAsString();

        server.restart();

        JsonObject all = list(alice, "?limit=100");
        assertEquals(List.of(one.getId(), two.getId()), ids(all));
        assertEquals(List.of(two.getId()), ids(list(alice, "?limit=100&cacheable_cursor=" + encode(cursor))));
    }

    JsonObject list(TestUser user, String query) {
        HttpResponse<String> response = server.getWithToken("/v2/notification" + query, user.token());
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }
}
