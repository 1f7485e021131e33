package io.gantry.core.auth;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.core.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenServiceTest {

    private static final Pattern ALNUM = Pattern.compile("^[A-Za-z0-9]+$");
    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

    private final MutableClock clock = new MutableClock(T0);
    private final TokenService tokens =
            new TokenService("defaultencryptionkey", 60, "defaultrefreshkey", 3600, clock);
    private final String userId = UUID.randomUUID().toString();

    @Test
    void roundTrip() {
        TokenService.Issued issued = tokens.issue(userId, "alice", Map.of("role", "admin", "lvl", "3"));
        assertEquals(T0.getEpochSecond() + 60, issued.expiresAt());
        assertEquals(T0.getEpochSecond() + 3600, issued.refreshExpiresAt());

        TokenService.Claims s = tokens.verifySession(issued.token()).orElseThrow();
        assertEquals(issued.tokenId(), s.tokenId());
        assertEquals(userId, s.userId());
        assertEquals("alice", s.username());
        assertEquals(Map.of("role", "admin", "lvl", "3"), s.vars());
        assertEquals(issued.expiresAt(), s.expiresAt());
        assertEquals(0, s.issuedAt(), "no iat claim, as Nakama's tokens");
        assertEquals(T0.toEpochMilli(), s.issuedAtMs(), "the issue time comes from the time-ordered token id");

        TokenService.Claims r = tokens.verifyRefresh(issued.refreshToken()).orElseThrow();
        assertEquals(issued.tokenId(), r.tokenId(), "the pair shares its token id");
        assertEquals(userId, r.userId());
        assertEquals(issued.refreshExpiresAt(), r.expiresAt());

        assertNotEquals(issued.tokenId(), tokens.issue(userId, "alice", Map.of()).tokenId(), "new tid per issue");
    }

    /**
     * The tokens are signed without nimbus, so check them against it: the very string nimbus's
     * {@code JWSObject} signs and serializes for the same header and payload, with each key, from
     * several threads (each has its own {@code Mac}), long vars included.
     */
    @Test
    void tokensAreExactlyNimbusCompactJwsOfTheirClaims() throws Exception {
        Map<String, String> vars = Map.of("k", "v".repeat(300), "é", "<&>?~");
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Runnable check = () -> {
            try {
                for (int i = 0; i < 50; i++) {
                    TokenService.Issued issued = tokens.issue(userId, "alice" + i, i % 2 == 0 ? vars : Map.of());
                    assertEquals(nimbus(issued.token(), "defaultencryptionkey"), issued.token());
                    assertEquals(nimbus(issued.refreshToken(), "defaultrefreshkey"), issued.refreshToken());
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        };
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(check);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
    }

    /** nimbus's HS256 compact serialization of {@code token}'s header and payload under {@code key} (zero-padded to 32 bytes). */
    private static String nimbus(String token, String key) throws Exception {
        com.nimbusds.jose.JWSObject parsed = com.nimbusds.jose.JWSObject.parse(token);
        com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(parsed.getHeader(), parsed.getPayload());
        jws.sign(new com.nimbusds.jose.crypto.MACSigner(java.util.Arrays.copyOf(key.getBytes(StandardCharsets.UTF_8), 32)));
        return jws.serialize();
    }

    @Test
    void tokensVerifyAfterRestartWithTheSameConfig() {
        TokenService.Issued issued = tokens.issue(userId, "alice", Map.of());
        TokenService restarted = new TokenService("defaultencryptionkey", 60, "defaultrefreshkey", 3600, clock);
        assertTrue(restarted.verifySession(issued.token()).isPresent());
        assertTrue(restarted.verifyRefresh(issued.refreshToken()).isPresent());

        TokenService otherKey = new TokenService("anotherencryptionkey", 60, "defaultrefreshkey", 3600, clock);
        assertTrue(otherKey.verifySession(issued.token()).isEmpty());
    }

    @Test
    void aRefreshIsANewPairWithTheRefreshTokensIdAsNakama318Answers() {
        TokenService.Issued issued = tokens.issue(userId, "alice", Map.of("a", "1"));
        clock.advance(Duration.ofSeconds(100));
        TokenService.Claims refreshClaims = tokens.verifyRefresh(issued.refreshToken()).orElseThrow();

        TokenService.Issued same = tokens.refresh(refreshClaims, "alice2", Map.of());
        assertEquals(issued.tokenId(), same.tokenId(), "the token id of the refresh token");
        assertNotEquals(issued.refreshToken(), same.refreshToken(), "a new refresh token");
        assertEquals(T0.getEpochSecond() + 100 + 60, same.expiresAt());
        assertEquals(T0.getEpochSecond() + 100 + 3600, same.refreshExpiresAt(), "the refresh lifetime starts again");
        TokenService.Claims session = tokens.verifySession(same.token()).orElseThrow();
        assertEquals("alice2", session.username(), "the account's current username");
        assertEquals(Map.of("a", "1"), session.vars(), "no vars given: the refresh token's");
        assertEquals(issued.tokenId(), tokens.verifyRefresh(same.refreshToken()).orElseThrow().tokenId());

        TokenService.Issued newVars = tokens.refresh(refreshClaims, "alice2", Map.of("c", "d"));
        assertEquals(Map.of("c", "d"), tokens.verifySession(newVars.token()).orElseThrow().vars());
        assertEquals(Map.of("c", "d"), tokens.verifyRefresh(newVars.refreshToken()).orElseThrow().vars());
    }

    @Test
    void expiredTokensAreRejected() {
        TokenService.Issued issued = tokens.issue(userId, "alice", Map.of());
        clock.advance(Duration.ofSeconds(59));
        assertTrue(tokens.verifySession(issued.token()).isPresent());
        clock.advance(Duration.ofSeconds(1)); // exp == now: expired, as in Nakama
        assertTrue(tokens.verifySession(issued.token()).isEmpty());
        assertTrue(tokens.verifyRefresh(issued.refreshToken()).isPresent(), "refresh lives longer");
        clock.advance(Duration.ofSeconds(3600));
        assertTrue(tokens.verifyRefresh(issued.refreshToken()).isEmpty());
    }

    @Test
    void tamperedTokensAreRejected() {
        String token = tokens.issue(userId, "alice", Map.of()).token();
        String[] parts = token.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                TokenService.claimsJson("tid", UUID.randomUUID().toString(), "mallory", Map.of(),
                        T0.getEpochSecond() + 60, T0.getEpochSecond()).getBytes(StandardCharsets.US_ASCII));
        assertTrue(tokens.verifySession(parts[0] + "." + otherPayload + "." + parts[2]).isEmpty());

        // One flipped character in the payload or the signature.
        char[] p = parts[1].toCharArray();
        p[5] = p[5] == 'A' ? 'B' : 'A';
        assertTrue(tokens.verifySession(parts[0] + "." + new String(p) + "." + parts[2]).isEmpty());
        char[] sig = parts[2].toCharArray();
        sig[3] = sig[3] == 'A' ? 'B' : 'A';
        assertTrue(tokens.verifySession(parts[0] + "." + parts[1] + "." + new String(sig)).isEmpty());

        // alg=none with the original payload.
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));
        assertTrue(tokens.verifySession(none + "." + parts[1] + ".").isEmpty());
    }

    /** Verified tokens are remembered: a remembered token still expires, and nothing else is taken for it. */
    @Test
    void aTokenSeenBeforeStillExpiresAndItsNeighboursAreStillChecked() {
        TokenService.Issued issued = tokens.issue(userId, "alice", Map.of());
        assertEquals(userId, tokens.verifySession(issued.token()).orElseThrow().userId());
        assertEquals(userId, tokens.verifySession(issued.token()).orElseThrow().userId(), "again, from the cache");
        // the same token with one signature character changed (a middle one: all its bits count), and
        // the session token as a refresh token
        String token = issued.token();
        int at = token.lastIndexOf('.') + 5;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        assertEquals(Optional.empty(), tokens.verifySession(tampered));
        assertEquals(Optional.empty(), tokens.verifyRefresh(token), "a session token is no refresh token, cached or not");
        assertEquals(userId, tokens.verifySession(new String(token.toCharArray())).orElseThrow().userId(),
                "an equal string is the same token");
        clock.advance(Duration.ofSeconds(60));
        assertEquals(Optional.empty(), tokens.verifySession(token), "expired, though remembered");
    }

    @Test
    void garbageIsRejected() {
        for (String garbage : new String[] {null, "", "x", "a.b.c", "...", "eyJhbGciOiJIUzI1NiJ9.e30.", "ü.ü.ü"}) {
            assertEquals(Optional.empty(), tokens.verifySession(garbage), String.valueOf(garbage));
            assertEquals(Optional.empty(), tokens.verifyRefresh(garbage), String.valueOf(garbage));
        }
    }

    @Test
    void sessionAndRefreshTokensAreNotInterchangeable() {
        TokenService.Issued issued = tokens.issue(userId, "alice", Map.of());
        assertTrue(tokens.verifySession(issued.refreshToken()).isEmpty());
        assertTrue(tokens.verifyRefresh(issued.token()).isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> new TokenService("samekey", 60, "samekey", 3600, clock));
    }

    @Test
    void payloadDecodesWithPlainBase64WhateverTheNameContains() {
        String username = "ü>?~😀";
        Map<String, String> vars = Map.of(
                "k>?~", "v>?~<&='\u007f\u0001\"\\",
                "emoji😀", "日本語",
                "ÿ", "~~~???>>>");
        TokenService.Issued issued = tokens.issue(userId, username, vars);

        for (String token : List.of(issued.token(), issued.refreshToken())) {
            String payload = token.split("\\.")[1];
            assertTrue(ALNUM.matcher(payload).matches(), payload);
            // What nakama-js 2.8 does: plain base64, bytes read as Latin-1.
            byte[] bytes = Base64.getDecoder().decode(payload);
            String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
            for (char c : latin1.toCharArray()) {
                assertTrue(c >= 0x20 && c < 0x7f, "printable ASCII only, got " + (int) c);
            }
            JsonObject json = JsonParser.parseString(latin1).getAsJsonObject();
            assertEquals(username, json.get("usn").getAsString());
            JsonObject vrs = json.getAsJsonObject("vrs");
            assertEquals(vars.size(), vrs.size());
            vars.forEach((k, v) -> assertEquals(v, vrs.get(k).getAsString()));
        }
        TokenService.Claims claims = tokens.verifySession(issued.token()).orElseThrow();
        assertEquals(username, claims.username());
        assertEquals(vars, claims.vars());
    }

    @Test
    void anyAsciiOrUnicodeStaysAlphanumeric() {
        // Every BMP character in the username at each of the three offsets inside a base64 group.
        StringBuilder all = new StringBuilder();
        for (char c = 1; c < 0xd800; c++) {
            all.append(c);
        }
        for (int shift = 0; shift < 3; shift++) {
            String token = tokens.issue(userId, "x".repeat(shift) + all, Map.of()).token();
            String payload = token.split("\\.")[1];
            assertTrue(ALNUM.matcher(payload).matches());
            assertEquals("x".repeat(shift) + all, tokens.verifySession(token).orElseThrow().username());
        }
    }

    @Test
    void claimNamesAndOrderAreNakamas() {
        TokenService.Issued issued = tokens.issue(userId, "alice", Map.of("b", "2", "a", "1"));
        JsonObject json = JsonParser.parseString(new String(
                Base64.getDecoder().decode(issued.token().split("\\.")[1]), StandardCharsets.ISO_8859_1))
                .getAsJsonObject();
        assertEquals(List.of("tid", "uid", "usn", "vrs", "exp"), new ArrayList<>(json.keySet()));
        assertEquals(List.of("a", "b"), new ArrayList<>(json.getAsJsonObject("vrs").keySet()), "sorted like Go");
        assertEquals(issued.tokenId(), json.get("tid").getAsString());
        assertEquals(userId, json.get("uid").getAsString());
        assertEquals(issued.expiresAt(), json.get("exp").getAsLong());

        JsonObject header = JsonParser.parseString(new String(
                Base64.getUrlDecoder().decode(issued.token().split("\\.")[0]), StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertEquals("HS256", header.get("alg").getAsString());
        assertEquals("JWT", header.get("typ").getAsString());
        assertEquals("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", issued.token().split("\\.")[0], "Nakama's header bytes");

        JsonObject noVars = JsonParser.parseString(new String(Base64.getDecoder().decode(
                tokens.issue(userId, "alice", Map.of()).token().split("\\.")[1]), StandardCharsets.ISO_8859_1))
                .getAsJsonObject();
        assertFalse(noVars.has("vrs"), "vrs omitted when empty");
        assertEquals(List.of("tid", "uid", "usn", "exp"), new ArrayList<>(noVars.keySet()));
    }

    @Test
    void shortKeysSignLikeRawHmac() throws Exception {
        // Zero padding to 32 bytes must give the MAC of the raw key (what Nakama computes).
        String token = tokens.issue(userId, "alice", Map.of()).token();
        int lastDot = token.lastIndexOf('.');
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                "defaultencryptionkey".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(expected), token.substring(lastDot + 1));
    }
}
