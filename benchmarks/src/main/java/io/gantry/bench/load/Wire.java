package io.gantry.bench.load;

import io.gantry.client.TcpSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.List;

/**
 * One wire format of the Nakama socket ({@code format=json}: protojson text frames,
 * {@code format=protobuf}: binary {@code nakama.realtime.Envelope} frames, on a WebSocket or,
 * length-prefixed, on Gantry's TCP transport).
 *
 * <p>Requests made once per user (create, join, follow…) are message bytes the socket frames
 * (a WebSocket frame, or the TCP client's length prefix). The messages sent at the configured
 * rate are written into one pooled buffer from a prefix prepared per user, with no intermediate
 * object: on a WebSocket as whole raw frames ({@link RawFrame}); on TCP as the envelope after
 * {@link TcpSocket#PREFIX_HEADROOM} free bytes, where the client writes the length prefix in
 * place ({@link TcpSocket#sendFrameInPlace}). Decoding reads only what
 * the generator needs from a received frame (the embedded send time of the hot messages, the cid,
 * type and id of replies).
 */
abstract class Wire {

    /** Whether the rated messages are built for the TCP transport (else as WebSocket frames). */
    final boolean tcp;

    Wire(boolean tcp) {
        this.tcp = tcp;
    }

    /** The wire for {@code format} on a WebSocket, or on TCP (protobuf only). */
    static Wire of(String format, boolean tcp) {
        return switch (format) {
            case "json" -> {
                if (tcp) {
                    throw new IllegalArgumentException("the TCP transport carries protobuf envelopes only");
                }
                yield new JsonWire();
            }
            case "protobuf" -> new ProtoWire(tcp);
            default -> throw new IllegalArgumentException("unknown format: " + format + " (json or protobuf)");
        };
    }

    abstract String format();

    /** Whether requests go in binary WebSocket frames (else text). */
    abstract boolean binary();

    /** A buffer to write a rated message into, with room before it for its framing. */
    final ByteBuf begin(ByteBufAllocator alloc, int payloadHint) {
        if (tcp) {
            ByteBuf buf = alloc.directBuffer(TcpSocket.PREFIX_HEADROOM + payloadHint);
            buf.writerIndex(TcpSocket.PREFIX_HEADROOM);
            buf.readerIndex(TcpSocket.PREFIX_HEADROOM);
            return buf;
        }
        return RawFrame.begin(alloc, payloadHint);
    }

    /**
     * The message written since {@link #begin}, ready for {@link VirtualUser#sendRaw}: a whole
     * WebSocket frame, or on TCP the envelope itself (the client writes its prefix in place).
     */
    final ByteBuf finish(ByteBuf buf, int opcode) {
        return tcp ? buf : RawFrame.finish(buf, opcode);
    }

    // ---- requests (one per user, with a cid): the message bytes, framed by the socket ----

    abstract ByteBuf matchCreate(long cid);

    abstract ByteBuf matchJoin(long cid, String matchId);

    /** A room ({@code type} 1) by name, or a group's channel ({@code type} 3) by group id. */
    abstract ByteBuf channelJoin(long cid, String target, int type, boolean persistence);

    abstract ByteBuf statusFollow(long cid, List<String> userIds);

    abstract ByteBuf matchmakerAdd(long cid, int minCount, int maxCount, String query);

    abstract ByteBuf ping(long cid);

    // ---- the messages sent at the rate: see begin/finish ----

    /** The bytes of a match data send that come before the payload, for this match. */
    abstract byte[] matchDataPrefix(String matchId);

    abstract ByteBuf matchDataSend(ByteBufAllocator alloc, byte[] prefix, long t, long seq);

    /** What {@link #channelMessageSend} needs to know of the channel. */
    abstract byte[] channelSendPrefix(String channelId);

    abstract ByteBuf channelMessageSend(ByteBufAllocator alloc, byte[] prefix, long t, long seq);

    abstract ByteBuf statusUpdate(ByteBufAllocator alloc, long t);

    // ---- receiving ----

    /** Reads one received frame's content (readable bytes of {@code frame}) into the sink. */
    abstract void decode(ByteBuf frame, FrameSink sink);
}
