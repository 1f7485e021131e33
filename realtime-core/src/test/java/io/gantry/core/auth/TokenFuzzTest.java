package io.gantry.core.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token parsing: {@link TokenService}'s verify methods answer any string, and any payload signed
 * with the right key (so the claim parsing behind the signature check is reached), with a value
 * or empty, never an exception; a token it issues verifies to the claims it was issued with.
 * The last input byte picks one of the three.
 */
class TokenFuzzTest {

    private static final String SESSION_KEY = "a session key of 32 bytes or more";
    private static final String REFRESH_KEY = "a refresh key of 32 bytes or more";
    /** Fixed: inputs kept as regression seeds stay unexpired. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final TokenService TOKENS = new TokenService(SESSION_KEY, 3600, REFRESH_KEY, 7200, CLOCK);

    @FuzzTest(maxDuration = "10m")
    void verify(FuzzedDataProvider data) throws JOSEException {
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                String garbage = data.consumeRemainingAsString();
                checkClaims(TOKENS.verifySession(garbage));
                checkClaims(TOKENS.verifyRefresh(garbage));
                TOKENS.verifyMatchToken(garbage);
            }
            case 1 -> {
                // Any payload under a valid signature: what a holder of the key could make.
                String payload = data.consumeRemainingAsString();
                JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256),
                        new Payload(payload.getBytes(StandardCharsets.UTF_8)));
                jws.sign(new MACSigner(SESSION_KEY.getBytes(StandardCharsets.UTF_8)));
                String token = jws.serialize();
                checkClaims(TOKENS.verifySession(token));
                assertTrue(TOKENS.verifyRefresh(token).isEmpty(), "a session-key token passed as a refresh token");
                TOKENS.verifyMatchToken(token);
            }
            default -> {
                String userId = data.consumeString(64);
                String username = data.consumeString(64);
                Map<String, String> vars = new LinkedHashMap<>();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    vars.put(data.consumeString(20), data.consumeString(40));
                }
                TokenService.Issued issued = TOKENS.issue(userId, username, vars);
                Optional<TokenService.Claims> claims = TOKENS.verifySession(issued.token());
                if (userId.isEmpty()) {
                    assertTrue(claims.isEmpty(), "a token without a user verified");
                    return;
                }
                TokenService.Claims c = claims.orElseThrow(() -> new AssertionError("an issued token does not verify"));
                assertEquals(userId, c.userId());
                assertEquals(username, c.username());
                assertEquals(vars, c.vars());
                assertEquals(issued.tokenId(), c.tokenId());
                TokenService.Claims refresh = TOKENS.verifyRefresh(issued.refreshToken())
                        .orElseThrow(() -> new AssertionError("an issued refresh token does not verify"));
                assertEquals(userId, refresh.userId());
                assertEquals(vars, refresh.vars());
            }
        }
    }

    private static void checkClaims(Optional<TokenService.Claims> claims) {
        claims.ifPresent(c -> {
            assertNotNull(c.tokenId());
            assertNotNull(c.userId());
            assertNotNull(c.username());
            assertNotNull(c.vars());
        });
    }
}
