package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The pre-encoded REST requests of the {@code leaderboard} scenario, and the server-to-server RPC
 * bodies its set-up sends.
 *
 * <ul>
 *   <li>{@link #writeHead}: {@code POST /v2/leaderboard/{id}} with a user's headers and a
 *   {@code Content-Length} that fits every body of {@link #writeBodies} (their scores all have
 *   nine digits), so a write is a user's head then one body of the pool.</li>
 *   <li>{@link #aroundHead}: {@code GET /v2/leaderboard/{id}/owner/{self}?limit=N} with the user's
 *   headers, one buffer per user.</li>
 *   <li>{@link #rpc}: {@code POST /v2/rpc/<name>?http_key=…} whose body is the payload as a JSON
 *   <em>string</em> (the reference reads the payload from the body only, as a string); built per
 *   request, in set-up only.</li>
 * </ul>
 */
final class LeaderboardRequests {
    /** Scores are nine-digit numbers: every write body has the same length. */
    static final long SCORE_MIN = 100_000_000L;
    static final long SCORE_SPAN = 900_000_000L;

    private LeaderboardRequests() {
    }

    static String boardPath(String board) {
        return "/v2/leaderboard/" + board;
    }

    /** {@code GET /v2/leaderboard/{id}?limit=N}: the first page, which carries {@code rank_count}. */
    static String listPath(String board, int limit) {
        return boardPath(board) + "?limit=" + limit;
    }

    static String aroundPath(String board, String ownerId, int limit) {
        return boardPath(board) + "/owner/" + ownerId + "?limit=" + limit;
    }

    /** {@code {"score":"<9 digits>","subscore":"0"}}: int64 fields as JSON strings, as the clients send them. */
    static String writeBody(long score) {
        return "{\"score\":\"" + score + "\",\"subscore\":\"0\"}";
    }

    /** {@code n} write bodies with random nine-digit scores (the board's operator is SET: each replaces the last). */
    static ByteBuf[] writeBodies(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteBuf[] out = new ByteBuf[n];
        for (int i = 0; i < n; i++) {
            out[i] = StorageRequests.buf(writeBody(SCORE_MIN + rnd.nextLong(SCORE_SPAN)));
        }
        return out;
    }

    static int writeBodyLength() {
        return writeBody(SCORE_MIN).length();
    }

    static ByteBuf writeHead(String hostHeader, String board, String token) {
        return StorageRequests.buf("POST " + boardPath(board) + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nAuthorization: Bearer " + token + "\r\nAccept: application/json\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + writeBodyLength() + "\r\n\r\n");
    }

    static ByteBuf aroundHead(String hostHeader, String board, String ownerId, String token, int limit) {
        return StorageRequests.buf("GET " + aroundPath(board, ownerId, limit) + " HTTP/1.1\r\n"
                + SocialRequests.headers(hostHeader, token, false));
    }

    /** {@code leaderboard_create}'s payload: a board of the SET operator, highest score first, never reset. */
    static String createPayload(String board) {
        return "{\"id\":" + JsonScan.quote(new StringBuilder(), board) + ",\"authoritative\":false,\"sort_order\":\"desc\","
                + "\"operator\":\"set\",\"reset_schedule\":\"\",\"metadata\":{}}";
    }

    /** {@code leaderboard_record_write}'s payload: one record of {@code owner} (not an account: records need none). */
    static String seedPayload(String board, String owner, long score) {
        return "{\"id\":" + JsonScan.quote(new StringBuilder(), board) + ",\"owner_id\":\"" + owner + "\",\"score\":" + score
                + ",\"subscore\":0}";
    }

    /** A random version-4 UUID from {@code rnd} (cheaper than {@link UUID#randomUUID}'s secure random). */
    static String randomOwner(SplittableRandom rnd) {
        long hi = (rnd.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (rnd.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo).toString();
    }

    /** The body of a REST RPC call: the payload as a JSON string. */
    static String rpcBody(String payload) {
        return JsonScan.quote(new StringBuilder(), payload).toString();
    }

    /** A whole server-to-server RPC request with the HTTP key (one heap buffer, set-up only). */
    static RestLoad.Req rpc(String hostHeader, String httpKey, String name, String payload) {
        byte[] body = rpcBody(payload).getBytes(StandardCharsets.UTF_8);
        String head = "POST /v2/rpc/" + name + "?http_key=" + httpKey + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        return new RestLoad.Req(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII)), Unpooled.wrappedBuffer(body), 0);
    }
}
