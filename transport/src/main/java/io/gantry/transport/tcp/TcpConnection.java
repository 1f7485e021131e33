package io.gantry.transport.tcp;

import com.heroiclabs.nakama.rtapi.Disconnect;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.proto.WireFormat;
import io.gantry.transport.ChannelConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * A TCP session's outbound half: each message is its protobuf bytes (encoded once, shared by
 * every recipient) behind a varint32 length, copied together into one pooled direct buffer: the
 * copy is the one the kernel write needs anyway (a heap buffer would be copied into a direct one
 * by the transport), and one buffer per message is one outbound entry and one iovec. The last
 * frame before a close is a {@code disconnect} envelope with the code and reason a WebSocket close
 * frame would carry. Flow control and slow consumers are {@link ChannelConnection}'s.
 */
final class TcpConnection extends ChannelConnection {

    TcpConnection(Channel channel, long slowConsumerTimeoutMs) {
        super(channel, slowConsumerTimeoutMs);
    }

    @Override
    protected void writeMessage(WireFormat format, byte[] bytes) {
        // a TCP session is always protobuf
        channel.write(frame(channel, bytes), channel.voidPromise());
    }

    @Override
    protected ChannelFuture writeClose(int closeCode, String reason) {
        return writeFrame(channel, disconnect(closeCode, reason));
    }

    /** Event loop: writes and flushes one whole frame. */
    static ChannelFuture writeFrame(Channel channel, byte[] envelope) {
        return channel.writeAndFlush(frame(channel, envelope));
    }

    static byte[] disconnect(int closeCode, String reason) {
        return Envelope.newBuilder()
                .setDisconnect(Disconnect.newBuilder().setCode(closeCode).setReason(reason))
                .build()
                .toByteArray();
    }

    /** A frame: the varint32 length of the envelope, then the envelope, in one pooled direct buffer. */
    static ByteBuf frame(Channel channel, byte[] envelope) {
        ByteBuf frame = channel.alloc().directBuffer(5 + envelope.length);
        int value = envelope.length;
        while ((value & ~0x7f) != 0) {
            frame.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        frame.writeByte(value);
        frame.writeBytes(envelope);
        return frame;
    }
}
