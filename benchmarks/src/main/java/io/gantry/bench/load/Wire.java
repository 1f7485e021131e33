package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/**
 * One wire format of the Nakama socket ({@code format=json}: protojson text frames,
 * {@code format=protobuf}: binary {@code nakama.realtime.Envelope} frames).
 *
 * <p>Requests made once per user (create, join, follow…) are ordinary Netty frames. The messages
 * sent at the configured rate are whole raw frames ({@link RawFrame}) written into one pooled
 * buffer from a prefix prepared per user, with no intermediate object. Decoding reads only what
 * the generator needs from a received frame (the embedded send time of the hot messages, the cid,
 * type and id of replies).
 */
abstract class Wire {

    static Wire of(String format) {
        return switch (format) {
            case "json" -> new JsonWire();
            case "protobuf" -> new ProtoWire();
            default -> throw new IllegalArgumentException("unknown format: " + format + " (json or protobuf)");
        };
    }

    abstract String format();

    // ---- requests (one per user, with a cid) ----

    abstract WebSocketFrame matchCreate(long cid);

    abstract WebSocketFrame matchJoin(long cid, String matchId);

    abstract WebSocketFrame channelJoin(long cid, String target, boolean persistence);

    abstract WebSocketFrame statusFollow(long cid, List<String> userIds);

    abstract WebSocketFrame matchmakerAdd(long cid, int minCount, int maxCount, String query);

    abstract WebSocketFrame ping(long cid);

    // ---- the messages sent at the rate: whole raw frames ----

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
