package io.gantry.transport.ws;

import com.google.protobuf.util.JsonFormat;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.core.router.Router;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.proto.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.flow.FlowControlHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inbound half of a socket on Netty's {@link EmbeddedChannel} (the test thread is its event
 * loop): good frames reach the router, bad ones are answered with one {@code Error} carrying the
 * cid when it can be read and then closed, and reading stops at the high-water mark and resumes
 * at the low-water mark. A real router takes the requests; its handler only records them.
 */
class WebSocketSessionHandlerTest {

    private static final int POLICY_VIOLATION = 1008;
    private static final int UNSUPPORTED_DATA = 1003;
    private static final int MESSAGE_TOO_BIG = 1009;

    private Router router;
    /** Requests the router handled, with the session they came from. */
    private final LinkedBlockingQueue<Envelope> handled = new LinkedBlockingQueue<>();
    /** When set, the router's handler leaves its request in flight (as a durable write does). */
    private volatile boolean holdRequests;

    @BeforeEach
    void startRouter() {
        router = new Router(1024);
        router.register(Envelope.MessageCase.PING, (session, request) -> {
            if (holdRequests) {
                session.finishRequestLater();
            }
            handled.add(request);
        });
        router.start();
    }

    @AfterEach
    void stopRouter() {
        router.close();
    }

    /** A channel with the session handler behind a flow-control handler, as after an upgrade. */
    private record Socket(EmbeddedChannel channel, Session session) {
    }

    private Socket socket(WireFormat format, int highWater, int lowWater) {
        EmbeddedChannel channel = new EmbeddedChannel();
        WebSocketConnection connection = new WebSocketConnection(channel, 60_000);
        Session session = new Session("session-1", "user-1", "alice", Map.of(), format, "en", false,
                Long.MAX_VALUE, 64, highWater, lowWater, connection);
        connection.bind(session);
        channel.pipeline().addLast(new FlowControlHandler(),
                new WebSocketSessionHandler(session, connection, router, new SessionRegistry(), 60_000, 60_000));
        return new Socket(channel, session);
    }

    private Socket jsonSocket() {
        return socket(WireFormat.JSON, 16, 4);
    }

    private Envelope awaitHandled() throws InterruptedException {
        Envelope envelope = handled.poll(5, TimeUnit.SECONDS);
        assertNotNull(envelope, "the router got no request");
        return envelope;
    }

    /** The Error the socket was sent, then its close frame; returns the error. */
    private static Envelope assertErrorThenClose(Socket socket, int closeCode) throws Exception {
        socket.channel().runPendingTasks();
        WebSocketFrame reply = socket.channel().readOutbound();
        assertNotNull(reply, "an error frame was written");
        Envelope error;
        if (reply instanceof TextWebSocketFrame text) {
            Envelope.Builder builder = Envelope.newBuilder();
            JsonFormat.parser().merge(text.text(), builder);
            error = builder.build();
        } else {
            byte[] bytes = new byte[reply.content().readableBytes()];
            reply.content().readBytes(bytes);
            error = Envelope.parseFrom(bytes);
        }
        reply.release();
        assertEquals(Envelope.MessageCase.ERROR, error.getMessageCase(), error::toString);
        assertFalse(error.getError().getMessage().isEmpty(), error::toString);
        CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, socket.channel().readOutbound());
        assertEquals(closeCode, close.statusCode());
        close.release();
        assertTrue(socket.session().isClosed());
        assertFalse(socket.channel().isOpen(), "closed once the close frame is written");
        return error;
    }

    @Test
    void aGoodFrameReachesTheRouterAndNothingIsWritten() throws InterruptedException {
        Socket socket = jsonSocket();
        socket.channel().writeInbound(new TextWebSocketFrame("{\"cid\":\"1\",\"ping\":{}}"));
        Envelope request = awaitHandled();
        assertEquals("1", request.getCid());
        assertTrue(request.hasPing());
        socket.channel().runPendingTasks();
        assertNull(socket.channel().readOutbound());
        assertTrue(socket.channel().isOpen());
    }

    /** The handler reads a text frame's bytes where they are: an array slice, past a reader index, a direct buffer. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"array slice", "reader index", "direct"})
    void aGoodFrameIsReadFromItsBytesWhereverTheBufferHoldsThem(String where) throws InterruptedException {
        Socket socket = jsonSocket();
        byte[] frame = "{\"cid\":\"1\",\"ping\":{}}".getBytes(StandardCharsets.UTF_8);
        byte[] junk = "}}]]".getBytes(StandardCharsets.UTF_8); // bytes around the frame that would spoil it if read
        ByteBuf content = switch (where) {
            case "array slice" -> {
                byte[] padded = new byte[frame.length + 2 * junk.length];
                System.arraycopy(junk, 0, padded, 0, junk.length);
                System.arraycopy(frame, 0, padded, junk.length, frame.length);
                System.arraycopy(junk, 0, padded, junk.length + frame.length, junk.length);
                yield Unpooled.wrappedBuffer(padded, junk.length, frame.length);
            }
            case "reader index" -> {
                ByteBuf buffer = Unpooled.buffer(64).writeBytes(junk).writeBytes(frame);
                buffer.setBytes(buffer.writerIndex(), junk); // past the writer index
                yield buffer.readerIndex(junk.length);
            }
            default -> Unpooled.directBuffer(64).writeBytes(frame);
        };
        socket.channel().writeInbound(new TextWebSocketFrame(content));
        Envelope request = awaitHandled();
        assertEquals("1", request.getCid());
        assertTrue(request.hasPing());
        socket.channel().runPendingTasks();
        assertNull(socket.channel().readOutbound());
    }

    @Test
    void aGoodBinaryFrameOnAProtobufSocketReachesTheRouter() throws InterruptedException {
        Socket socket = socket(WireFormat.PROTOBUF, 16, 4);
        byte[] bytes = Envelope.newBuilder().setCid("2").setPing(Ping.getDefaultInstance()).build().toByteArray();
        socket.channel().writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
        assertEquals("2", awaitHandled().getCid());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # frame text                                        | cid | error code
            hello                                               | ``  | 1
            `{"cid":"5","ping":{},"bogus":1}`                   | 5   | 1
            `{"cid":"6","channel_join":{"type":"lots"}}`        | 6   | 1
            `{"cid":"7"}`                                       | 7   | 2
            `{"cid":"8","match_data":{}}`                       | 8   | 1
            `[1,2,3]`                                           | ``  | 1
            42                                                  | ``  | 1
            ``                                                  | ``  | 1
            `{"cid":"10","ping":{}} trailing`                   | 10  | 1
            `{"cid":11,"ping":{}}`                              | 11  | 1
            """)
    void aBadTextFrameIsAnErrorWithItsCidThenAClose(String text, String cid, int code) throws Exception {
        Socket socket = jsonSocket();
        socket.channel().writeInbound(new TextWebSocketFrame(text));
        Envelope error = assertErrorThenClose(socket, POLICY_VIOLATION);
        assertEquals(cid, error.getCid(), error::toString);
        assertEquals(code, error.getError().getCode(), error::toString);
        assertEquals(0, socket.session().requestsInFlight(), "nothing reached the router");
    }

    @Test
    void aBinaryFrameOnAJsonSocketIsUnsupportedData() throws Exception {
        Socket socket = jsonSocket();
        byte[] bytes = Envelope.newBuilder().setCid("12").setPing(Ping.getDefaultInstance()).build().toByteArray();
        socket.channel().writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
        Envelope error = assertErrorThenClose(socket, UNSUPPORTED_DATA);
        assertEquals(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, error.getError().getCode());
    }

    @Test
    void aTextFrameOnAProtobufSocketIsUnsupportedData() throws Exception {
        Socket socket = socket(WireFormat.PROTOBUF, 16, 4);
        socket.channel().writeInbound(new TextWebSocketFrame("{\"cid\":\"13\",\"ping\":{}}"));
        Envelope error = assertErrorThenClose(socket, UNSUPPORTED_DATA);
        assertEquals(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, error.getError().getCode());
    }

    @Test
    void undecodableProtobufIsAnError() throws Exception {
        Socket socket = socket(WireFormat.PROTOBUF, 16, 4);
        socket.channel().writeInbound(new BinaryWebSocketFrame(
                Unpooled.wrappedBuffer("this is not protobuf".getBytes(StandardCharsets.UTF_8))));
        Envelope error = assertErrorThenClose(socket, POLICY_VIOLATION);
        assertEquals(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, error.getError().getCode());
    }

    @Test
    void anOversizedFrameClosesWithMessageTooBig() {
        Socket socket = jsonSocket();
        // what the frame aggregator raises for a message over the limit
        socket.channel().pipeline().fireExceptionCaught(new TooLongFrameException("too long"));
        socket.channel().runPendingTasks();
        CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, socket.channel().readOutbound());
        assertEquals(MESSAGE_TOO_BIG, close.statusCode());
        close.release();
        assertTrue(socket.session().isClosed());
    }

    @Test
    void framesReadAfterABadOneAreIgnored() throws Exception {
        Socket socket = jsonSocket();
        // one read that decoded a bad frame and then a good one
        socket.channel().writeInbound(new TextWebSocketFrame("hello"), new TextWebSocketFrame("{\"cid\":\"1\",\"ping\":{}}"));
        assertErrorThenClose(socket, POLICY_VIOLATION);
        assertEquals(0, socket.session().requestsInFlight(), "a closed session publishes nothing");
        assertNull(socket.channel().readOutbound(), "one error, one close, nothing else");
    }

    @Test
    void readingStopsAtTheHighWaterMarkAndResumesAtTheLowWaterMark() throws InterruptedException {
        holdRequests = true;
        Socket socket = socket(WireFormat.JSON, 2, 1);
        EmbeddedChannel channel = socket.channel();
        assertTrue(channel.config().isAutoRead());

        channel.writeInbound(new TextWebSocketFrame("{\"cid\":\"1\",\"ping\":{}}"));
        assertTrue(channel.config().isAutoRead(), "one request in flight: under the high-water mark");
        channel.writeInbound(new TextWebSocketFrame("{\"cid\":\"2\",\"ping\":{}}"));
        assertFalse(channel.config().isAutoRead(), "two in flight: reading stops");
        assertTrue(socket.session().readsPaused());

        // a frame decoded from the last read waits in the flow-control handler, not the router
        channel.writeInbound(new TextWebSocketFrame("{\"cid\":\"3\",\"ping\":{}}"));
        assertEquals(2, socket.session().requestsInFlight());
        assertEquals("1", awaitHandled().getCid());
        assertEquals("2", awaitHandled().getCid());

        // one finishes (as a durable write's callback would): the backlog is at the low-water mark
        socket.session().requestFinished();
        channel.runPendingTasks(); // the wake-up the finisher asked for: a drain on the event loop
        // reading resumed, the held frame went on first, and its request brought the backlog back
        // to the high-water mark: reading stopped again
        assertEquals("3", awaitHandled().getCid());
        assertEquals(2, socket.session().requestsInFlight());
        assertFalse(channel.config().isAutoRead());

        socket.session().requestFinished();
        channel.runPendingTasks();
        assertTrue(channel.config().isAutoRead(), "reading resumed at the low-water mark");
        assertFalse(socket.session().readsPaused());
    }
}
