package io.gantry.transport.ws;

import io.gantry.proto.WireFormat;
import io.gantry.transport.ChannelConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.nio.charset.StandardCharsets;

/**
 * A WebSocket session's outbound half: a text frame per JSON message, a binary frame per
 * protobuf one, and a close frame (code and reason, the reason cut to the 123 bytes a close
 * frame holds) at the end. Flow control and slow consumers are {@link ChannelConnection}'s.
 */
final class WebSocketConnection extends ChannelConnection {

    private static final int MAX_CLOSE_REASON_BYTES = 123;

    WebSocketConnection(Channel channel, long slowConsumerTimeoutMs) {
        super(channel, slowConsumerTimeoutMs);
    }

    @Override
    protected void writeMessage(WireFormat format, byte[] bytes) {
        channel.write(frame(format, bytes), channel.voidPromise());
    }

    @Override
    protected ChannelFuture writeClose(int closeCode, String reason) {
        if (closeCode == io.gantry.core.session.CloseCodes.NO_STATUS) {
            return channel.writeAndFlush(new CloseWebSocketFrame());   // an empty body: "no status code"
        }
        return channel.writeAndFlush(new CloseWebSocketFrame(closeCode, truncate(reason)));
    }

    static WebSocketFrame frame(WireFormat format, byte[] bytes) {
        return format == WireFormat.JSON
                ? new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        // cut on a character boundary
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }
}
