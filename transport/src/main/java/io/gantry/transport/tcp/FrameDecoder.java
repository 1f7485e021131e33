package io.gantry.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Splits a TCP stream into frames: each is a protobuf varint32 length, then that many bytes.
 * Netty's {@code ProtobufVarint32FrameDecoder} reads the same format but has no limit, so a
 * client announcing a 2 GB frame would make the server buffer it; this decoder refuses a length
 * over the limit as soon as it reads the prefix, before any of the frame arrives.
 *
 * <p>After a bad prefix (over the limit, or not a varint32: more than five bytes, or a value
 * over 2<sup>31</sup>-1) it raises one exception and then discards everything: the stream has no
 * frame boundary left to resynchronise on, and the session handler closes the connection.
 * Emits each frame as a retained slice of the cumulation (no copy).
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameSize;
    private boolean failed;

    FrameDecoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        in.markReaderIndex();
        int length = 0;
        int shift = 0;
        while (true) {
            if (!in.isReadable()) {
                in.resetReaderIndex(); // the prefix is not all here yet
                return;
            }
            byte b = in.readByte();
            if (shift == 28 && (b & 0xf0) != 0) {
                // a fifth byte holds bits 28-31 only, and ends the varint
                fail(in);
                throw new CorruptedFrameException("malformed length prefix: not a varint32");
            }
            length |= (b & 0x7f) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
        }
        if (length < 0) {
            fail(in);
            throw new CorruptedFrameException("malformed length prefix: not a varint32");
        }
        if (length > maxFrameSize) {
            fail(in);
            throw new TooLongFrameException("frame of " + length + " bytes is over the limit of " + maxFrameSize
                    + " bytes");
        }
        if (in.readableBytes() < length) {
            in.resetReaderIndex();
            return;
        }
        out.add(in.readRetainedSlice(length));
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
