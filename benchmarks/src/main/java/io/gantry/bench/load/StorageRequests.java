package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pre-encoded REST storage requests of the {@code storage} scenario, for Nakama's API
 * ({@code /v2/storage}), as {@link RestLoad.Req}s: built once before the run, sent many times.
 *
 * <ul>
 *   <li>write: {@code PUT /v2/storage} with N objects {@code {collection, key, value,
 *   permission_read: 1, permission_write: 1}} and no version (unconditional), each value a
 *   ~100-byte JSON object; the keys rotate over {@link #WRITE_VARIANTS} sets, so a user's
 *   objects are updated in turn. The body is the same for every user (the token says whose).</li>
 *   <li>read: {@code POST /v2/storage} with N object ids of the caller's own filled objects
 *   (windows of N consecutive keys, rotating over the fill).</li>
 *   <li>list: {@code GET /v2/storage/{collection}?user_id=<self>&limit=N} of the filled
 *   collection.</li>
 *   <li>fill (set-up of read and list): {@code PUT /v2/storage} of keys {@code k000}… in calls of
 *   at most 100 objects.</li>
 * </ul>
 */
final class StorageRequests {
    static final String WRITE_COLLECTION = "bench_write";
    static final String FILL_COLLECTION = "bench_fill";
    static final int WRITE_VARIANTS = 4;
    static final int FILL_PER_CALL = 100;

    /** A value of about 100 bytes, JSON-encoded as the string Nakama's API carries. */
    static final String VALUE = jsonString(
            "{\"level\":17,\"xp\":123456,\"name\":\"bench-player\",\"items\":[\"sword\",\"shield\",\"potion\"],\"updated\":1700000000}");

    private StorageRequests() {
    }

    /** Requests per user ({@code [user][variant]}) for {@code op}. */
    static RestLoad.Req[][] measured(String op, String hostHeader, List<VirtualUser> users, int perCall, int fill) {
        RestLoad.Req[][] out = new RestLoad.Req[users.size()][];
        ByteBuf[] writeBodies = null;
        if (op.equals("write")) {
            writeBodies = new ByteBuf[WRITE_VARIANTS];
            for (int v = 0; v < WRITE_VARIANTS; v++) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < perCall; i++) {
                    keys.add(String.format("w%d-%03d", v, i));
                }
                writeBodies[v] = buf(writeBody(WRITE_COLLECTION, keys));
            }
        }
        for (int u = 0; u < users.size(); u++) {
            VirtualUser user = users.get(u);
            switch (op) {
                case "write" -> {
                    ByteBuf head = buf(head("PUT", "/v2/storage", hostHeader, user.token, writeBodies[0].readableBytes()));
                    out[u] = new RestLoad.Req[WRITE_VARIANTS];
                    for (int v = 0; v < WRITE_VARIANTS; v++) {
                        out[u][v] = new RestLoad.Req(head, writeBodies[v], perCall);
                    }
                }
                case "read" -> {
                    int variants = fill / perCall;
                    out[u] = new RestLoad.Req[variants];
                    ByteBuf head = null;
                    for (int v = 0; v < variants; v++) {
                        StringBuilder sb = new StringBuilder("{\"object_ids\":[");
                        for (int i = 0; i < perCall; i++) {
                            sb.append(i == 0 ? "" : ",").append("{\"collection\":\"").append(FILL_COLLECTION)
                                    .append("\",\"key\":\"").append(fillKey(v * perCall + i))
                                    .append("\",\"user_id\":\"").append(user.userId).append("\"}");
                        }
                        ByteBuf body = buf(sb.append("]}").toString());
                        if (head == null) {
                            head = buf(head("POST", "/v2/storage", hostHeader, user.token, body.readableBytes()));
                        }
                        out[u][v] = new RestLoad.Req(head, body, perCall);
                    }
                }
                case "list" -> out[u] = new RestLoad.Req[]{new RestLoad.Req(
                        buf(head("GET", "/v2/storage/" + FILL_COLLECTION + "?user_id=" + user.userId + "&limit=" + perCall,
                                hostHeader, user.token, -1)), null, Math.min(perCall, fill))};
                default -> throw new IllegalArgumentException(op);
            }
        }
        return out;
    }

    /** The set-up of read and list: every user's {@code fill} objects, {@link #FILL_PER_CALL} a call. */
    static List<RestLoad.Req> fill(String hostHeader, List<VirtualUser> users, int fill) {
        List<ByteBuf> bodies = new ArrayList<>();
        for (int from = 0; from < fill; from += FILL_PER_CALL) {
            List<String> keys = new ArrayList<>();
            for (int i = from; i < Math.min(fill, from + FILL_PER_CALL); i++) {
                keys.add(fillKey(i));
            }
            bodies.add(buf(writeBody(FILL_COLLECTION, keys)));
        }
        List<RestLoad.Req> out = new ArrayList<>();
        for (VirtualUser u : users) {
            for (ByteBuf body : bodies) {
                out.add(new RestLoad.Req(buf(head("PUT", "/v2/storage", hostHeader, u.token, body.readableBytes())),
                        body, (body == bodies.get(bodies.size() - 1) ? (fill - 1) % FILL_PER_CALL + 1 : FILL_PER_CALL)));
            }
        }
        return out;
    }

    static String fillKey(int i) {
        return String.format("k%03d", i);
    }

    static String writeBody(String collection, List<String> keys) {
        StringBuilder sb = new StringBuilder("{\"objects\":[");
        for (int i = 0; i < keys.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"collection\":\"").append(collection).append("\",\"key\":\"")
                    .append(keys.get(i)).append("\",\"value\":").append(VALUE)
                    .append(",\"permission_read\":1,\"permission_write\":1}");
        }
        return sb.append("]}").toString();
    }

    /** The request line and headers; {@code contentLength} < 0: no body. Keep-alive (HTTP/1.1). */
    static String head(String method, String path, String hostHeader, String token, int contentLength) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Authorization: Bearer ").append(token).append("\r\n")
                .append("Accept: application/json\r\n");
        if (contentLength >= 0) {
            sb.append("Content-Type: application/json\r\nContent-Length: ").append(contentLength).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static String jsonString(String s) {
        return JsonScan.quote(new StringBuilder(), s).toString();
    }

    /**
     * A direct buffer of the string's UTF-8 bytes that no release frees (sent as duplicates, never
     * written to): a wrapped NIO buffer, which the garbage collector frees and Netty's leak
     * detector does not track.
     */
    static ByteBuf buf(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(b.length).put(b).flip()));
    }
}
