package io.gantry.persistence;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The key bytes and times the edge stores ({@link RocksFriendStore}, {@link RocksGroupStore}) share:
 * ids as 16 raw UUID bytes (so keys sort by id and prefixes are fixed-length), and epoch
 * microseconds.
 */
final class RocksKeys {

    /** The length of an id in a key. */
    static final int ID = 16;

    private RocksKeys() {
    }

    /**
     * The 16 bytes of a canonical UUID string (either case).
     *
     * @throws IllegalArgumentException if {@code id} is not one
     */
    static byte[] uuidBytes(String id) {
        if (id == null || id.length() != 36) {
            throw new IllegalArgumentException("not a UUID: " + id);
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a UUID: " + id);
        }
        if (!uuid.toString().equalsIgnoreCase(id)) {
            throw new IllegalArgumentException("not a UUID: " + id);
        }
        return ByteBuffer.allocate(ID).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
    }

    /** The canonical (lower-case) UUID string of 16 key bytes. */
    static String uuidText(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong()).toString();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Now, in epoch microseconds. */
    static long nowMicros(Clock clock) {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }

    /** The instant of epoch microseconds. */
    static Instant micros(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
    }
}
