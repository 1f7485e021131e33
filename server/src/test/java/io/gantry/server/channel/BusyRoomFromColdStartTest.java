package io.gantry.server.channel;

import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load that used to cut readers off: 200 members in one persistent room, 20 of them sending
 * at 20 Hz (400 sends/s, 80,000 deliveries/s), on a server just started. The group commit hands
 * each member its messages in bursts, and a cold server's event loops fall behind; none of that
 * is the readers' doing, and none of them is cut off: every member receives every one of the
 * 4,000 messages, exactly once, and every sender gets its 200 acks. The members are read by one
 * Netty event loop that only looks at the first bytes of each frame, so the test's own client
 * keeps up on a small machine. Bounded by counts, not by time: no sleeps, no timing assertions.
 */
class BusyRoomFromColdStartTest {

    private static final int MEMBERS = 200;
    private static final int SENDERS = 20;
    private static final int EACH = 200;
    private static final long PERIOD_MS = 50; // 20 Hz per sender
    private static final int TOTAL = SENDERS * EACH;

    private static final byte[] MESSAGE = "{\"channel_message\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JOINED = "{\"cid\":\"join\",\"channel\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = "{\"cid\":\"s".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "{\"cid\":\"barrier\",\"pong\":".getBytes(StandardCharsets.US_ASCII);

    /** One member's socket; counts on its event loop, read from the test thread. */
    private static final class Member extends SimpleChannelInboundHandler<WebSocketFrame> {
        final CompletableFuture<Void> open = new CompletableFuture<>();
        final CompletableFuture<Void> joined = new CompletableFuture<>();
        final CompletableFuture<Void> pong = new CompletableFuture<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final CountDownLatch allReceived;
        final CountDownLatch allAcked;
        // written by this channel's event loop only
        volatile int messages;
        volatile int acks;
        Channel channel;
        volatile int sent; // written by the pacer thread only

        Member(CountDownLatch allReceived, CountDownLatch allAcked) {
            this.allReceived = allReceived;
            this.allAcked = allAcked;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                open.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                closed.complete("close frame " + close.statusCode() + " " + close.reasonText());
                return;
            }
            if (!(frame instanceof TextWebSocketFrame)) {
                return;
            }
            ByteBuf text = frame.content();
            if (startsWith(text, MESSAGE)) {
                if (++messages == TOTAL) {
                    allReceived.countDown();
                }
            } else if (startsWith(text, ACK)) {
                String reply = text.toString(StandardCharsets.UTF_8);
                if (!reply.contains("\"channel_message_ack\":")) {
                    closed.complete("a send was refused: " + reply);
                } else if (++acks == EACH) {
                    allAcked.countDown();
                }
            } else if (startsWith(text, JOINED)) {
                joined.complete(null);
            } else if (startsWith(text, PONG)) {
                pong.complete(null);
            } else if (text.toString(StandardCharsets.UTF_8).contains("\"error\":")) {
                closed.complete("error: " + text.toString(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete("connection closed");
            open.completeExceptionally(new IllegalStateException("closed before the handshake"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closed.complete("failed: " + cause);
            ctx.close();
        }

        void send(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }

        private static boolean startsWith(ByteBuf buf, byte[] prefix) {
            if (buf.readableBytes() < prefix.length) {
                return false;
            }
            int at = buf.readerIndex();
            for (int i = 0; i < prefix.length; i++) {
                if (buf.getByte(at + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void twoHundredMembersAtFourHundredSendsASecondAreNeverCutOff() throws Exception {
        String room = "busy-cold";
        String channelId = "2..." + room;
        EventLoopGroup loop = new NioEventLoopGroup(1);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        List<Member> members = new ArrayList<>();
        try (TestServer server = TestServer.start()) {
            CountDownLatch allReceived = new CountDownLatch(MEMBERS);
            CountDownLatch allAcked = new CountDownLatch(SENDERS);
            for (int i = 0; i < MEMBERS; i++) {
                members.add(connect(loop, server, server.newUser(), new Member(allReceived, allAcked)));
            }
            for (Member member : members) {
                member.open.get(20, TimeUnit.SECONDS);
                member.send("{\"cid\":\"join\",\"channel_join\":{\"target\":\"" + room + "\",\"type\":1,\"persistence\":true}}");
            }
            for (Member member : members) {
                member.joined.get(20, TimeUnit.SECONDS);
            }

            List<Member> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                senders.add(members.get(s * (MEMBERS / SENDERS)));
            }
            // One tick every 2.5 ms, each sender in turn: 400 sends a second in all.
            long tickMicros = PERIOD_MS * 1000 / SENDERS;
            int[] tick = {0};
            ScheduledFuture<?> sending = pacer.scheduleAtFixedRate(() -> {
                int s = tick[0]++ % SENDERS;
                Member sender = senders.get(s);
                if (sender.sent < EACH) {
                    int seq = sender.sent++;
                    sender.send("{\"cid\":\"s" + seq + "\",\"channel_message_send\":{\"channel_id\":\"" + channelId
                            + "\",\"content\":\"{\\\"s\\\":" + s + ",\\\"i\\\":" + seq + "}\"}}");
                }
            }, 0, tickMicros, TimeUnit.MICROSECONDS);

            boolean received = allReceived.await(60, TimeUnit.SECONDS);
            boolean acked = allAcked.await(20, TimeUnit.SECONDS);
            sending.cancel(false);
            for (int i = 0; i < MEMBERS; i++) {
                Member member = members.get(i);
                int index = i;
                assertFalse(member.closed.isDone(), () -> "member " + index + " was cut off (" + member.closed.join()
                        + ") after " + member.messages + " of " + TOTAL + " messages");
            }
            assertTrue(received, () -> "not every member received every message; the fewest: "
                    + members.stream().mapToInt(m -> m.messages).min().orElse(0));
            assertTrue(acked, () -> "not every sender got its acks; the fewest: "
                    + senders.stream().mapToInt(m -> m.acks).min().orElse(0));

            // Everything is delivered and acknowledged; a pong after it shows that nothing more (no
            // duplicate) was on its way, and that every socket is still open.
            for (Member member : members) {
                member.send("{\"cid\":\"barrier\",\"ping\":{}}");
            }
            for (Member member : members) {
                member.pong.get(20, TimeUnit.SECONDS);
                assertEquals(TOTAL, member.messages, "every message exactly once");
                assertFalse(member.closed.isDone());
            }
            for (Member sender : senders) {
                assertEquals(EACH, sender.sent);
                assertEquals(EACH, sender.acks, "a sender's acks, once each");
            }
        } finally {
            pacer.shutdownNow();
            for (Member member : members) {
                if (member.channel != null) {
                    member.channel.close();
                }
            }
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static Member connect(EventLoopGroup loop, TestServer server, TestUser user, Member member)
            throws InterruptedException {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/ws?lang=en&status=false&format=json&token="
                + URLEncoder.encode(user.token(), StandardCharsets.UTF_8));
        WebSocketClientProtocolHandler protocol = new WebSocketClientProtocolHandler(
                WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
                        new DefaultHttpHeaders(), 65536));
        member.channel = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536), protocol, member);
                    }
                })
                .connect("127.0.0.1", uri.getPort())
                .sync()
                .channel();
        return member;
    }
}
