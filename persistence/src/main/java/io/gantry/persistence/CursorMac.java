package io.gantry.persistence;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The HMAC-SHA256 that signs the store's cursors (history, notifications, storage listings, the
 * wallet ledger), truncated to {@link #BYTES}: a cursor carries its position and this MAC, so a
 * client cannot forge one. Each kind of cursor signs with its own key, {@link #derive}d from the
 * configured secret. Thread-safe (one {@link Mac} per thread).
 */
final class CursorMac {

    static final int BYTES = 16;

    private final ThreadLocal<Mac> macs;

    CursorMac(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        // Fail at open, not at the first listing, if the JVM cannot do HMAC-SHA256.
        newMac(spec);
        this.macs = ThreadLocal.withInitial(() -> newMac(spec));
    }

    /** A key for one purpose from another key, so one secret never signs two kinds of cursor. */
    static byte[] derive(byte[] key, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The MAC of {@code bytes[0, length)}. */
    byte[] of(byte[] bytes, int length) {
        Mac mac = macs.get();
        mac.update(bytes, 0, length);
        return Arrays.copyOf(mac.doFinal(), BYTES);
    }

    private static Mac newMac(SecretKeySpec spec) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(spec);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
