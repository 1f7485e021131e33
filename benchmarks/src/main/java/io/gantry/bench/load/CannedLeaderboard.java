package io.gantry.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The self-test server's leaderboard replies, shaped and sized as Nakama 3.18's (records with
 * their owner, username, scores, metadata, times and rank; pages with their cursors and
 * {@code rank_count}): built once per count and shared (a racy memo, as {@link CannedStorage}'s).
 */
final class CannedLeaderboard {
    static final int MAX = 100;
    private static final String TIME = "2026-01-01T00:00:00Z";
    private static final byte[][] PAGES = new byte[MAX + 1][];
    private static volatile byte[] written;
    private static volatile long pagesRankCount = -1;

    private CannedLeaderboard() {
    }

    /** A record as {@code POST /v2/leaderboard/{id}} answers it. */
    static byte[] record() {
        byte[] b = written;
        if (b == null) {
            b = record(new StringBuilder(), 0).toString().getBytes(StandardCharsets.UTF_8);
            written = b;
        }
        return b;
    }

    /**
     * A page of {@code n} records with both cursors and {@code rank_count} (as around-owner and
     * the first page answer on a large board).
     */
    static byte[] page(int n, long rankCount) {
        if (pagesRankCount != rankCount) {
            synchronized (PAGES) {
                java.util.Arrays.fill(PAGES, null);
                pagesRankCount = rankCount;
            }
        }
        byte[] b = PAGES[n];
        if (b == null) {
            StringBuilder sb = new StringBuilder("{\"records\":[");
            for (int i = 0; i < n; i++) {
                record(sb.append(i == 0 ? "" : ", "), i);
            }
            sb.append("], \"next_cursor\":\"").append("c".repeat(120)).append("\", \"prev_cursor\":\"").append("c".repeat(120))
                    .append("\", \"rank_count\":\"").append(rankCount).append("\"}");
            b = sb.toString().getBytes(StandardCharsets.UTF_8);
            PAGES[n] = b;
        }
        return b;
    }

    /** {@code {"payload":"{\"id\":\"<board>\"}"}}: {@code leaderboard_create}'s answer. */
    static byte[] created(String board) {
        String payload = "{\"id\":" + JsonScan.quote(new StringBuilder(), board) + "}";
        return ("{\"payload\":" + JsonScan.quote(new StringBuilder(), payload) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code leaderboard_record_write}'s answer: the record, JSON-encoded in the payload string. */
    static byte[] rpcRecord() {
        return ("{\"payload\":" + JsonScan.quote(new StringBuilder(), new String(record(), StandardCharsets.UTF_8)) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder record(StringBuilder sb, int i) {
        return sb.append("{\"leaderboard_id\":\"bench-100k\", \"owner_id\":\"")
                .append(new UUID(0x0000_0000_0000_4000L, 0x8000_0000_0000_0000L | i))
                .append("\", \"username\":\"user").append(String.format("%06d", i))
                .append("\", \"score\":\"").append(900_000_000L - i).append("\", \"num_score\":1, ")
                .append("\"metadata\":\"{}\", \"create_time\":\"").append(TIME)
                .append("\", \"update_time\":\"").append(TIME).append("\", \"rank\":\"").append(50_000 + i).append("\"}");
    }
}
