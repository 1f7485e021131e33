package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.emailBody;
import static io.gantry.server.Rest.idBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Accounts are on disk: a restarted server knows them, and tokens it issued before still verify. */
@SocketScenario
class AccountsSurviveRestartTest {

    private static String uid(HttpResponse<String> response) {
        assertOk(response);
        return TestUser.claims(json(response).get("token").getAsString()).get("uid").getAsString();
    }

    @Test
    void accountsAndTokensSurviveARestart() throws InterruptedException {
        try (TestServer server = TestServer.start()) {
            String deviceId = "device-" + UUID.randomUUID();
            String username = "keep_" + UUID.randomUUID().toString().substring(0, 8);
            TestUser device = server.newUser(deviceId, username);
            String customId = "custom-" + UUID.randomUUID();
            String customUid = uid(server.postWithServerKey("/v2/account/authenticate/custom?create=true", idBody(customId)));
            String email = "keep." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String emailUid = uid(server.postWithServerKey("/v2/account/authenticate/email?create=true",
                    emailBody(email, "password123")));

            server.restart();

            HttpResponse<String> again = server.postWithServerKey("/v2/account/authenticate/device?create=false", idBody(deviceId));
            assertEquals(device.userId(), uid(again));
            JsonObject session = json(again);
            assertFalse(session.has("created") && session.get("created").getAsBoolean());
            assertEquals(username, TestUser.claims(session.get("token").getAsString()).get("usn").getAsString());
            assertEquals(customUid, uid(server.postWithServerKey("/v2/account/authenticate/custom?create=false", idBody(customId))));
            assertEquals(emailUid, uid(server.postWithServerKey("/v2/account/authenticate/email?create=false",
                    emailBody(email, "password123"))));

            // a token issued before the restart still works (same keys)
            assertOk(server.getWithToken("/v2/account", device.token()));
            try (SocketClient socket = server.connect(device)) {
                socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
                assertEquals("{\"cid\":\"1\",\"pong\":{}}", socket.next().json().toString());
            }
        }
    }

    @Test
    void logoutSurvivesARestart() throws InterruptedException {
        try (TestServer server = TestServer.start()) {
            TestUser user = server.newUser();
            JsonObject body = new JsonObject();
            body.addProperty("token", user.token());
            body.addProperty("refresh_token", user.refreshToken());
            assertOk(server.postWithToken("/v2/session/logout", user.token(), body.toString()));

            server.restart();

            assertEquals(401, server.getWithToken("/v2/account", user.token()).statusCode());
            JsonObject refresh = new JsonObject();
            refresh.addProperty("token", user.refreshToken());
            assertEquals(401, server.postWithServerKey("/v2/account/session/refresh", refresh.toString()).statusCode());
        }
    }
}
