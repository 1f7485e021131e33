package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

import java.util.List;

import static io.gantry.bench.load.JsonScan.ascii;

/** {@code format=json}: protojson text frames. */
final class JsonWire extends Wire {
    JsonWire() {
        super(false);
    }

    private static final byte[] K_CID = ascii("cid");
    private static final byte[] K_MATCH_DATA = ascii("match_data");
    private static final byte[] K_CHANNEL_MESSAGE = ascii("channel_message");
    private static final byte[] K_STATUS_EVENT = ascii("status_presence_event");
    private static final byte[] K_MATCHMAKER_MATCHED = ascii("matchmaker_matched");
    private static final byte[] K_ERROR = ascii("error");

    private static final byte[] Q_DATA = ascii("\"data\"");
    private static final byte[] Q_CONTENT = ascii("\"content\"");
    private static final byte[] Q_JOINS = ascii("\"joins\"");
    private static final byte[] Q_LEAVES = ascii("\"leaves\"");
    private static final byte[] Q_STATUS = ascii("\"status\"");
    private static final byte[] Q_MATCH_ID = ascii("\"match_id\"");
    private static final byte[] Q_ID = ascii("\"id\"");
    private static final byte[] Q_TICKET = ascii("\"ticket\"");
    private static final byte[] Q_MESSAGE_ID = ascii("\"message_id\"");
    private static final byte[] Q_CODE = ascii("\"code\"");
    private static final byte[] Q_MESSAGE = ascii("\"message\"");
    /** Chat content {"t":…,"s":…} as it appears escaped inside the envelope's string. */
    private static final byte[] ESC_T = ascii("\\\"t\\\"");
    private static final byte[] ESC_S = ascii("\\\"s\\\"");

    private static final byte[] MATCH_SUFFIX = ascii("\"}}");
    private static final byte[] CHANNEL_MID = ascii(",\\\"s\\\":");
    private static final byte[] CHANNEL_SUFFIX = ascii("}\"}}");
    private static final byte[] STATUS_PREFIX = ascii("{\"status_update\":{\"status\":\"");

    @Override
    String format() {
        return "json";
    }

    @Override
    boolean binary() {
        return false;
    }

    private static ByteBuf text(CharSequence s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static StringBuilder open(long cid) {
        StringBuilder sb = new StringBuilder(96).append('{');
        if (cid >= 0) {
            sb.append("\"cid\":\"").append(cid).append("\",");
        }
        return sb;
    }

    @Override
    ByteBuf matchCreate(long cid) {
        return text(open(cid).append("\"match_create\":{}}"));
    }

    @Override
    ByteBuf matchJoin(long cid, String matchId) {
        StringBuilder sb = open(cid).append("\"match_join\":{\"match_id\":");
        return text(JsonScan.quote(sb, matchId).append("}}"));
    }

    @Override
    ByteBuf channelJoin(long cid, String target, int type, boolean persistence) {
        StringBuilder sb = open(cid).append("\"channel_join\":{\"target\":");
        JsonScan.quote(sb, target).append(",\"type\":").append(type).append(",\"persistence\":").append(persistence)
                .append(",\"hidden\":false}}");
        return text(sb);
    }

    @Override
    ByteBuf statusFollow(long cid, List<String> userIds) {
        StringBuilder sb = open(cid).append("\"status_follow\":{\"user_ids\":[");
        for (int i = 0; i < userIds.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonScan.quote(sb, userIds.get(i));
        }
        return text(sb.append("]}}"));
    }

    @Override
    ByteBuf matchmakerAdd(long cid, int minCount, int maxCount, String query) {
        StringBuilder sb = open(cid).append("\"matchmaker_add\":{\"min_count\":").append(minCount)
                .append(",\"max_count\":").append(maxCount).append(",\"query\":");
        return text(JsonScan.quote(sb, query).append("}}"));
    }

    @Override
    ByteBuf ping(long cid) {
        return text(open(cid).append("\"ping\":{}}"));
    }

    @Override
    byte[] matchDataPrefix(String matchId) {
        StringBuilder sb = new StringBuilder("{\"match_data_send\":{\"match_id\":");
        JsonScan.quote(sb, matchId).append(",\"op_code\":\"1\",\"data\":\"");
        return ascii(sb.toString());
    }

    @Override
    ByteBuf matchDataSend(ByteBufAllocator alloc, byte[] prefix, long t, long seq) {
        ByteBuf buf = RawFrame.begin(alloc, prefix.length + LatencyCodec.BASE64_CHARS + MATCH_SUFFIX.length);
        buf.writeBytes(prefix);
        LatencyCodec.writeBase64(buf, t, seq);
        buf.writeBytes(MATCH_SUFFIX);
        return RawFrame.finish(buf, RawFrame.OP_TEXT);
    }

    @Override
    byte[] channelSendPrefix(String channelId) {
        StringBuilder sb = new StringBuilder("{\"channel_message_send\":{\"channel_id\":");
        JsonScan.quote(sb, channelId).append(",\"content\":\"{\\\"t\\\":");
        return ascii(sb.toString());
    }

    @Override
    ByteBuf channelMessageSend(ByteBufAllocator alloc, byte[] prefix, long t, long seq) {
        ByteBuf buf = RawFrame.begin(alloc, prefix.length + 48);
        buf.writeBytes(prefix);
        LatencyCodec.writeDecimal(buf, t);
        buf.writeBytes(CHANNEL_MID);
        LatencyCodec.writeDecimal(buf, seq);
        buf.writeBytes(CHANNEL_SUFFIX);
        return RawFrame.finish(buf, RawFrame.OP_TEXT);
    }

    @Override
    ByteBuf statusUpdate(ByteBufAllocator alloc, long t) {
        ByteBuf buf = RawFrame.begin(alloc, STATUS_PREFIX.length + 24);
        buf.writeBytes(STATUS_PREFIX);
        LatencyCodec.writeDecimal(buf, t);
        buf.writeBytes(MATCH_SUFFIX);
        return RawFrame.finish(buf, RawFrame.OP_TEXT);
    }

    @Override
    void decode(ByteBuf b, FrameSink sink) {
        int end = b.writerIndex();
        int i = JsonScan.skipWs(b, b.readerIndex(), end);
        if (i >= end || b.getByte(i) != '{') {
            sink.onOther();
            return;
        }
        i++;
        long cid = -1;
        while (true) {
            i = JsonScan.skipWs(b, i, end);
            if (i >= end || b.getByte(i) != '"') {
                if (cid >= 0) {
                    sink.onReply(cid, new Reply("empty", null, 0, null)); // {"cid":"n"}: an empty reply
                } else {
                    sink.onOther();
                }
                return;
            }
            int keyStart = i + 1;
            int keyEnd = JsonScan.skipString(b, i, end) - 1;
            int v = JsonScan.skipWs(b, keyEnd + 1, end);
            if (v >= end || b.getByte(v) != ':') {
                sink.onOther();
                return;
            }
            v = JsonScan.skipWs(b, v + 1, end);
            if (JsonScan.equalsAt(b, keyStart, keyEnd, K_CID)) {
                cid = JsonScan.readLong(b, v, end);
                if (cid == Long.MIN_VALUE) {
                    cid = -2; // a cid that is not one of ours
                }
                i = JsonScan.skipString(b, v, end);
                i = JsonScan.skipWs(b, i, end);
                if (i < end && b.getByte(i) == ',') {
                    i++;
                }
                continue;
            }
            payload(b, keyStart, keyEnd, v, end, cid, sink);
            return;
        }
    }

    private void payload(ByteBuf b, int keyStart, int keyEnd, int v, int end, long cid, FrameSink sink) {
        if (JsonScan.equalsAt(b, keyStart, keyEnd, K_MATCH_DATA)) {
            int d = JsonScan.valueOf(b, v, end, Q_DATA);
            if (d >= 0 && b.getByte(d) == '"') {
                sink.onMatchData(LatencyCodec.decodeBase64Long(b, d + 1, 0), LatencyCodec.decodeBase64Long(b, d + 1, 8));
            } else {
                sink.onMatchData(Long.MIN_VALUE, 0);
            }
            return;
        }
        if (JsonScan.equalsAt(b, keyStart, keyEnd, K_CHANNEL_MESSAGE)) {
            int c = JsonScan.valueOf(b, v, end, Q_CONTENT);
            long t = Long.MIN_VALUE;
            long s = 0;
            if (c >= 0 && b.getByte(c) == '"') {
                int cEnd = JsonScan.skipString(b, c, end);
                t = escapedNumber(b, c, cEnd, ESC_T);
                s = escapedNumber(b, c, cEnd, ESC_S);
            }
            sink.onChannelMessage(t, s);
            return;
        }
        if (JsonScan.equalsAt(b, keyStart, keyEnd, K_STATUS_EVENT)) {
            int joins = JsonScan.valueOf(b, v, end, Q_JOINS);
            if (joins >= 0) {
                int leaves = JsonScan.valueOf(b, v, end, Q_LEAVES);
                int to = leaves > joins ? leaves : end;
                int i = joins;
                while (true) {
                    int s = JsonScan.valueOf(b, i, to, Q_STATUS);
                    if (s < 0) {
                        break;
                    }
                    if (b.getByte(s) == '"') {
                        long t = LatencyCodec.parseDecimal(b, s + 1, to);
                        if (t != Long.MIN_VALUE) {
                            sink.onStatusJoin(t);
                        }
                    }
                    i = s + 1;
                }
            }
            if (cid >= 0) {
                sink.onReply(cid, new Reply("status_presence_event", null, 0, null));
            }
            return;
        }
        if (JsonScan.equalsAt(b, keyStart, keyEnd, K_MATCHMAKER_MATCHED)) {
            sink.onMatchmakerMatched();
            return;
        }
        String type = b.toString(keyStart, keyEnd - keyStart, java.nio.charset.StandardCharsets.US_ASCII);
        if (JsonScan.equalsAt(b, keyStart, keyEnd, K_ERROR)) {
            int code = (int) Math.max(Integer.MIN_VALUE, JsonScan.readLong(b, JsonScan.valueOf(b, v, end, Q_CODE), end));
            if (code == Integer.MIN_VALUE) {
                code = 0; // protojson omits a 0 code
            }
            String message = JsonScan.readString(b, JsonScan.valueOf(b, v, end, Q_MESSAGE), end);
            if (cid >= 0) {
                sink.onReply(cid, Reply.error(code, message));
            } else {
                sink.onError(code, message);
            }
            return;
        }
        if (cid < 0) {
            sink.onOther();
            return;
        }
        byte[] idKey = switch (type) {
            case "match" -> Q_MATCH_ID;
            case "channel" -> Q_ID;
            case "matchmaker_ticket" -> Q_TICKET;
            case "channel_message_ack" -> Q_MESSAGE_ID;
            default -> null;
        };
        String id = idKey == null ? null : JsonScan.readString(b, JsonScan.valueOf(b, v, end, idKey), end);
        sink.onReply(cid, new Reply(type, id, 0, null));
    }

    /** The number after {@code \"k\":} inside an escaped JSON string in [from, to). */
    private static long escapedNumber(ByteBuf b, int from, int to, byte[] escapedKey) {
        int k = JsonScan.indexOf(b, from, to, escapedKey);
        if (k < 0) {
            return Long.MIN_VALUE;
        }
        int i = JsonScan.skipWs(b, k + escapedKey.length, to);
        if (i >= to || b.getByte(i) != ':') {
            return Long.MIN_VALUE;
        }
        i = JsonScan.skipWs(b, i + 1, to);
        return LatencyCodec.parseDecimal(b, i, to);
    }
}
