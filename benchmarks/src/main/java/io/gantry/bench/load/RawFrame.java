package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds a whole client WebSocket frame (header, zero masking key, payload) in one pooled
 * buffer, so the hot path writes a {@link ByteBuf} straight to the socket: no frame object, no
 * second buffer, no masking copy. A client frame must be masked (RFC 6455 §5.3); the key chosen
 * here is 0, under which the payload is unchanged. The header space is reserved first and the
 * header written in place once the payload length is known.
 */
final class RawFrame {
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    private static final int RESERVED = 14; // 2 + 8 (64-bit length) + 4 (mask)

    private RawFrame() {
    }

    static ByteBuf begin(ByteBufAllocator alloc, int payloadHint) {
        ByteBuf buf = alloc.directBuffer(RESERVED + payloadHint);
        buf.writerIndex(RESERVED);
        buf.readerIndex(RESERVED);
        return buf;
    }

    static ByteBuf finish(ByteBuf buf, int opcode) {
        int len = buf.writerIndex() - RESERVED;
        int start;
        if (len < 126) {
            start = RESERVED - 6;
            buf.setByte(start + 1, 0x80 | len);
        } else if (len < 65536) {
            start = RESERVED - 8;
            buf.setByte(start + 1, 0x80 | 126);
            buf.setShort(start + 2, len);
        } else {
            start = 0;
            buf.setByte(start + 1, 0x80 | 127);
            buf.setLong(start + 2, len);
        }
        buf.setByte(start, 0x80 | opcode); // FIN + opcode
        buf.setInt(RESERVED - 4, 0);       // masking key 0
        buf.readerIndex(start);
        return buf;
    }
}
