package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /v2/account/session/refresh. */
@SocketScenario
class SessionRefreshTest {

    private static final String PATH = "/v2/account/session/refresh";

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> refresh(String refreshToken) {
        JsonObject body = new JsonObject();
        body.addProperty("token", refreshToken);
        return server.postWithServerKey(PATH, body.toString());
    }

    @Test
    void refreshTokenGivesANewWorkingSession() {
        TestUser user = server.newUser();
        HttpResponse<String> response = refresh(user.refreshToken());
        assertOk(response);
        JsonObject session = json(response);
        TestUser refreshed = TestUser.fromSession(session.get("token").getAsString(), session.get("refresh_token").getAsString());
        assertEquals(user.userId(), refreshed.userId());
        assertEquals(user.username(), refreshed.username());
        // As Nakama 3.18: the pair keeps the refresh token's id (within the same second the token is
        // even the same string); both expiries start again.
        JsonObject before = TestUser.claims(user.token());
        JsonObject after = TestUser.claims(refreshed.token());
        assertEquals(before.get("tid"), after.get("tid"));
        assertEquals(before.get("tid"), TestUser.claims(refreshed.refreshToken()).get("tid"));
        assertTrue(after.get("exp").getAsLong() >= before.get("exp").getAsLong());

        HttpResponse<String> account = server.getWithToken("/v2/account", refreshed.token());
        assertOk(account);
        assertEquals(user.userId(), json(account).getAsJsonObject("user").get("id").getAsString());

        try (SocketClient socket = server.connect(refreshed)) {
            socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
            assertEquals("{\"cid\":\"1\",\"pong\":{}}", socket.next().json().toString());
        }
        // the new refresh token works too
        assertOk(refresh(refreshed.refreshToken()));
    }

    @Test
    void refreshKeepsTheSessionVars() {
        JsonObject body = new JsonObject();
        body.addProperty("id", "device-" + UUID.randomUUID());
        JsonObject vars = new JsonObject();
        vars.addProperty("region", "eu>west");
        body.add("vars", vars);
        HttpResponse<String> auth = server.postWithServerKey("/v2/account/authenticate/device?create=true", body.toString());
        assertOk(auth);
        HttpResponse<String> response = refresh(json(auth).get("refresh_token").getAsString());
        assertOk(response);
        assertEquals(vars, TestUser.claims(json(response).get("token").getAsString()).getAsJsonObject("vrs"));
    }

    @Test
    void garbageRefreshTokenIsUnauthenticated() {
        assertError(refresh("garbage"), 401, 16, null);
        assertError(refresh("a.b.c"), 401, 16, null);
    }

    @Test
    void sessionTokenIsNotARefreshToken() {
        TestUser user = server.newUser();
        assertError(refresh(user.token()), 401, 16, null);
    }

    @Test
    void refreshTokenIsNotASessionToken() {
        TestUser user = server.newUser();
        assertError(server.getWithToken("/v2/account", user.refreshToken()), 401, 16, null);
    }

    @Test
    void missingRefreshTokenIsBadInput() {
        assertError(server.postWithServerKey(PATH, "{}"), 400, 3, null);
    }
}
