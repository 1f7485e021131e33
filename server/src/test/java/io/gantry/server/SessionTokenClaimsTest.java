package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.enc;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JWT payload is part of the contract: nakama-js decodes it with plain base64 and reads
 * tid, uid, usn, vrs, exp and iat.
 */
class SessionTokenClaimsTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonObject session(String query, String body) {
        HttpResponse<String> response = server.postWithServerKey("/v2/account/authenticate/device" + query, body);
        assertOk(response);
        return json(response);
    }

    private static String payloadSegment(String token) {
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, token);
        return parts[1];
    }

    /** The issue time, in seconds, from the time-ordered (UUID v7) token id: the tokens carry no iat, as Nakama's. */
    private static long issuedSec(JsonObject claims) {
        return Math.floorDiv(issuedMs(claims), 1000L);
    }

    private static long issuedMs(JsonObject claims) {
        UUID tid = UUID.fromString(claims.get("tid").getAsString());
        assertEquals(7, tid.version(), claims.toString());
        return tid.getMostSignificantBits() >>> 16;
    }

    @Test
    void claimsAreExactlyNakamasAndExpiryIsSixtySeconds() {
        long before = System.currentTimeMillis();
        JsonObject session = session("?create=true", Rest.idBody("device-" + UUID.randomUUID()));
        long after = System.currentTimeMillis();
        String token = session.get("token").getAsString();
        JsonObject claims = TestUser.claims(token);
        assertEquals(Set.of("tid", "uid", "usn", "exp"), claims.keySet(), claims.toString());
        assertEquals(60, claims.get("exp").getAsLong() - issuedSec(claims));
        assertTrue(before <= issuedMs(claims) && issuedMs(claims) <= after, "issued during the request: " + claims);
        UUID.fromString(claims.get("uid").getAsString());
        assertTrue(!claims.get("tid").getAsString().isEmpty());

        JsonObject header = com.google.gson.JsonParser.parseString(new String(
                Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals("HS256", header.get("alg").getAsString());

        JsonObject refresh = TestUser.claims(session.get("refresh_token").getAsString());
        assertEquals(claims.get("uid"), refresh.get("uid"));
        assertEquals(claims.get("tid"), refresh.get("tid"));
        assertEquals(3600, refresh.get("exp").getAsLong() - issuedSec(refresh));
    }

    @Test
    void eachSessionHasItsOwnTokenId() {
        String deviceId = "device-" + UUID.randomUUID();
        String first = TestUser.claims(session("?create=true", Rest.idBody(deviceId)).get("token").getAsString())
                .get("tid").getAsString();
        String second = TestUser.claims(session("?create=true", Rest.idBody(deviceId)).get("token").getAsString())
                .get("tid").getAsString();
        assertNotEquals(first, second);
    }

    @Test
    void varsAreCarriedInVrs() {
        JsonObject body = new JsonObject();
        body.addProperty("id", "device-" + UUID.randomUUID());
        JsonObject vars = new JsonObject();
        vars.addProperty("k", "v");
        vars.addProperty("tricky", "a>b?c~d <&='\" ü ☃ \uD83D\uDE00");
        body.add("vars", vars);
        JsonObject session = session("?create=true", body.toString());
        JsonObject claims = TestUser.claims(session.get("token").getAsString());
        assertEquals(Set.of("tid", "uid", "usn", "vrs", "exp"), claims.keySet(), claims.toString());
        assertEquals(vars, claims.getAsJsonObject("vrs"));
        assertEquals(vars, TestUser.claims(session.get("refresh_token").getAsString()).getAsJsonObject("vrs"));
    }

    @Test
    void unicodeAndBase64UrlSpecialCharactersSurvivePlainBase64Decoding() {
        // '>' '?' '~' are the ASCII characters whose encodings contain '-' or '_' in base64url
        String username = "Zoë>?~ü☃é>>??~~_" + UUID.randomUUID().toString().substring(0, 6);
        JsonObject session = session("?create=true&username=" + enc(username), Rest.idBody("device-" + UUID.randomUUID()));
        for (String token : new String[] {session.get("token").getAsString(), session.get("refresh_token").getAsString()}) {
            String payload = payloadSegment(token);
            assertTrue(payload.matches("[A-Za-z0-9]+"), "payload has base64url-only characters: " + payload);
            // TestUser.claims decodes with the plain (non-URL) base64 decoder, as nakama-js does
            assertEquals(username, TestUser.claims(token).get("usn").getAsString());
            // and read as Latin-1 (atob), the JSON must be the same: it is all ASCII
            String latin1 = new String(Base64.getDecoder().decode(payload), StandardCharsets.ISO_8859_1);
            assertEquals(username, com.google.gson.JsonParser.parseString(latin1).getAsJsonObject().get("usn").getAsString());
        }
    }

    @Test
    void expiryFollowsConfiguration() throws InterruptedException {
        try (TestServer custom = TestServer.start(config -> config
                .with(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC, 120L)
                .with(ConfigKeys.SESSION_REFRESH_TOKEN_EXPIRY_SEC, 7200L))) {
            TestUser user = custom.newUser();
            JsonObject claims = TestUser.claims(user.token());
            assertEquals(120, claims.get("exp").getAsLong() - issuedSec(claims));
            JsonObject refresh = TestUser.claims(user.refreshToken());
            assertEquals(7200, refresh.get("exp").getAsLong() - issuedSec(refresh));
        }
    }
}
