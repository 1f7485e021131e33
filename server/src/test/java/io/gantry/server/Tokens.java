package io.gantry.server;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/** Forged and tampered JWTs for tests of token checks. */
final class Tokens {

    /** Gantry's (and Nakama's) default session key. */
    static final String DEFAULT_SESSION_KEY = "defaultencryptionkey";

    private Tokens() {
    }

    /** The same header and payload, signed HS256 with another key. */
    static String withForeignSignature(String token) {
        String[] parts = token.split("\\.");
        return sign(parts[0] + "." + parts[1], "some-other-encryption-key");
    }

    /** The signature with its first character changed. */
    static String withTamperedSignature(String token) {
        String[] parts = token.split("\\.");
        char first = parts[2].charAt(0);
        return parts[0] + "." + parts[1] + "." + (first == 'A' ? 'B' : 'A') + parts[2].substring(1);
    }

    /** A token with this JSON payload, signed HS256 with {@code key}. */
    static String signed(String payloadJson, String key) {
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        return sign(header + "." + b64(payloadJson), key);
    }

    /** A token with this JSON payload and the original token's signature. */
    static String withPayload(String token, String payloadJson) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + b64(payloadJson) + "." + parts[2];
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String sign(String signingInput, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
