package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.RawWebSocket;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.UUID;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /v2/session/logout revokes the session and its refresh token, and nothing else. */
@SocketScenario
class LogoutTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> logout(TestUser user) {
        JsonObject body = new JsonObject();
        body.addProperty("token", user.token());
        body.addProperty("refresh_token", user.refreshToken());
        return server.postWithToken("/v2/session/logout", user.token(), body.toString());
    }

    private static HttpResponse<String> refresh(String refreshToken) {
        JsonObject body = new JsonObject();
        body.addProperty("token", refreshToken);
        return server.postWithServerKey("/v2/account/session/refresh", body.toString());
    }

    @Test
    void loggedOutSessionIsDeadEverywhereAndOtherSessionsLive() throws IOException {
        String deviceId = "device-" + UUID.randomUUID();
        TestUser user = server.newUser(deviceId, null);
        TestUser otherSession = server.newUser(deviceId, null);
        assertEquals(user.userId(), otherSession.userId());

        HttpResponse<String> response = logout(user);
        assertOk(response);
        assertEquals("{}", response.body());

        assertError(server.getWithToken("/v2/account", user.token()), 401, 16, null);
        assertError(refresh(user.refreshToken()), 401, 16, null);
        RawWebSocket.Head upgrade = RawWebSocket.upgrade(server.port(), "/ws?token=" + user.token());
        assertEquals(401, upgrade.status(), upgrade.toString());

        // the same user's other session is untouched
        assertOk(server.getWithToken("/v2/account", otherSession.token()));
        assertOk(refresh(otherSession.refreshToken()));
        try (SocketClient socket = server.connect(otherSession)) {
            socket.sendText("{\"cid\":\"1\",\"ping\":{}}");
            assertEquals("{\"cid\":\"1\",\"pong\":{}}", socket.next().json().toString());
        }
        // and the user can still log in again
        TestUser again = server.newUser(deviceId, null);
        assertOk(server.getWithToken("/v2/account", again.token()));
    }

    @Test
    void logoutNeedsASessionToken() {
        assertError(server.send(java.net.http.HttpRequest.newBuilder(server.uri("/v2/session/logout"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))), 401, 16, "Auth token required");
    }

    /**
     * A refresh answers with a new pair that keeps the refresh token's token id (as Nakama 3.18's
     * SessionRefresh), so logging out the refreshed session also ends the refresh token the user
     * started with, and the session tokens issued before the refresh.
     */
    @Test
    void logoutAfterARefreshAlsoEndsTheOriginalRefreshToken() {
        TestUser original = server.newUser();
        HttpResponse<String> refreshed = refresh(original.refreshToken());
        assertOk(refreshed);
        JsonObject session = json(refreshed);
        TestUser current = TestUser.fromSession(session.get("token").getAsString(), session.get("refresh_token").getAsString());

        assertOk(logout(current));

        assertError(refresh(current.refreshToken()), 401, 16, null);
        assertError(refresh(original.refreshToken()), 401, 16, null);
        assertError(server.getWithToken("/v2/account", original.token()), 401, 16, null);
    }

    /**
     * As Nakama's SessionLogout: a logout naming neither a token nor a refresh token in its body
     * ends all of the user's sessions, not only the caller's.
     */
    @Test
    void logoutWithAnEmptyBodyEndsAllOfTheUsersSessions() {
        String deviceId = "device-" + UUID.randomUUID();
        TestUser first = server.newUser(deviceId, null);
        TestUser second = server.newUser(deviceId, null);
        assertOk(server.postWithToken("/v2/session/logout", first.token(), "{}"));
        assertError(server.getWithToken("/v2/account", first.token()), 401, 16, null);
        assertError(server.getWithToken("/v2/account", second.token()), 401, 16, null);
        assertError(refresh(second.refreshToken()), 401, 16, null);
    }

    private static HttpResponse<String> logoutNaming(TestUser caller, String token, String refreshToken) {
        JsonObject body = new JsonObject();
        if (token != null) {
            body.addProperty("token", token);
        }
        if (refreshToken != null) {
            body.addProperty("refresh_token", refreshToken);
        }
        return server.postWithToken("/v2/session/logout", caller.token(), body.toString());
    }

    @Test
    void oneUserCannotLogOutAnother() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        // As Nakama: 400 with the kind of token that is not the caller's, and nothing is revoked.
        assertError(logoutNaming(alice, bob.token(), bob.refreshToken()), 400, 3, "Session token invalid.");
        assertError(logoutNaming(alice, null, bob.refreshToken()), 400, 3, "Refresh token invalid.");
        assertError(logoutNaming(alice, alice.token(), bob.refreshToken()), 400, 3, "Refresh token invalid.");
        assertOk(server.getWithToken("/v2/account", bob.token()));
        assertOk(refresh(bob.refreshToken()));
        assertOk(server.getWithToken("/v2/account", alice.token()));
        assertOk(refresh(alice.refreshToken()));
    }

    @ParameterizedTest
    @CsvSource({
            "not-a-jwt, , Session token invalid.",
            ", not-a-jwt, Refresh token invalid.",
            "a.b.c, , Session token invalid.",
    })
    void aTokenThatDoesNotParseIsBadInputAndRevokesNothing(String token, String refreshToken, String message) {
        TestUser user = server.newUser();
        assertError(logoutNaming(user, token, refreshToken), 400, 3, message);
        assertOk(server.getWithToken("/v2/account", user.token()));
        assertOk(refresh(user.refreshToken()));
    }

    @Test
    void aSessionTokenSignedAsARefreshTokenIsInvalid() {
        TestUser user = server.newUser();
        assertError(logoutNaming(user, user.refreshToken(), null), 400, 3, "Session token invalid.");
        assertError(logoutNaming(user, null, user.token()), 400, 3, "Refresh token invalid.");
        assertOk(server.getWithToken("/v2/account", user.token()));
    }

    @Test
    void logoutRevokesExactlyTheNamedTokens() {
        TestUser onlyRefresh = server.newUser();
        assertOk(logoutNaming(onlyRefresh, null, onlyRefresh.refreshToken()));
        assertOk(server.getWithToken("/v2/account", onlyRefresh.token()));    // the caller's token was not named
        assertError(refresh(onlyRefresh.refreshToken()), 401, 16, null);

        TestUser onlySession = server.newUser();
        assertOk(logoutNaming(onlySession, onlySession.token(), null));
        assertError(server.getWithToken("/v2/account", onlySession.token()), 401, 16, null);
        assertOk(refresh(onlySession.refreshToken()));                       // its refresh token still works

        // the caller logs out another session of its own, and keeps its own
        String deviceId = "device-" + UUID.randomUUID();
        TestUser caller = server.newUser(deviceId, null);
        TestUser other = server.newUser(deviceId, null);
        assertOk(logoutNaming(caller, other.token(), other.refreshToken()));
        assertOk(server.getWithToken("/v2/account", caller.token()));
        assertError(server.getWithToken("/v2/account", other.token()), 401, 16, null);
        assertError(refresh(other.refreshToken()), 401, 16, null);
    }
}
