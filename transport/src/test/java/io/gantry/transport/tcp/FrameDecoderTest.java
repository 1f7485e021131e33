package io.gantry.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The varint32 framing on Netty's EmbeddedChannel: splits, joins, limits and bad prefixes. */
class FrameDecoderTest {

    private static EmbeddedChannel channel(int max) {
        return new EmbeddedChannel(new FrameDecoder(max));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] read(EmbeddedChannel channel) {
        ByteBuf frame = channel.readInbound();
        if (frame == null) {
            return null;
        }
        try {
            byte[] out = new byte[frame.readableBytes()];
            frame.readBytes(out);
            return out;
        } finally {
            frame.release();
        }
    }

    @Test
    void framesSplitAnywhereAndJoinedInOneReadComeOutWhole() {
        EmbeddedChannel channel = channel(1000);
        // 300 bytes (a two-byte prefix: 0xac 0x02), then a one-byte frame and an empty one
        byte[] big = new byte[300];
        big[0] = 7;
        big[299] = 9;
        channel.writeInbound(Unpooled.wrappedBuffer(bytes(0xac)));
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.wrappedBuffer(bytes(0x02)));
        channel.writeInbound(Unpooled.wrappedBuffer(big, 0, 150));
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(big, 150, 150),
                Unpooled.wrappedBuffer(bytes(1, 42, 0))));
        assertArrayEquals(big, read(channel));
        assertArrayEquals(bytes(42), read(channel));
        assertArrayEquals(new byte[0], read(channel));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void aFrameAtTheLimitPassesOneOverIsRefusedFromItsPrefix() {
        EmbeddedChannel channel = channel(300);
        channel.writeInbound(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(bytes(0xac, 0x02)),
                Unpooled.wrappedBuffer(new byte[300])));
        assertEquals(300, read(channel).length);
        TooLongFrameException tooLong = assertThrows(TooLongFrameException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(bytes(0xad, 0x02))));
        assertEquals("frame of 301 bytes is over the limit of 300 bytes", tooLong.getMessage());
        // nothing after a bad prefix is a frame: the stream has no boundary left
        channel.writeInbound(Unpooled.wrappedBuffer(bytes(1, 42, 1, 43)));
        assertNull(channel.readInbound());
    }

    @Test
    void theLargestVarint32IsReadAndRefusedByTheLimit() {
        EmbeddedChannel channel = channel(Integer.MAX_VALUE);
        // 2^31 - 1 in five bytes: read, but the frame never comes; nothing is emitted
        channel.writeInbound(Unpooled.wrappedBuffer(bytes(0xff, 0xff, 0xff, 0xff, 0x07, 1, 2, 3)));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void aFifthPrefixByteOverFourBitsIsMalformed() {
        EmbeddedChannel channel = channel(Integer.MAX_VALUE);
        // 2^32 - 1 would need bit 32: not a varint32 (nor a negative int32's ten bytes)
        CorruptedFrameException malformed = assertThrows(CorruptedFrameException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(bytes(0xff, 0xff, 0xff, 0xff, 0x0f))));
        assertEquals("malformed length prefix: not a varint32", malformed.getMessage());
    }

    @Test
    void sixPrefixBytesAreMalformed() {
        EmbeddedChannel channel = channel(100);
        assertThrows(CorruptedFrameException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01))));
    }
}
