package io.gantry.transport.tcp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.CodedInputStream;
import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.account.AccountService;
import io.gantry.core.auth.TokenService;
import io.gantry.core.router.HeartbeatHandlers;
import io.gantry.core.router.Router;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.gantry.transport.EdgeSettings;
import io.gantry.transport.http.Authenticator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.flow.FlowControlHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TCP transport's inbound side: any bytes, cut into any reads, before or after a valid
 * {@code connect}, through {@link FrameDecoder} and {@link TcpSessionHandler} (real token checks
 * over a real store, a real router driven by this thread). Whatever arrives, no exception escapes
 * the pipeline, everything the server writes is a well-formed sequence of frames, each a valid
 * envelope, the first one answering the handshake, and a connection the server closed ends with
 * one {@code disconnect}, written last.
 */
class TcpStreamFuzzTest {

    private static final String USER = "00000000-0000-4000-8000-00000000a11c";

    /** Shared by every input; built on the fuzzing thread, which is then the router thread. */
    private static final class Edge {
        static final TokenService TOKENS = new TokenService("a session key of 32 bytes or more", 3600,
                "a refresh key of 32 bytes or more", 7200, Clock.systemUTC());
        static final String TOKEN = TOKENS.issue(USER, "alice", Map.of()).token();
        static final SessionRegistry REGISTRY = new SessionRegistry();
        static final Router ROUTER = router();
        static final Authenticator AUTHENTICATOR = authenticator();
        static final EdgeSettings SETTINGS = EdgeSettings.defaults();

        private static Router router() {
            Router router = Router.drivenByCaller(1024);
            HeartbeatHandlers.register(router);
            router.start();
            return router;
        }

        private static Authenticator authenticator() {
            RocksStore store;
            try {
                store = RocksStore.open(Files.createTempDirectory("gantry-tcp-fuzz"), new StoreOptions(false, 4));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(store::close));
            return new Authenticator("defaultkey", "defaulthttpkey",
                    new AccountService(store.accounts(), TOKENS, REGISTRY, 7200, Clock.systemUTC()));
        }
    }

    @FuzzTest(maxDuration = "10m")
    void stream(FuzzedDataProvider data) throws IOException {
        boolean handshake = data.consumeBoolean();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(Edge.SETTINGS.maxMessageSize()),
                new FlowControlHandler(),
                new TcpSessionHandler(Edge.SETTINGS, Edge.AUTHENTICATOR, Edge.REGISTRY, Edge.ROUTER));
        try {
            if (handshake) {
                ByteArrayOutputStream connect = new ByteArrayOutputStream();
                Envelope.newBuilder().setCid("c").setConnect(Connect.newBuilder().setToken(Edge.TOKEN)).build()
                        .writeDelimitedTo(connect); // the varint32 length, then the envelope
                channel.writeInbound(Unpooled.wrappedBuffer(connect.toByteArray()));
            }
            while (data.remainingBytes() > 0 && channel.isOpen()) {
                byte[] read = data.consumeBytes(data.consumeInt(1, 64));
                channel.writeInbound(Unpooled.wrappedBuffer(read));
                Edge.ROUTER.drain();
                channel.runPendingTasks();
            }
            Edge.ROUTER.drain();
            channel.runPendingTasks();
            channel.checkException();

            List<Envelope> written = written(channel);
            if (handshake) {
                assertTrue(written.get(0).hasConnected(), written.get(0)::toString);
            }
            for (int i = 0; i < written.size() - 1; i++) {
                assertFalse(written.get(i).hasDisconnect(), "a frame after the disconnect: " + written);
            }
            if (!channel.isOpen()) {
                assertTrue(!written.isEmpty() && written.get(written.size() - 1).hasDisconnect(),
                        "closed without a disconnect: " + written);
            }
        } finally {
            channel.finishAndReleaseAll();
            Edge.ROUTER.drain(); // the disconnect, if a session opened
        }
        assertEquals(0, Edge.REGISTRY.size(), "a session outlived its connection");
    }

    /** Every frame the server wrote, decoded; fails on a partial frame or an invalid envelope. */
    private static List<Envelope> written(EmbeddedChannel channel) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) message;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
        CodedInputStream in = CodedInputStream.newInstance(out.toByteArray());
        List<Envelope> envelopes = new ArrayList<>();
        while (!in.isAtEnd()) {
            int length = in.readRawVarint32();
            envelopes.add(Envelope.parseFrom(in.readRawBytes(length)));
        }
        return envelopes;
    }
}
