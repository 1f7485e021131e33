package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.RawWebSocket;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session token stops working when it expires; its refresh token gets a new one. */
class ExpiredSessionTokenTest {

    @Test
    void expiredTokenIsRefusedAndRefreshRevivesTheSession() throws InterruptedException, IOException {
        try (TestServer server = TestServer.start(config -> config.with(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC, 1L))) {
            TestUser user = server.newUser();
            JsonObject claims = TestUser.claims(user.token());
            // no iat claim (as Nakama's tokens): the issue time is in the time-ordered token id
            long issuedMs = java.util.UUID.fromString(claims.get("tid").getAsString()).getMostSignificantBits() >>> 16;
            assertEquals(1, claims.get("exp").getAsLong() - Math.floorDiv(issuedMs, 1000L));

            server.clock().advance(Duration.ofSeconds(2)); // the server's token clock, not a wait

            RawWebSocket.Head head = RawWebSocket.upgrade(server.port(), "/ws?format=json&token=" + user.token());
            assertEquals(401, head.status(), head.toString());
            assertError(server.getWithToken("/v2/account", user.token()), 401, 16, null);

            JsonObject body = new JsonObject();
            body.addProperty("token", user.refreshToken());
            HttpResponse<String> refreshed = server.postWithServerKey("/v2/account/session/refresh", body.toString());
            assertOk(refreshed);
            // a fresh token for the same user, issued at the server's (moved) time
            JsonObject fresh = TestUser.claims(json(refreshed).get("token").getAsString());
            assertEquals(user.userId(), fresh.get("uid").getAsString());
            assertTrue(fresh.get("exp").getAsLong() > claims.get("exp").getAsLong(), fresh.toString());
        }
    }
}
