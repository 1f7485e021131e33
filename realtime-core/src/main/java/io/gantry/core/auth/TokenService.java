package io.gantry.core.auth;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACVerifier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Issues and verifies Nakama session and refresh tokens: HS256 JWTs whose payload is
 * {@code {"tid","uid","usn","vrs","exp","iat"}}, exactly the claims of Nakama's
 * {@code SessionTokenClaims} (same names, same order, empty ones omitted as Go's
 * {@code omitempty} does, {@code vrs} keys sorted as Go marshals maps).
 *
 * <pre>{@code
 * TokenService tokens = new TokenService("defaultencryptionkey", 60, "defaultrefreshkey", 3600, Clock.systemUTC());
 * TokenService.Issued issued = tokens.issue(userId, "alice", Map.of());
 * Optional<TokenService.Claims> claims = tokens.verifySession(issued.token());
 * }</pre>
 *
 * <p><b>Keys.</b> nimbus refuses HMAC keys shorter than the 32 bytes of the hash, while Nakama's
 * default keys ({@code defaultencryptionkey}, {@code defaultrefreshkey}) are shorter. A key's
 * UTF-8 bytes are therefore right-padded with zero bytes to 32. This is not a new derivation:
 * HMAC (RFC 2104) itself zero-pads every key shorter than the 64-byte SHA-256 block, so the padded
 * key gives bit-for-bit the MAC of the raw key. Tokens stay verifiable across restarts with the
 * same configuration, and are the very tokens real Nakama would sign with that key.
 *
 * <p><b>nakama-js.</b> nakama-js 2.8 decodes the payload with plain base64 ({@code atob}, which
 * drops the {@code -} and {@code _} of base64url) and reads it as Latin-1. So the payload JSON is
 * written here, all ASCII, with {@code > ? ~ < & = '} and every character outside printable ASCII
 * as {@code \}{@code uXXXX} escapes; its base64url then contains only letters and digits, which
 * both decoders read alike. See {@link #claimsJson}.
 *
 * <p>Threads: thread-safe (nimbus's {@link MACVerifier} is; signing uses a {@link Mac} per
 * thread). An HMAC costs microseconds, so any thread may call it, event loops included.
 */
public final class TokenService {

    /** HS256 needs a key of at least the hash length; see the class comment for why padding is safe. */
    private static final int MIN_KEY_BYTES = 32;

    /**
     * {@code base64url({"alg":"HS256","typ":"JWT"}) + "."}: the header of Nakama's tokens, in its
     * field order, and the dot that ends it; the start of every token's signing input.
     */
    private static final byte[] HEADER_DOT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private final Signer sessionSigner;
    private final MACVerifier sessionVerifier;
    private final Signer refreshSigner;
    private final MACVerifier refreshVerifier;
    private final long sessionExpirySec;
    private final long refreshExpirySec;
    private final Clock clock;

    /** A freshly issued pair. Times are epoch seconds. */
    public record Issued(String token, String refreshToken, String tokenId, long expiresAt, long refreshExpiresAt) {
    }

    /**
     * The claims of a verified token. {@code vars} is never null (empty when the token had none);
     * times are epoch seconds.
     */
    public record Claims(String tokenId, String userId, String username, Map<String, String> vars,
                         long expiresAt, long issuedAt) {
        public Claims {
            vars = vars == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(vars));
        }

        /**
         * When the token pair was issued, in milliseconds: token ids are time-ordered UUIDs (version
         * 7) carrying it, which lets "log out everywhere" revoke by issue time. Other ids fall back
         * to {@code iat}.
         */
        public long issuedAtMs() {
            try {
                UUID id = UUID.fromString(tokenId);
                if (id.version() == 7) {
                    return id.getMostSignificantBits() >>> 16;
                }
            } catch (IllegalArgumentException ignored) {
                // not a UUID: fall back to iat
            }
            return issuedAt * 1000L;
        }
    }

    /**
     * @param sessionKey       HS256 secret of session tokens (Nakama {@code session.encryption_key})
     * @param sessionExpirySec session token lifetime (Nakama {@code session.token_expiry_sec})
     * @param refreshKey       HS256 secret of refresh tokens ({@code session.refresh_encryption_key});
     *                         must differ from {@code sessionKey}, as Nakama's config check demands,
     *                         or a refresh token would pass as a session token
     * @param refreshExpirySec refresh token lifetime ({@code session.refresh_token_expiry_sec})
     * @param clock            decides {@code iat}, {@code exp} and what has expired
     */
    public TokenService(String sessionKey, long sessionExpirySec, String refreshKey, long refreshExpirySec,
                        Clock clock) {
        if (sessionExpirySec <= 0 || refreshExpirySec <= 0) {
            throw new IllegalArgumentException("token expiries must be positive");
        }
        byte[] sessionKeyBytes = hmacKey(sessionKey, "sessionKey");
        byte[] refreshKeyBytes = hmacKey(refreshKey, "refreshKey");
        if (Arrays.equals(sessionKeyBytes, refreshKeyBytes)) {
            throw new IllegalArgumentException("the session and refresh keys must differ");
        }
        try {
            this.sessionSigner = new Signer(sessionKeyBytes);
            this.sessionVerifier = new MACVerifier(sessionKeyBytes);
            this.refreshSigner = new Signer(refreshKeyBytes);
            this.refreshVerifier = new MACVerifier(refreshKeyBytes);
        } catch (JOSEException e) {
            throw new IllegalStateException("unreachable: key padded to " + MIN_KEY_BYTES + " bytes", e);
        }
        this.sessionExpirySec = sessionExpirySec;
        this.refreshExpirySec = refreshExpirySec;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** UTF-8 bytes of the key, zero-padded to 32 bytes (same MAC as the raw key: see the class comment). */
    private static byte[] hmacKey(String key, String name) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        byte[] raw = key.getBytes(StandardCharsets.UTF_8);
        return raw.length >= MIN_KEY_BYTES ? raw : Arrays.copyOf(raw, MIN_KEY_BYTES);
    }

    /**
     * Issues a session token and its refresh token. Both share a new time-ordered token id
     * ({@code tid}, what logout revokes, which also carries the issue time); like Nakama's, the
     * tokens have no {@code iat} claim.
     *
     * @param vars session variables, carried in {@code vrs}; may be empty or null
     */
    public Issued issue(String userId, String username, Map<String, String> vars) {
        Objects.requireNonNull(userId, "userId");
        Map<String, String> safeVars = vars == null ? Map.of() : vars;
        long nowMs = clock.millis();
        String tokenId = timeOrderedId(nowMs).toString();
        long now = Math.floorDiv(nowMs, 1000L);
        return pair(tokenId, userId, username, safeVars, now);
    }

    private Issued pair(String tokenId, String userId, String username, Map<String, String> vars, long now) {
        long expiresAt = now + sessionExpirySec;
        long refreshExpiresAt = now + refreshExpirySec;
        String token = sign(sessionSigner, claimsJson(tokenId, userId, username, vars, expiresAt, 0));
        String refresh = sign(refreshSigner, claimsJson(tokenId, userId, username, vars, refreshExpiresAt, 0));
        return new Issued(token, refresh, tokenId, expiresAt, refreshExpiresAt);
    }

    /**
     * A new pair for a verified refresh token, as Nakama 3.18's {@code SessionRefresh} answers: a
     * session token and a refresh token, both with fresh expiries and the refresh token's token id
     * (so a logout of either ends every token of that id and kind), the account's current username,
     * and the given vars or, when none are given, the refresh token's.
     */
    public Issued refresh(Claims refreshClaims, String username, Map<String, String> vars) {
        Map<String, String> safeVars = vars == null || vars.isEmpty() ? refreshClaims.vars() : vars;
        return pair(refreshClaims.tokenId(), refreshClaims.userId(), username, safeVars,
                Math.floorDiv(clock.millis(), 1000L));
    }

    /** How long a matchmaker token may be used to join its match. */
    public static final long MATCH_TOKEN_EXPIRY_SEC = 30;

    /**
     * A matchmaker token: an HS256 JWT {@code {mid, exp: now + 30 s}} signed with the session key,
     * which every player of a matched group joins one relayed match with.
     */
    public String matchToken(String matchId) {
        long exp = clock.instant().getEpochSecond() + MATCH_TOKEN_EXPIRY_SEC;
        com.google.gson.JsonObject claims = new com.google.gson.JsonObject();
        claims.addProperty("mid", matchId);
        claims.addProperty("exp", exp);
        return sign(sessionSigner, claims.toString());
    }

    /** The match id of a valid, unexpired matchmaker token; empty for anything else. */
    public Optional<String> verifyMatchToken(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        try {
            JWSObject jws = JWSObject.parse(token);
            if (!JWSAlgorithm.HS256.equals(jws.getHeader().getAlgorithm()) || !jws.verify(sessionVerifier)) {
                return Optional.empty();
            }
            JsonObject claims = JsonParser.parseString(new String(jws.getPayload().toBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            if (!claims.has("mid") || !claims.has("exp") || claims.has("uid")
                    || claims.get("exp").getAsLong() <= clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            return Optional.of(claims.get("mid").getAsString());
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A version 7 UUID: 48 bits of milliseconds, then random bits. */
    static UUID timeOrderedId(long epochMs) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (epochMs << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** The claims of a valid, unexpired session token; empty for anything else. */
    public Optional<Claims> verifySession(String token) {
        return verify(sessionVerifier, token);
    }

    /** The claims of a valid, unexpired refresh token; empty for anything else. */
    public Optional<Claims> verifyRefresh(String token) {
        return verify(refreshVerifier, token);
    }

    /**
     * The compact JWS of {@code asciiJson} under Nakama's header: {@code header.payload.signature},
     * each part base64url without padding, the signature HS256 over {@code header.payload}. This
     * is what nimbus's {@code JWSObject.sign} and {@code serialize} produce byte for byte (the
     * tests check tokens against nimbus), without its per-call {@code Mac.getInstance}, key set-up
     * and intermediate objects: each thread keeps one initialised {@link Mac} per key.
     */
    private static String sign(Signer signer, String asciiJson) {
        byte[] payload = BASE64URL.encode(asciiJson.getBytes(StandardCharsets.US_ASCII));
        int signed = HEADER_DOT.length + payload.length;
        // header.payload, then '.', then the 43 characters of a 32-byte MAC in base64url
        byte[] out = new byte[signed + 1 + 43];
        System.arraycopy(HEADER_DOT, 0, out, 0, HEADER_DOT.length);
        System.arraycopy(payload, 0, out, HEADER_DOT.length, payload.length);
        Mac mac = signer.mac();
        mac.update(out, 0, signed);
        byte[] signature = mac.doFinal(); // resets the Mac for the thread's next token
        out[signed] = '.';
        byte[] sig = BASE64URL.encode(signature);
        System.arraycopy(sig, 0, out, signed + 1, sig.length);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** HMAC-SHA256 with one key: an initialised {@link Mac} per thread (a {@code Mac} is not thread-safe). */
    private static final class Signer {
        private final ThreadLocal<Mac> macs;

        Signer(byte[] key) throws JOSEException {
            SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
            try {
                Mac.getInstance("HmacSHA256").init(spec); // fail now, not on a first token
            } catch (GeneralSecurityException e) {
                throw new JOSEException("HmacSHA256 unavailable", e);
            }
            this.macs = ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(spec);
                    return mac;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 worked at start-up", e);
                }
            });
        }

        Mac mac() {
            return macs.get();
        }
    }

    /** A token whose signature and claims were verified, kept so that its next use costs a lookup. */
    private record Verified(String token, Claims claims) {
    }

    /** Slots of each cache of verified tokens (a power of two). */
    private static final int VERIFIED_SLOTS = 4096;
    private final java.util.concurrent.atomic.AtomicReferenceArray<Verified> verifiedSessions =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(VERIFIED_SLOTS);
    private final java.util.concurrent.atomic.AtomicReferenceArray<Verified> verifiedRefreshes =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(VERIFIED_SLOTS);

    /**
     * The claims of a token that verifies with {@code verifier} and has not expired. A token seen
     * before is found in a direct-mapped cache of verified tokens (the whole token string must be
     * equal, so only a token that passed the HMAC check is ever found), which spares every REST call
     * but a client's first the parse and the HMAC; the expiry is checked on every call, and
     * revocations are the caller's (they are checked after this, on every call).
     */
    private Optional<Claims> verify(MACVerifier verifier, String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        java.util.concurrent.atomic.AtomicReferenceArray<Verified> cache =
                verifier == sessionVerifier ? verifiedSessions : verifiedRefreshes;
        int slot = token.hashCode() & (VERIFIED_SLOTS - 1);
        Verified seen = cache.get(slot);
        if (seen != null && seen.token().equals(token)) {
            return seen.claims().expiresAt() <= clock.instant().getEpochSecond()
                    ? Optional.empty() : Optional.of(seen.claims());
        }
        Optional<Claims> verified = verifyUncached(verifier, token);
        verified.ifPresent(claims -> cache.set(slot, new Verified(token, claims)));
        return verified;
    }

    private Optional<Claims> verifyUncached(MACVerifier verifier, String token) {
        try {
            JWSObject jws = JWSObject.parse(token);
            // Only HS256, as Nakama: a token must not pick its own algorithm (alg=none, HS512...).
            if (!JWSAlgorithm.HS256.equals(jws.getHeader().getAlgorithm()) || !jws.verify(verifier)) {
                return Optional.empty();
            }
            Claims claims = parseClaims(new String(jws.getPayload().toBytes(), StandardCharsets.UTF_8));
            // Nakama: a token is valid while exp > now.
            if (claims == null || claims.expiresAt() <= clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (ParseException | JOSEException | RuntimeException e) {
            // Garbage in any part (bad base64, bad JSON, wrong claim types): not a token of ours.
            return Optional.empty();
        }
    }

    /** Null when a required claim is missing; throws on wrong types (the caller maps both to empty). */
    private static Claims parseClaims(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        String tokenId = string(o, "tid");
        String userId = string(o, "uid");
        if (tokenId.isEmpty() || userId.isEmpty() || !o.has("exp")) {
            return null;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        JsonElement vrs = o.get("vrs");
        if (vrs != null && !vrs.isJsonNull()) {
            for (Map.Entry<String, JsonElement> e : vrs.getAsJsonObject().entrySet()) {
                vars.put(e.getKey(), e.getValue().getAsJsonPrimitive().getAsString());
            }
        }
        long issuedAt = o.has("iat") ? o.get("iat").getAsLong() : 0L;
        return new Claims(tokenId, userId, string(o, "usn"), vars, o.get("exp").getAsLong(), issuedAt);
    }

    private static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? "" : e.getAsJsonPrimitive().getAsString();
    }

    /**
     * The payload JSON as Nakama marshals {@code SessionTokenClaims}, made of 7-bit bytes with no
     * {@code >}, {@code ?}, {@code ~} or DEL anywhere.
     *
     * <p>Why that keeps {@code -} and {@code _} (sextets 62 and 63) out of the base64url: each group
     * of 3 bytes b0 b1 b2 becomes 4 sextets. With every byte below 0x80, the first sextet is
     * {@code b0>>2 <= 31}, the second {@code (b0&3)<<4 | b1>>4 <= 55} and the third
     * {@code (b1&15)<<2 | b2>>6 <= 61}; only the fourth, {@code b2 & 63}, can reach 62 or 63, and
     * only when b2's low six bits are 111110 or 111111: 0x3E {@code >}, 0x3F {@code ?}, 0x7E
     * {@code ~}, 0x7F DEL. A final group of 1 or 2 bytes only produces sextets of the first three
     * kinds (zero-filled), so they stay below 62 too. Escapes ({@code \}{@code u003e}) are made of
     * safe characters themselves. {@code < & = '} are escaped as well, as Gson's HTML-safe mode
     * does, so the text is also harmless if it ever lands in a page.
     */
    static String claimsJson(String tokenId, String userId, String username, Map<String, String> vars,
                             long expiresAt, long issuedAt) {
        StringBuilder sb = new StringBuilder(128);
        sb.append('{');
        boolean first = true;
        first = stringField(sb, first, "tid", tokenId);
        first = stringField(sb, first, "uid", userId);
        first = stringField(sb, first, "usn", username);
        if (!vars.isEmpty()) {
            first = comma(sb, first);
            sb.append("\"vrs\":{");
            boolean firstVar = true;
            // Go's encoding/json writes map keys sorted; do the same so tokens are reproducible.
            for (Map.Entry<String, String> e : new TreeMap<>(vars).entrySet()) {
                firstVar = comma(sb, firstVar);
                appendString(sb, e.getKey());
                sb.append(':');
                appendString(sb, e.getValue() == null ? "" : e.getValue());
            }
            sb.append('}');
        }
        if (expiresAt != 0) {
            first = comma(sb, first);
            sb.append("\"exp\":").append(expiresAt);
        }
        if (issuedAt != 0) {
            comma(sb, first);
            sb.append("\"iat\":").append(issuedAt);
        }
        return sb.append('}').toString();
    }

    /** Appends {@code "name":"value"} unless value is empty (Go's omitempty); returns the new "first". */
    private static boolean stringField(StringBuilder sb, boolean first, String name, String value) {
        if (value == null || value.isEmpty()) {
            return first;
        }
        comma(sb, first);
        sb.append('"').append(name).append("\":");
        appendString(sb, value);
        return false;
    }

    private static boolean comma(StringBuilder sb, boolean first) {
        if (!first) {
            sb.append(',');
        }
        return false;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A JSON string literal in printable ASCII without > ? ~ < & = ' (see {@link #claimsJson}). */
    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '>', '?', '~', '<', '&', '=', '\'' -> unicodeEscape(sb, c);
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        // Control characters, DEL and everything beyond ASCII; a supplementary
                        // character is two UTF-16 units, escaped one by one as JSON wants.
                        unicodeEscape(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
