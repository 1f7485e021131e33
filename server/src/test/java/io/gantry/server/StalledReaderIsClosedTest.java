package io.gantry.server;

import com.google.protobuf.BoolValue;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.ChannelMessageSend;
import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.RawTcp;
import io.gantry.server.testing.RawWebSocket;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A socket that joins a busy room and then never reads (a plain TCP socket doing the WebSocket
 * upgrade by hand, or a TCP transport connection doing its handshake by hand, with a small
 * receive buffer) is closed as a slow consumer, while the other members of the
 * room receive every message and stay connected. Two ways there: the socket stays unwritable for
 * {@code socket.slow_consumer_timeout_ms} (the rule), or, with a small queue and a long timeout,
 * its queue fills first (the memory bound). Either way the server ends the connection, with a reset
 * since the client is not reading: the client's reads end, or fail with the reset; a close frame
 * (a {@code disconnect} on TCP), if one got through, says 1008. (3 KB messages fill the server's autotuned send buffer, a few
 * megabytes on loopback, in a few hundred sends.)
 */
class StalledReaderIsClosedTest {

    /** Messages per round: sent pipelined, then counted by every reader before the next round. */
    private static final int ROUND = 25;
    /** Far more rounds than either way needs; only a server that never closes the socket gets here. */
    private static final int MAX_ROUNDS = 400;
    private static final String CONTENT = "{\"p\":\"" + "x".repeat(3000) + "\"}";

    enum Way {
        DEADLINE(config -> config.with(ConfigKeys.SOCKET_SLOW_CONSUMER_TIMEOUT_MS, 300L)),
        FULL_QUEUE(config -> config
                .with(ConfigKeys.SOCKET_SLOW_CONSUMER_TIMEOUT_MS, 600_000L)
                .with(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE, 256)
                .with(ConfigKeys.SOCKET_OUTGOING_HIGH_WATER, 64)
                .with(ConfigKeys.SOCKET_OUTGOING_LOW_WATER, 16));

        final UnaryOperator<Config> config;

        Way(UnaryOperator<Config> config) {
            this.config = config;
        }
    }

    /** The client that stops reading: what it takes to join the room and, at the end, to drain it. */
    interface StalledClient extends AutoCloseable {
        /** Reads what the connection had buffered: it must end, and any closing frame must say 1008. */
        void assertDropped() throws IOException;

        @Override
        void close() throws IOException;
    }

    enum Transport {
        WEBSOCKET {
            @Override
            StalledClient connectAndJoin(TestServer server, TestUser user, String room) throws IOException {
                RawWebSocket stalled = RawWebSocket.open(server.port(),
                        "/ws?format=json&status=false&token=" + user.token(), 4096);
                assertEquals(101, stalled.readHead().status());
                stalled.sendText("{\"cid\":\"1\",\"channel_join\":{\"target\":\"" + room
                        + "\",\"type\":1,\"persistence\":false}}");
                return new StalledClient() {
                    @Override
                    public void assertDropped() throws IOException {
                        StalledReaderIsClosedTest.assertDropped(stalled);
                    }

                    @Override
                    public void close() throws IOException {
                        stalled.close();
                    }
                };
            }
        },
        TCP {
            @Override
            StalledClient connectAndJoin(TestServer server, TestUser user, String room) {
                RawTcp stalled = RawTcp.open(server.tcpPort(), 4096);
                stalled.send(Envelope.newBuilder().setCid("c")
                        .setConnect(Connect.newBuilder().setToken(user.token())).build());
                stalled.send(StalledReaderIsClosedTest.join("1", room, false));
                return new StalledClient() {
                    @Override
                    public void assertDropped() {
                        Envelope last = stalled.readToEnd();
                        if (last != null && last.hasDisconnect()) {
                            assertEquals(1008, last.getDisconnect().getCode());
                        }
                    }

                    @Override
                    public void close() {
                        stalled.close();
                    }
                };
            }
        };

        /** Connects the user and sends its join (the reply is never read). */
        abstract StalledClient connectAndJoin(TestServer server, TestUser user, String room) throws IOException;
    }

    static Stream<Arguments> waysAndTransports() {
        return Stream.of(Way.values()).flatMap(way -> Stream.of(Transport.values()).map(t -> Arguments.of(way, t)));
    }

    /** A member of the room that reads promptly and counts what it gets. */
    private static final class Reader {
        final SocketClient ws;
        int messages;
        boolean sawLeave;

        Reader(SocketClient ws) {
            this.ws = ws;
        }

        /** Reads until {@code total} messages have arrived in all; notes the stalled user's leave. */
        void readUntil(int total, String stalledUserId) {
            while (messages < total) {
                onFrame(ws.nextEnvelope(), stalledUserId);
            }
        }

        void readUntilLeave(String stalledUserId) {
            while (!sawLeave) {
                onFrame(ws.nextEnvelope(), stalledUserId);
            }
        }

        private void onFrame(Envelope envelope, String stalledUserId) {
            if (envelope.hasChannelMessage()) {
                messages++;
            } else if (envelope.hasChannelPresenceEvent() && envelope.getChannelPresenceEvent().getLeavesList().stream()
                    .anyMatch(p -> p.getUserId().equals(stalledUserId))) {
                sawLeave = true;
            } else if (!envelope.hasChannelMessageAck()) {
                fail("a reader got " + envelope);
            }
        }
    }

    private static Envelope join(String cid, String room, boolean hidden) {
        return Envelope.newBuilder().setCid(cid).setChannelJoin(ChannelJoin.newBuilder().setTarget(room).setType(1)
                .setPersistence(BoolValue.of(false)).setHidden(BoolValue.of(hidden))).build();
    }

    private static String joinOk(SocketClient ws, String room, boolean hidden) {
        String cid = ws.nextCid();
        ws.send(join(cid, room, hidden));
        Envelope reply = ws.awaitEnvelope(e -> e.getCid().equals(cid));
        assertTrue(reply.hasChannel(), reply::toString);
        return reply.getChannel().getId();
    }

    private static Envelope awaitJoinOf(SocketClient ws, String userId) {
        return ws.awaitEnvelope(e -> e.hasChannelPresenceEvent() && e.getChannelPresenceEvent().getJoinsList().stream()
                .anyMatch(p -> p.getUserId().equals(userId)));
    }

    @ParameterizedTest
    @MethodSource("waysAndTransports")
    void aSocketThatNeverReadsIsClosedWhileTheOthersReceiveEverything(Way way, Transport transport) throws Exception {
        String room = "stall-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestServer server = TestServer.start(way.config)) {
            List<Reader> readers = new ArrayList<>();
            try {
                String channelId = null;
                for (int i = 0; i < 3; i++) {
                    TestUser user = server.newUser();
                    Reader reader = new Reader(server.connect(user));
                    readers.add(reader);
                    channelId = joinOk(reader.ws, room, false);
                    awaitJoinOf(reader.ws, user.userId());
                    for (Reader earlier : readers.subList(0, i)) {
                        awaitJoinOf(earlier.ws, user.userId());
                    }
                }
                Reader sender = new Reader(server.connect(server.newUser()));
                readers.add(sender); // hidden (nobody sees it) but it sees the others, and its own messages
                joinOk(sender.ws, room, true);

                TestUser stalledUser = server.newUser();
                try (StalledClient stalled = transport.connectAndJoin(server, stalledUser, room)) {
                    // from here on it never reads; its join is in when the others see it
                    for (Reader reader : readers) {
                        awaitJoinOf(reader.ws, stalledUser.userId());
                    }

                    int sent = 0;
                    int rounds = 0;
                    while (!readers.get(0).sawLeave) {
                        assertTrue(++rounds <= MAX_ROUNDS, "the stalled socket was never closed; "
                                + sent + " messages sent");
                        for (int i = 0; i < ROUND; i++) {
                            sender.ws.send(Envelope.newBuilder().setCid(sender.ws.nextCid()).setChannelMessageSend(
                                    ChannelMessageSend.newBuilder().setChannelId(channelId).setContent(CONTENT)).build());
                        }
                        sent += ROUND;
                        for (Reader reader : readers) {
                            reader.readUntil(sent, stalledUser.userId());
                        }
                    }
                    for (Reader reader : readers) {
                        reader.readUntilLeave(stalledUser.userId());
                    }
                    for (Reader reader : readers) {
                        assertEquals(sent, reader.messages, "every message reached every reader");
                        assertFalse(reader.ws.isClosed(), "a reader was closed");
                        reader.ws.send(Envelope.newBuilder().setCid("barrier").setPing(Ping.getDefaultInstance()).build());
                        Envelope next = reader.ws.awaitEnvelope(e -> !e.hasChannelMessageAck());
                        assertTrue(next.hasPong(), () -> "expected the pong, got " + next);
                    }
                    stalled.assertDropped();
                }
            } finally {
                readers.forEach(reader -> reader.ws.close());
            }
        }
    }

    /** Reads what the stalled socket had buffered: it must end, and any close frame must say 1008. */
    private static void assertDropped(RawWebSocket stalled) throws IOException {
        try {
            for (RawWebSocket.Frame frame = stalled.readFrame(); frame != null; frame = stalled.readFrame()) {
                if (frame.opcode() == RawWebSocket.Frame.CLOSE) {
                    assertEquals(1008, frame.closeCode());
                }
            }
        } catch (SocketException reset) {
            // dropped with data unread on our side: as good as the end of the stream
        }
    }
}
