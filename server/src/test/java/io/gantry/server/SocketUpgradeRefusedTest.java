package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.RawWebSocket;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;

import static io.gantry.server.Rest.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad, forged, expired or logged-out token is refused with HTTP 401 before the upgrade. */
class SocketUpgradeRefusedTest {

    static TestServer server;
    static TestUser user;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
        user = server.newUser();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Asserts a 401 with Nakama's plain-text body (its acceptor uses Go's http.Error) and no upgrade. */
    private static void assertRefused(String query) throws IOException {
        RawWebSocket.Head head = RawWebSocket.upgrade(server.port(), "/ws?" + query);
        assertEquals(401, head.status(), head.toString());
        assertEquals("Missing or invalid token\n", head.body());
        assertTrue(head.headers().get("content-type").startsWith("text/plain"), head.toString());
    }

    @Test
    void validTokenUpgrades() throws IOException {
        RawWebSocket.Head head = RawWebSocket.upgrade(server.port(), "/ws?format=json&token=" + user.token());
        assertEquals(101, head.status(), head.toString());
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head.headers().get("sec-websocket-accept"));
    }

    @Test
    void noToken() throws IOException {
        assertRefused("format=json");
        assertRefused("format=json&token=");
    }

    @Test
    void garbageToken() throws IOException {
        assertRefused("token=garbage");
        assertRefused("token=a.b.c");
    }

    @Test
    void tokenSignedWithAnotherKey() throws IOException {
        assertRefused("token=" + Tokens.withForeignSignature(user.token()));
    }

    @Test
    void tokenWithTamperedSignature() throws IOException {
        assertRefused("token=" + Tokens.withTamperedSignature(user.token()));
    }

    @Test
    void tokenWithTamperedPayload() throws IOException {
        JsonObject claims = TestUser.claims(user.token());
        claims.addProperty("uid", "00000000-0000-0000-0000-000000000001");
        assertRefused("token=" + Tokens.withPayload(user.token(), claims.toString()));
    }

    @Test
    void expiredTokenSignedWithTheRightKey() throws IOException {
        JsonObject claims = TestUser.claims(user.token());
        long now = System.currentTimeMillis() / 1000;
        claims.addProperty("iat", now - 120);
        claims.addProperty("exp", now - 60);
        assertRefused("token=" + Tokens.signed(claims.toString(), Tokens.DEFAULT_SESSION_KEY));
        // the forgery is faithful: the same claims with a future expiry are accepted
        claims.addProperty("exp", now + 60);
        RawWebSocket.Head head = RawWebSocket.upgrade(server.port(),
                "/ws?token=" + Tokens.signed(claims.toString(), Tokens.DEFAULT_SESSION_KEY));
        assertEquals(101, head.status(), head.toString());
    }

    @Test
    void refreshTokenIsNotASessionToken() throws IOException {
        assertRefused("token=" + user.refreshToken());
    }

    @Test
    void loggedOutToken() throws IOException {
        TestUser other = server.newUser();
        JsonObject body = new JsonObject();
        body.addProperty("token", other.token());
        body.addProperty("refresh_token", other.refreshToken());
        assertOk(server.postWithToken("/v2/session/logout", other.token(), body.toString()));
        assertRefused("token=" + other.token());
    }

    @Test
    void jdkClientSeesTheRefusalAs401() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> SocketClient.connect(server.wsUri("garbage", "json")));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(401, handshake.getResponse().statusCode());
    }
}
