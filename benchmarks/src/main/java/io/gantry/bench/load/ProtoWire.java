package io.gantry.bench.load;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchCreate;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import com.heroiclabs.nakama.rtapi.MatchmakerAdd;
import com.heroiclabs.nakama.rtapi.Ping;
import com.heroiclabs.nakama.rtapi.StatusFollow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code format=protobuf}: {@code nakama.realtime.Envelope}s, in binary WebSocket frames or on
 * Gantry's TCP transport (the same envelopes, length-prefixed). Requests are built with the
 * generated builders; the rated messages are written field by field; received hot messages
 * (match data, chat, status events) are read field by field, the rest parsed whole.
 */
final class ProtoWire extends Wire {
    private static final int WT_VARINT = 0;
    private static final int WT_I64 = 1;
    private static final int WT_LEN = 2;
    private static final int WT_I32 = 5;

    // Envelope field numbers (realtime.proto)
    private static final int F_CID = 1;
    private static final int F_CHANNEL_MESSAGE = 5;
    private static final int F_CHANNEL_MESSAGE_SEND = 7;
    private static final int F_MATCH_DATA = 14;
    private static final int F_MATCHMAKER_MATCHED = 20;
    private static final int F_STATUS_PRESENCE_EVENT = 27;
    private static final int F_STATUS_UPDATE = 29;

    private static final byte[] CONTENT_T = JsonScan.ascii("\"t\"");
    private static final byte[] CONTENT_S = JsonScan.ascii("\"s\"");
    private static final byte[] CONTENT_OPEN = JsonScan.ascii("{\"t\":");
    private static final byte[] CONTENT_MID = JsonScan.ascii(",\"s\":");

    ProtoWire(boolean tcp) {
        super(tcp);
    }

    @Override
    String format() {
        return "protobuf";
    }

    @Override
    boolean binary() {
        return true;
    }

    private static ByteBuf frame(Envelope.Builder e, long cid) {
        if (cid >= 0) {
            e.setCid(Long.toString(cid));
        }
        return Unpooled.wrappedBuffer(e.build().toByteArray());
    }

    @Override
    ByteBuf matchCreate(long cid) {
        return frame(Envelope.newBuilder().setMatchCreate(MatchCreate.getDefaultInstance()), cid);
    }

    @Override
    ByteBuf matchJoin(long cid, String matchId) {
        return frame(Envelope.newBuilder().setMatchJoin(MatchJoin.newBuilder().setMatchId(matchId)), cid);
    }

    @Override
    ByteBuf channelJoin(long cid, String target, int type, boolean persistence) {
        return frame(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder().setTarget(target).setType(type)
                .setPersistence(BoolValue.of(persistence)).setHidden(BoolValue.of(false))), cid);
    }

    @Override
    ByteBuf statusFollow(long cid, List<String> userIds) {
        return frame(Envelope.newBuilder().setStatusFollow(StatusFollow.newBuilder().addAllUserIds(userIds)), cid);
    }

    @Override
    ByteBuf matchmakerAdd(long cid, int minCount, int maxCount, String query) {
        return frame(Envelope.newBuilder().setMatchmakerAdd(MatchmakerAdd.newBuilder()
                .setMinCount(minCount).setMaxCount(maxCount).setQuery(query)), cid);
    }

    @Override
    ByteBuf ping(long cid) {
        return frame(Envelope.newBuilder().setPing(Ping.getDefaultInstance()), cid);
    }

    @Override
    byte[] matchDataPrefix(String matchId) {
        // The envelope with a 16-byte placeholder as data: data (field 3) is the last field
        // written, so everything before the last 16 bytes is the prefix.
        byte[] placeholder = new byte[LatencyCodec.PAYLOAD_BYTES];
        Arrays.fill(placeholder, (byte) 0x5A);
        byte[] whole = Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder()
                .setMatchId(matchId).setOpCode(1).setData(ByteString.copyFrom(placeholder))).build().toByteArray();
        byte[] tail = Arrays.copyOfRange(whole, whole.length - placeholder.length, whole.length);
        if (!Arrays.equals(tail, placeholder)) {
            throw new IllegalStateException("unexpected MatchDataSend encoding");
        }
        return Arrays.copyOf(whole, whole.length - placeholder.length);
    }

    @Override
    ByteBuf matchDataSend(ByteBufAllocator alloc, byte[] prefix, long t, long seq) {
        ByteBuf buf = begin(alloc, prefix.length + LatencyCodec.PAYLOAD_BYTES);
        buf.writeBytes(prefix);
        LatencyCodec.writeRaw(buf, t, seq);
        return finish(buf, RawFrame.OP_BINARY);
    }

    @Override
    byte[] channelSendPrefix(String channelId) {
        return channelId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    ByteBuf channelMessageSend(ByteBufAllocator alloc, byte[] channelId, long t, long seq) {
        int contentLen = CONTENT_OPEN.length + LatencyCodec.decimalLength(t) + CONTENT_MID.length
                + LatencyCodec.decimalLength(seq) + 1;
        int inner = 1 + varintSize(channelId.length) + channelId.length + 1 + varintSize(contentLen) + contentLen;
        ByteBuf buf = begin(alloc, inner + 8);
        writeVarint(buf, tag(F_CHANNEL_MESSAGE_SEND, WT_LEN));
        writeVarint(buf, inner);
        buf.writeByte(tag(1, WT_LEN));
        writeVarint(buf, channelId.length);
        buf.writeBytes(channelId);
        buf.writeByte(tag(2, WT_LEN));
        writeVarint(buf, contentLen);
        buf.writeBytes(CONTENT_OPEN);
        LatencyCodec.writeDecimal(buf, t);
        buf.writeBytes(CONTENT_MID);
        LatencyCodec.writeDecimal(buf, seq);
        buf.writeByte('}');
        return finish(buf, RawFrame.OP_BINARY);
    }

    @Override
    ByteBuf statusUpdate(ByteBufAllocator alloc, long t) {
        int digits = LatencyCodec.decimalLength(t);
        int value = 1 + varintSize(digits) + digits;          // StringValue { value = 1 }
        int inner = 1 + varintSize(value) + value;             // StatusUpdate { status = 1 }
        ByteBuf buf = begin(alloc, inner + 8);
        writeVarint(buf, tag(F_STATUS_UPDATE, WT_LEN));
        writeVarint(buf, inner);
        buf.writeByte(tag(1, WT_LEN));
        writeVarint(buf, value);
        buf.writeByte(tag(1, WT_LEN));
        writeVarint(buf, digits);
        LatencyCodec.writeDecimal(buf, t);
        return finish(buf, RawFrame.OP_BINARY);
    }

    static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }

    static int varintSize(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static void writeVarint(ByteBuf buf, int v) {
        while ((v & ~0x7F) != 0) {
            buf.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf.writeByte(v);
    }

    // ---- decoding: a cursor over the frame, no allocation for the hot messages ----

    /** Reads varints at a moving position; one per decode call (the position is a field). */
    private static final class Cursor {
        final ByteBuf b;
        int pos;

        Cursor(ByteBuf b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        long varint(int limit) {
            long result = 0;
            for (int shift = 0; shift < 64 && pos < limit; shift += 7) {
                byte x = b.getByte(pos++);
                result |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("bad varint");
        }

        void skip(int wireType, int limit) {
            switch (wireType) {
                case WT_VARINT -> varint(limit);
                case WT_I64 -> pos += 8;
                case WT_LEN -> {
                    int n = (int) varint(limit); // not "pos += varint()": that adds to the pos read before the varint
                    pos += n;
                }
                case WT_I32 -> pos += 4;
                default -> throw new IllegalArgumentException("wire type " + wireType);
            }
        }
    }

    @Override
    void decode(ByteBuf b, FrameSink sink) {
        int end = b.writerIndex();
        // The cursor object is the one allocation of this path; escape analysis usually removes it.
        Cursor c = new Cursor(b, b.readerIndex());
        try {
            while (c.pos < end) {
                int tag = (int) c.varint(end);
                int field = tag >>> 3;
                int wt = tag & 7;
                if (wt != WT_LEN) {
                    c.skip(wt, end);
                    continue;
                }
                int len = (int) c.varint(end);
                int start = c.pos;
                int stop = start + len;
                switch (field) {
                    case F_CID -> {
                        c.pos = stop;
                        continue;
                    }
                    case F_MATCH_DATA -> {
                        matchData(c, start, stop, sink);
                        return;
                    }
                    case F_CHANNEL_MESSAGE -> {
                        channelMessage(c, start, stop, sink);
                        return;
                    }
                    case F_STATUS_PRESENCE_EVENT -> {
                        statusEvent(c, start, stop, sink);
                        return;
                    }
                    case F_MATCHMAKER_MATCHED -> {
                        sink.onMatchmakerMatched();
                        return;
                    }
                    default -> {
                        whole(b, sink);
                        return;
                    }
                }
            }
            sink.onOther();
        } catch (RuntimeException e) {
            sink.onError(-1, "undecodable protobuf frame: " + e.getMessage());
        }
    }

    private static void matchData(Cursor c, int start, int stop, FrameSink sink) {
        c.pos = start;
        while (c.pos < stop) {
            int tag = (int) c.varint(stop);
            if (tag == tag(4, WT_LEN)) {
                int len = (int) c.varint(stop);
                if (len >= LatencyCodec.PAYLOAD_BYTES) {
                    sink.onMatchData(c.b.getLong(c.pos), c.b.getLong(c.pos + 8));
                    return;
                }
                break;
            }
            c.skip(tag & 7, stop);
        }
        sink.onMatchData(Long.MIN_VALUE, 0);
    }

    private static void channelMessage(Cursor c, int start, int stop, FrameSink sink) {
        c.pos = start;
        while (c.pos < stop) {
            int tag = (int) c.varint(stop);
            if (tag == tag(6, WT_LEN)) { // content
                int len = (int) c.varint(stop);
                int from = c.pos;
                int to = from + len;
                sink.onChannelMessage(number(c.b, from, to, CONTENT_T), Math.max(0, number(c.b, from, to, CONTENT_S)));
                return;
            }
            c.skip(tag & 7, stop);
        }
        sink.onChannelMessage(Long.MIN_VALUE, 0);
    }

    private static long number(ByteBuf b, int from, int to, byte[] key) {
        int v = JsonScan.valueOf(b, from, to, key);
        return v < 0 ? Long.MIN_VALUE : LatencyCodec.parseDecimal(b, v, to);
    }

    private static void statusEvent(Cursor c, int start, int stop, FrameSink sink) {
        c.pos = start;
        while (c.pos < stop) {
            int tag = (int) c.varint(stop);
            if (tag != tag(2, WT_LEN)) { // joins
                c.skip(tag & 7, stop);
                continue;
            }
            int presenceEnd = (int) c.varint(stop) + c.pos;
            while (c.pos < presenceEnd) {
                int ptag = (int) c.varint(presenceEnd);
                if (ptag != tag(5, WT_LEN)) { // status (StringValue)
                    c.skip(ptag & 7, presenceEnd);
                    continue;
                }
                int valueEnd = (int) c.varint(presenceEnd) + c.pos;
                while (c.pos < valueEnd) {
                    int vtag = (int) c.varint(valueEnd);
                    if (vtag == tag(1, WT_LEN)) {
                        int len = (int) c.varint(valueEnd);
                        long t = LatencyCodec.parseDecimal(c.b, c.pos, c.pos + len);
                        if (t != Long.MIN_VALUE) {
                            sink.onStatusJoin(t);
                        }
                        c.pos += len;
                    } else {
                        c.skip(vtag & 7, valueEnd);
                    }
                }
            }
        }
    }

    private static void whole(ByteBuf b, FrameSink sink) {
        Envelope e;
        try {
            e = Envelope.parseFrom(b.nioBuffer());
        } catch (InvalidProtocolBufferException ex) {
            sink.onError(-1, "undecodable protobuf frame: " + ex.getMessage());
            return;
        }
        long cid = -1;
        if (!e.getCid().isEmpty()) {
            try {
                cid = Long.parseLong(e.getCid());
            } catch (NumberFormatException ex) {
                cid = -2;
            }
        }
        if (e.getMessageCase() == Envelope.MessageCase.ERROR) {
            if (cid >= 0) {
                sink.onReply(cid, Reply.error(e.getError().getCode(), e.getError().getMessage()));
            } else {
                sink.onError(e.getError().getCode(), e.getError().getMessage());
            }
            return;
        }
        if (cid < 0) {
            sink.onOther();
            return;
        }
        String type = e.getMessageCase().name().toLowerCase(Locale.ROOT);
        String id = switch (e.getMessageCase()) {
            case MATCH -> e.getMatch().getMatchId();
            case CHANNEL -> e.getChannel().getId();
            case MATCHMAKER_TICKET -> e.getMatchmakerTicket().getTicket();
            case CHANNEL_MESSAGE_ACK -> e.getChannelMessageAck().getMessageId();
            default -> null;
        };
        sink.onReply(cid, new Reply(type, id, 0, null));
    }
}
