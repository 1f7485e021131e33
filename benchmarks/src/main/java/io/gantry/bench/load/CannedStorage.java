package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The self-test server's storage replies: bodies shaped and sized as Nakama's (acks; objects with
 * their value, version, permissions and times; a list cursor), built once per object count and
 * shared (a racy memo: two threads may build the same body, both correct).
 */
final class CannedStorage {
    /** The most objects a canned reply holds. */
    static final int MAX = 1000;
    private static final String USER = "00000000-0000-4000-8000-000000000000";
    private static final String VERSION = "bb6cb5c68df4652941caf652a366f2d8";
    private static final String TIME = "2026-01-01T00:00:00Z";
    private static final byte[] KEY = "\"key\":".getBytes(StandardCharsets.US_ASCII);

    private static final byte[][] ACKS = new byte[MAX + 1][];
    private static final byte[][] READ = new byte[MAX + 1][];
    private static final byte[][] LISTED = new byte[MAX + 1][];

    private CannedStorage() {
    }

    /** How many {@code "key":} fields a request body holds: the objects written or ids read. */
    static int keys(ByteBuf b) {
        int n = 0;
        int end = b.writerIndex() - KEY.length;
        outer:
        for (int i = b.readerIndex(); i <= end; i++) {
            for (int k = 0; k < KEY.length; k++) {
                if (b.getByte(i + k) != KEY[k]) {
                    continue outer;
                }
            }
            n++;
            i += KEY.length - 1;
        }
        return n;
    }

    static byte[] acks(int n) {
        byte[] b = ACKS[n];
        if (b == null) {
            StringBuilder sb = new StringBuilder("{\"acks\":[");
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ", ").append("{\"collection\":\"c\", \"key\":\"k").append(i)
                        .append("\", \"version\":\"").append(VERSION).append("\", \"user_id\":\"").append(USER)
                        .append("\", \"create_time\":\"").append(TIME).append("\", \"update_time\":\"").append(TIME).append("\"}");
            }
            b = ascii(sb.append("]}"));
            ACKS[n] = b;
        }
        return b;
    }

    static byte[] read(int n) {
        byte[] b = READ[n];
        if (b == null) {
            b = ascii(objects(n).append("]}"));
            READ[n] = b;
        }
        return b;
    }

    static byte[] listed(int n) {
        byte[] b = LISTED[n];
        if (b == null) {
            b = ascii(objects(n).append("], \"cursor\":\"").append("c".repeat(120)).append("\"}"));
            LISTED[n] = b;
        }
        return b;
    }

    private static StringBuilder objects(int n) {
        StringBuilder sb = new StringBuilder("{\"objects\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"collection\":\"c\", \"key\":\"k").append(i)
                    .append("\", \"user_id\":\"").append(USER).append("\", \"value\":").append(StorageRequests.VALUE)
                    .append(", \"version\":\"").append(VERSION).append("\", \"permission_read\":1, \"permission_write\":1")
                    .append(", \"create_time\":\"").append(TIME).append("\", \"update_time\":\"").append(TIME).append("\"}");
        }
        return sb;
    }

    private static byte[] ascii(StringBuilder sb) {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
