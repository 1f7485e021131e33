package io.gantry.transport.http;

import io.gantry.core.account.AccountService;
import io.gantry.core.auth.TokenService;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks the credentials of REST calls and socket upgrades: the server key (basic auth) and the
 * HTTP key, which are the edge's own, and bearer session tokens, which it reads from the header
 * and hands to {@link AccountService#verifySession} (signature, expiry, not logged out): the
 * socket upgrade and REST accept exactly the same tokens. Cheap enough to run on an event loop:
 * no store access beyond an in-memory revocation set.
 */
public final class Authenticator {

    private final byte[] serverKey;
    private final byte[] httpKey;
    private final AccountService accounts;

    public Authenticator(String serverKey, String httpKey, AccountService accounts) {
        this.serverKey = serverKey.getBytes(StandardCharsets.UTF_8);
        this.httpKey = httpKey.getBytes(StandardCharsets.UTF_8);
        this.accounts = accounts;
    }

    /** Basic auth whose user name is the server key (the password is ignored, as in Nakama). */
    public void requireServerKey(HttpHeaders headers) throws ApiException {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || authorization.isEmpty()) {
            throw ApiException.unauthenticated("Server key required");
        }
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw ApiException.unauthenticated("Server key invalid");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthenticated("Server key invalid");
        }
        String credentials = new String(decoded, StandardCharsets.UTF_8);
        int colon = credentials.indexOf(':');
        String user = colon < 0 ? credentials : credentials.substring(0, colon);
        if (!MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), serverKey)) {
            throw ApiException.unauthenticated("Server key invalid");
        }
    }

    /** A bearer session token that verifies and was not logged out. */
    public TokenService.Claims requireSession(HttpHeaders headers) throws ApiException {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || authorization.isEmpty()) {
            throw ApiException.unauthenticated("Auth token required");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthenticated("Auth token invalid");
        }
        return verifySession(authorization.substring(7).trim())
                .orElseThrow(() -> ApiException.unauthenticated("Auth token invalid"));
    }

    /** A session token's claims if it verifies, has not expired and was not logged out. */
    public Optional<TokenService.Claims> verifySession(String token) {
        return accounts.verifySession(token);
    }

    /** Whether a request carries the right HTTP key. */
    public boolean hasHttpKey(String key) {
        return key != null && MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), httpKey);
    }
}
