package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.emailBody;
import static io.gantry.server.Rest.idBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /v2/account. */
@SocketScenario
class GetAccountTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestUser session(HttpResponse<String> response) {
        assertOk(response);
        JsonObject body = json(response);
        return TestUser.fromSession(body.get("token").getAsString(), body.get("refresh_token").getAsString());
    }

    private static JsonObject account(TestUser user) {
        HttpResponse<String> response = server.getWithToken("/v2/account", user.token());
        assertOk(response);
        return json(response);
    }

    @Test
    void deviceAccount() {
        String deviceId = "device-" + UUID.randomUUID();
        String username = "acct_" + UUID.randomUUID().toString().substring(0, 8);
        TestUser user = server.newUser(deviceId, username);
        JsonObject account = account(user);
        JsonObject u = account.getAsJsonObject("user");
        assertEquals(user.userId(), u.get("id").getAsString());
        assertEquals(username, u.get("username").getAsString());
        assertEquals(deviceId, account.getAsJsonArray("devices").get(0).getAsJsonObject().get("id").getAsString());
        assertEquals(1, account.getAsJsonArray("devices").size());
        Instant created = Instant.parse(u.get("create_time").getAsString());
        assertTrue(Math.abs(created.getEpochSecond() - Instant.now().getEpochSecond()) < 60, created.toString());
        assertEquals(0, created.getNano(), "whole seconds, as Nakama");
        assertFalse(account.has("email"), account.toString());
        assertFalse(account.has("custom_id"), account.toString());
    }

    @Test
    void customAccount() {
        String customId = "custom-" + UUID.randomUUID();
        TestUser user = session(server.postWithServerKey("/v2/account/authenticate/custom?create=true", idBody(customId)));
        JsonObject account = account(user);
        assertEquals(customId, account.get("custom_id").getAsString());
        assertEquals(user.userId(), account.getAsJsonObject("user").get("id").getAsString());
        assertTrue(account.getAsJsonObject("user").has("create_time"));
    }

    @Test
    void emailAccountShowsTheLowerCasedAddress() {
        String email = "Mixed." + UUID.randomUUID().toString().substring(0, 8) + "@Example.COM";
        TestUser user = session(server.postWithServerKey("/v2/account/authenticate/email?create=true",
                emailBody(email, "password123")));
        JsonObject account = account(user);
        assertEquals(email.toLowerCase(Locale.ROOT), account.get("email").getAsString());
        assertEquals(user.userId(), account.getAsJsonObject("user").get("id").getAsString());
        assertTrue(account.getAsJsonObject("user").has("create_time"));
    }

    @Test
    void userIsOnlineWhileConnected() {
        TestUser user = server.newUser();
        assertFalse(account(user).getAsJsonObject("user").has("online"), "offline users omit online (false)");
        try (io.gantry.server.testing.SocketClient socket = server.connect(user)) {
            socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
            socket.next();
            assertTrue(account(user).getAsJsonObject("user").get("online").getAsBoolean());
        }
    }

    @Test
    void withoutTokenIsAuthTokenRequired() {
        assertError(server.send(HttpRequest.newBuilder(server.uri("/v2/account")).GET()), 401, 16, "Auth token required");
    }

    @Test
    void badTokenIsUnauthenticated() {
        assertError(server.getWithToken("/v2/account", "garbage"), 401, 16, null);
        assertError(server.getWithToken("/v2/account", "a.b.c"), 401, 16, null);
        TestUser user = server.newUser();
        assertError(server.send(HttpRequest.newBuilder(server.uri("/v2/account"))
                .header("Authorization", TestServer.basic(TestServer.SERVER_KEY)).GET()), 401, 16, null);
        assertError(server.getWithToken("/v2/account", Tokens.withForeignSignature(user.token())), 401, 16, null);
    }
}
