package io.gantry.client;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link TcpSocket#sendFrameInPlace}: the length prefix is written into the buffer's headroom and
 * the buffer itself goes out, for envelopes whose prefix takes 1 to 4 bytes. Driven on the test
 * thread over an {@link EmbeddedChannel}.
 */
class SendFrameInPlaceTest {

    private static TcpSocket openSocket(EmbeddedChannel channel) {
        TcpSocket socket = new TcpSocket((TcpSocket.FrameListener) (s, frame) -> {
        });
        socket.handshake(channel, Envelope.newBuilder().setCid("connect")
                .setConnect(Connect.newBuilder().setToken("t")).build());
        ReferenceCountUtil.release(channel.readOutbound()); // the connect frame
        return socket;
    }

    private static ByteBuf withHeadroom(byte[] envelope) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(TcpSocket.PREFIX_HEADROOM + envelope.length);
        buf.writerIndex(TcpSocket.PREFIX_HEADROOM).readerIndex(TcpSocket.PREFIX_HEADROOM);
        return buf.writeBytes(envelope);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100, 130, 16_370, 16_400, 2_097_200})
    void theLengthPrefixGoesIntoTheHeadroomAndTheBufferItselfIsWritten(int dataBytes) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        TcpSocket socket = openSocket(channel);
        Envelope sent = Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder().setMatchId("m.")
                .setOpCode(1).setData(ByteString.copyFrom(new byte[dataBytes]))).build();
        ByteBuf buf = withHeadroom(sent.toByteArray());

        socket.sendFrameInPlace(buf);

        ByteBuf out = channel.readOutbound();
        assertSame(buf, out, "one buffer, no copy");
        try (ByteBufInputStream in = new ByteBufInputStream(out, true)) {
            assertEquals(sent, Envelope.parseDelimitedFrom(in));
            assertEquals(0, in.available(), "nothing after the envelope");
        }
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }

    @Test
    void aBufferWithoutRoomForThePrefixIsRefusedAndReleased() {
        EmbeddedChannel channel = new EmbeddedChannel();
        TcpSocket socket = openSocket(channel);
        ByteBuf tight = PooledByteBufAllocator.DEFAULT.directBuffer(200);
        tight.writerIndex(1).readerIndex(1).writeBytes(new byte[150]); // 150 bytes need a 2-byte prefix

        assertThrows(IllegalArgumentException.class, () -> socket.sendFrameInPlace(tight));

        assertEquals(0, tight.refCnt(), "released");
        assertNull(channel.readOutbound(), "nothing written");
        channel.finishAndReleaseAll();
    }
}
