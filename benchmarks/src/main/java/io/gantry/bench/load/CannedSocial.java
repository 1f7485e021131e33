package io.gantry.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The self-test server's friend and group replies, shaped and sized as Nakama 3.18's (a user
 * object per friend or member, as the reference prints them): built once per count and shared (a
 * racy memo, as {@link CannedStorage}'s).
 */
final class CannedSocial {
    static final int MAX = 100;
    static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final String TIME = "2026-01-01T00:00:00Z";
    private static final byte[][] FRIENDS = new byte[MAX + 1][];
    private static final byte[][] GROUP_USERS = new byte[MAX + 1][];

    private CannedSocial() {
    }

    /** {@code {"friends":[{"user":{…}, "state":0, "update_time":…}, …]}} with {@code n} friends. */
    static byte[] friends(int n) {
        byte[] b = FRIENDS[n];
        if (b == null) {
            StringBuilder sb = new StringBuilder("{\"friends\":[");
            for (int i = 0; i < n; i++) {
                user(sb.append(i == 0 ? "" : ", ").append("{\"user\":"), i, false)
                        .append(", \"state\":0, \"update_time\":\"").append(TIME).append("\"}");
            }
            b = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            FRIENDS[n] = b;
        }
        return b;
    }

    /** {@code {"group_users":[{"user":{…}, "state":2}, …]}} with {@code n} members (the first the superadmin). */
    static byte[] groupUsers(int n) {
        byte[] b = GROUP_USERS[n];
        if (b == null) {
            StringBuilder sb = new StringBuilder("{\"group_users\":[");
            for (int i = 0; i < n; i++) {
                user(sb.append(i == 0 ? "" : ", ").append("{\"user\":"), i, true)
                        .append(", \"state\":").append(i == 0 ? 0 : 2).append("}");
            }
            b = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            GROUP_USERS[n] = b;
        }
        return b;
    }

    /** A new open group as {@code POST /v2/group} answers it (a fresh id each time: set-up only). */
    static byte[] group(String name, int maxCount) {
        return ("{\"id\":\"" + UUID.randomUUID() + "\", \"creator_id\":\"00000000-0000-4000-8000-000000000000\", \"name\":"
                + JsonScan.quote(new StringBuilder(), name) + ", \"lang_tag\":\"en\", \"metadata\":\"{}\", \"open\":true, "
                + "\"edge_count\":1, \"max_count\":" + maxCount + ", \"create_time\":\"" + TIME + "\", \"update_time\":\""
                + TIME + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder user(StringBuilder sb, int i, boolean edgeCount) {
        sb.append("{\"id\":\"").append(new UUID(0x0000_0000_0000_4000L, 0x8000_0000_0000_0000L | i))
                .append("\", \"username\":\"user").append(String.format("%06d", i))
                .append("\", \"lang_tag\":\"en\", \"metadata\":\"{}\", ");
        if (edgeCount) {
            sb.append("\"edge_count\":1, ");
        }
        return sb.append("\"create_time\":\"").append(TIME).append("\", \"update_time\":\"").append(TIME).append("\"}");
    }
}
