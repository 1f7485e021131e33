package io.gantry.server.runtime;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.runtime.StreamId;
import io.gantry.runtime.Streams;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server code joins sockets to custom streams and sends to them, as Nakama's runtime does. */
class CustomStreamTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r.rpc("join_stream", (ctx, payload) -> {
            boolean joined = ctx.server().streams().join(ctx.sessionId(), new StreamId(30, payload, "", ""), false, false, null);
            return Boolean.toString(joined);
        }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String join(WsClient socket, String subject) {
        String cid = socket.nextCid();
        socket.send(Envelope.newBuilder().setCid(cid).setRpc(com.heroiclabs.nakama.api.Rpc.newBuilder()
                .setId("join_stream").setPayload(subject)).build());
        return socket.awaitEnvelope(e -> e.getCid().equals(cid)).getRpc().getPayload();
    }

    @Test
    void membersSeeJoinsDataAndLeaves() {
        Streams streams = server.server().serverApi().streams();
        StreamId stream = new StreamId(30, "lobby-" + System.nanoTime(), "", "");
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        try (WsClient a = server.connect(alice); WsClient b = server.connect(bob)) {
            assertEquals("true", join(a, stream.subject()));
            Envelope ownJoin = a.awaitEnvelope(Envelope::hasStreamPresenceEvent);
            assertEquals(alice.userId(), ownJoin.getStreamPresenceEvent().getJoins(0).getUserId());
            assertEquals(30, ownJoin.getStreamPresenceEvent().getStream().getMode());

            assertEquals("true", join(b, stream.subject()));
            Envelope bobJoined = a.awaitEnvelope(Envelope::hasStreamPresenceEvent);
            assertEquals(bob.userId(), bobJoined.getStreamPresenceEvent().getJoins(0).getUserId());
            b.awaitEnvelope(Envelope::hasStreamPresenceEvent);

            List<io.gantry.runtime.Presence> members = streams.members(stream);
            assertEquals(2, members.size());

            streams.send(stream, "{\"round\":1}", null, null, true);
            assertEquals("{\"round\":1}", a.awaitEnvelope(Envelope::hasStreamData).getStreamData().getData());
            Envelope toBob = b.awaitEnvelope(Envelope::hasStreamData);
            assertEquals(stream.subject(), toBob.getStreamData().getStream().getSubject());
            assertTrue(toBob.getStreamData().getReliable());

            // to one member only
            io.gantry.runtime.Presence bobPresence = members.stream().filter(p -> p.userId().equals(bob.userId())).findFirst().orElseThrow();
            streams.send(stream, "just bob", List.of(bobPresence), null, false);
            assertEquals("just bob", b.awaitEnvelope(Envelope::hasStreamData).getStreamData().getData());
            a.expectSilence(Duration.ofMillis(300));

            streams.leave(bobPresence.sessionId(), stream);
            Envelope bobLeft = a.awaitEnvelope(Envelope::hasStreamPresenceEvent);
            assertEquals(bob.userId(), bobLeft.getStreamPresenceEvent().getLeaves(0).getUserId());
        }
    }

    @Test
    void aDisconnectIsALeave() {
        StreamId stream = new StreamId(31, "room-" + System.nanoTime(), "", "");
        AtomicReference<String> subject = new AtomicReference<>(stream.subject());
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        try (WsClient a = server.connect(alice)) {
            // join through the API from the test, with the session id read from a presence event
            WsClient b = server.connect(bob);
            String cid = b.nextCid();
            b.send(Envelope.newBuilder().setCid(cid).setRpc(com.heroiclabs.nakama.api.Rpc.newBuilder()
                    .setId("join_stream").setPayload(subject.get())).build());
            b.awaitEnvelope(e -> e.getCid().equals(cid));
            assertEquals("true", join(a, "ignored-" + System.nanoTime()));
            Streams streams = server.server().serverApi().streams();
            assertEquals(1, streams.members(new StreamId(30, subject.get(), "", "")).size());
            b.close();
            // bob's membership is dropped with his socket
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!streams.members(new StreamId(30, subject.get(), "", "")).isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(streams.members(new StreamId(30, subject.get(), "", "")).isEmpty());
        }
    }

    @Test
    void joiningAnUnknownSessionIsRefused() {
        assertFalse(server.server().serverApi().streams().join("no-such-session", new StreamId(40, "x", "", ""), false, false, null));
    }

    @Test
    void gantrysOwnModesAreNotCustomStreams() {
        assertThrows(IllegalArgumentException.class, () -> new StreamId(2, "lobby", "", ""));
    }
}
