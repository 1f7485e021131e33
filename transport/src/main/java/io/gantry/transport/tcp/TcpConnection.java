package io.gantry.transport.tcp;

import com.heroiclabs.nakama.rtapi.Disconnect;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.proto.WireFormat;
import io.gantry.transport.ChannelConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * A TCP session's outbound half: each message is its protobuf bytes (shared by every recipient)
 * behind a varint32 length written into a small buffer of its own, so nothing is copied; the last
 * frame before a close is a {@code disconnect} envelope with the code and reason a WebSocket
 * close frame would carry. Flow control and slow consumers are {@link ChannelConnection}'s.
 */
final class TcpConnection extends ChannelConnection {

    TcpConnection(Channel channel, long slowConsumerTimeoutMs) {
        super(channel, slowConsumerTimeoutMs);
    }

    @Override
    protected void writeMessage(WireFormat format, byte[] bytes) {
        // a TCP session is always protobuf
        channel.write(prefix(channel, bytes.length), channel.voidPromise());
        channel.write(Unpooled.wrappedBuffer(bytes), channel.voidPromise());
    }

    @Override
    protected ChannelFuture writeClose(int closeCode, String reason) {
        return writeFrame(channel, disconnect(closeCode, reason));
    }

    /** Event loop: writes and flushes one whole frame. */
    static ChannelFuture writeFrame(Channel channel, byte[] envelope) {
        channel.write(prefix(channel, envelope.length), channel.voidPromise());
        return channel.writeAndFlush(Unpooled.wrappedBuffer(envelope));
    }

    static byte[] disconnect(int closeCode, String reason) {
        return Envelope.newBuilder()
                .setDisconnect(Disconnect.newBuilder().setCode(closeCode).setReason(reason))
                .build()
                .toByteArray();
    }

    /** The varint32 length prefix of a frame of {@code length} bytes. */
    static ByteBuf prefix(Channel channel, int length) {
        ByteBuf prefix = channel.alloc().buffer(5, 5);
        int value = length;
        while ((value & ~0x7f) != 0) {
            prefix.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        prefix.writeByte(value);
        return prefix;
    }
}
