package io.gantry.persistence;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.gantry.proto.storage.StoredAccount;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Passwords as Nakama 3.18 hashes and checks them (Go's bcrypt of the UTF-8 bytes), for both
 * account stores.
 *
 * <pre>{@code
 * byte[] hash = PasswordHashes.hash("password-1", 10);
 * boolean ok = PasswordHashes.matches(account, "password-1");
 * }</pre>
 */
final class PasswordHashes {

    /** What bcrypt reads of a password. */
    private static final int BCRYPT_MAX_BYTES = 72;

    private PasswordHashes() {
    }

    /**
     * bcrypt of the password's UTF-8 bytes. The library's default (strict) strategy rejects
     * passwords too long for bcrypt ({@link IllegalArgumentException}) instead of truncating them.
     */
    static byte[] hash(String password, int cost) {
        return BCrypt.withDefaults().hash(cost, password.getBytes(StandardCharsets.UTF_8));
    }

    /** bcrypt of the password's first 72 UTF-8 bytes, as Go's bcrypt of Nakama 3.18 hashes a longer one. */
    static byte[] hashTruncated(String password, int cost) {
        return BCrypt.withDefaults().hash(cost, truncated(password));
    }

    /** Whether {@code password} is the account's; false when it has none or the password is empty. */
    static boolean matches(StoredAccount account, String password) {
        if (account.getPasswordHash().isEmpty() || password == null || password.isEmpty()) {
            return false;
        }
        try {
            // A password linked longer than 72 bytes was hashed cut there (see hashTruncated).
            return BCrypt.verifyer().verify(truncated(password), account.getPasswordHash().toByteArray()).verified;
        } catch (IllegalArgumentException e) {
            // A password too long to have been hashed cannot match.
            return false;
        }
    }

    private static byte[] truncated(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return bytes.length > BCRYPT_MAX_BYTES ? Arrays.copyOf(bytes, BCRYPT_MAX_BYTES) : bytes;
    }
}
