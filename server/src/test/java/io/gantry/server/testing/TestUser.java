package io.gantry.server.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An authenticated user: its tokens and what the session token says about it. */
public record TestUser(String token, String refreshToken, String userId, String username) {

    public static TestUser fromSession(String token, String refreshToken) {
        JsonObject claims = claims(token);
        return new TestUser(token, refreshToken, claims.get("uid").getAsString(), claims.get("usn").getAsString());
    }

    /** The JWT payload, decoded with plain base64 as nakama-js does. */
    public static JsonObject claims(String token) {
        String payload = token.split("\\.")[1];
        byte[] json = Base64.getDecoder().decode(payload);
        return JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
