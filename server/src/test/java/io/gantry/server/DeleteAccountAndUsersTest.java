package io.gantry.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static io.gantry.server.AccountRequests.account;
import static io.gantry.server.AccountRequests.delete;
import static io.gantry.server.AccountRequests.put;
import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.enc;
import static io.gantry.server.Rest.idBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DELETE /v2/account and GET /v2/user. */
@SocketScenario
class DeleteAccountAndUsersTest {

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
    void aDeletedAccountIsGoneItsTokensAreDeadAndItsSocketIsClosed() {
        String device = "dev-" + UUID.randomUUID();
        TestUser user = server.newUser(device, null);
        TestUser other = server.newUser();
        try (SocketClient socket = server.connect(user)) {
            socket.barrier();
            assertOk(delete(server, "/v2/account", user.token()));
            assertEquals(1005, socket.awaitClose(), "a close with no status code, as Nakama");
        }
        assertError(server.getWithToken("/v2/account", user.token()), 401, 16, "Auth token invalid");
        assertError(delete(server, "/v2/account", user.token()), 401, 16, "Auth token invalid");
        assertError(server.postWithServerKey("/v2/account/session/refresh", "{\"token\":\"" + user.refreshToken() + "\"}"),
                401, 16, "Refresh token invalid or expired.");
        assertError(server.postWithServerKey("/v2/account/authenticate/device?create=false", idBody(device)),
                404, 5, "User account not found.");
        assertFalse(json(server.getWithToken("/v2/user?ids=" + user.userId(), other.token())).has("users"));
        // the username is free, and the device makes a new account
        assertOk(put(server, "/v2/account", other, "{\"username\":\"" + user.username() + "\"}"));
        HttpResponse<String> again = server.postWithServerKey("/v2/account/authenticate/device?create=true", idBody(device));
        assertOk(again);
        assertTrue(json(again).get("created").getAsBoolean());
        assertNotEquals(user.userId(), TestUser.fromSession(json(again).get("token").getAsString(), "").userId());
    }

    @Test
    void usersByIdAndUsernameComeOnceInCreationOrder() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        TestUser c = server.newUser();
        assertOk(put(server, "/v2/account", b, "{\"display_name\":\"B\",\"lang_tag\":\"fr\"}"));
        JsonArray users = json(server.getWithToken("/v2/user?ids=" + c.userId() + "&usernames=" + enc(b.username())
                + "&ids=" + a.userId() + "&ids=" + a.userId() + "&usernames=" + enc(a.username())
                + "&facebook_ids=123", a.token())).getAsJsonArray("users");
        assertEquals(3, users.size(), users.toString());
        assertEquals(a.userId(), users.get(0).getAsJsonObject().get("id").getAsString());
        assertEquals(b.userId(), users.get(1).getAsJsonObject().get("id").getAsString());
        assertEquals(c.userId(), users.get(2).getAsJsonObject().get("id").getAsString());
        JsonObject bUser = users.get(1).getAsJsonObject();
        assertEquals("B", bUser.get("display_name").getAsString());
        assertEquals("fr", bUser.get("lang_tag").getAsString());
        assertEquals("{}", bUser.get("metadata").getAsString());
        assertEquals("en", users.get(0).getAsJsonObject().get("lang_tag").getAsString());
        assertFalse(users.get(0).getAsJsonObject().has("online"));

        assertEquals("{}", server.getWithToken("/v2/user?ids=" + UUID.randomUUID() + "&usernames=nosuchuser-x", a.token()).body());
        assertEquals("{}", server.getWithToken("/v2/user", a.token()).body());
        assertFalse(json(server.getWithToken("/v2/user?usernames=" + enc(b.username().toUpperCase(java.util.Locale.ROOT)
                + "-x"), a.token())).has("users"));
    }

    @Test
    void onlineMeansASocketThatAskedToAppearOnline() {
        TestUser a = server.newUser();
        TestUser c = server.newUser();
        String path = "/v2/user?ids=" + c.userId();
        try (SocketClient hidden = server.connect(c, "json", false)) {
            hidden.barrier();
            assertFalse(json(server.getWithToken(path, a.token())).getAsJsonArray("users").get(0).getAsJsonObject().has("online"));
            try (SocketClient shown = server.connect(c, "json", true)) {
                shown.barrier();
                assertTrue(json(server.getWithToken(path, a.token())).getAsJsonArray("users").get(0).getAsJsonObject()
                        .get("online").getAsBoolean());
            }
        }
    }

    @Test
    void aMalformedIdIsRefusedEvenNextToGoodOnes() {
        TestUser a = server.newUser();
        assertError(server.getWithToken("/v2/user?ids=not-a-uuid", a.token()), 400, 3, "ID 'not-a-uuid' is not a valid system ID.");
        assertError(server.getWithToken("/v2/user?ids=" + a.userId() + "&ids=not-a-uuid", a.token()),
                400, 3, "ID 'not-a-uuid' is not a valid system ID.");
        assertError(server.getWithToken("/v2/user?ids=", a.token()), 400, 3, "ID '' is not a valid system ID.");
        assertError(server.send(java.net.http.HttpRequest.newBuilder(server.uri("/v2/user?ids=" + a.userId())).GET()),
                401, 16, "Auth token required");
    }
}
