package io.gantry.server.runtime;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.runtime.StreamId;
import io.gantry.runtime.Streams;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server code joins sockets to custom streams and sends to them, as Nakama's runtime does. */
@SocketScenario
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

    /** The RPC's answer and the socket's own join event, which may come in either order (as with Nakama). */
    private record Joined(String payload, Envelope ownJoin) {
    }

    /** Joins through the RPC; the socket must be joined by it (the RPC answers "true"). */
    private static Joined join(SocketClient socket, String subject) {
        String cid = socket.nextCid();
        socket.send(Envelope.newBuilder().setCid(cid).setRpc(com.heroiclabs.nakama.api.Rpc.newBuilder()
                .setId("join_stream").setPayload(subject)).build());
        String payload = null;
        Envelope ownJoin = null;
        while (payload == null || ownJoin == null) {
            Envelope next = socket.awaitEnvelope(e -> e.getCid().equals(cid) || e.hasStreamPresenceEvent());
            if (next.getCid().equals(cid)) {
                payload = next.getRpc().getPayload();
            } else {
                ownJoin = next;
            }
        }
        return new Joined(payload, ownJoin);
    }

    @Test
    void membersSeeJoinsDataAndLeaves() {
        Streams streams = server.server().serverApi().streams();
        StreamId stream = new StreamId(30, "lobby-" + System.nanoTime(), "", "");
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        try (SocketClient a = server.connect(alice); SocketClient b = server.connect(bob)) {
            Joined aliceJoined = join(a, stream.subject());
            assertEquals("true", aliceJoined.payload());
            Envelope ownJoin = aliceJoined.ownJoin();
            assertEquals(alice.userId(), ownJoin.getStreamPresenceEvent().getJoins(0).getUserId());
            assertEquals(30, ownJoin.getStreamPresenceEvent().getStream().getMode());

            Joined bobsOwn = join(b, stream.subject());
            assertEquals("true", bobsOwn.payload());
            assertEquals(bob.userId(), bobsOwn.ownJoin().getStreamPresenceEvent().getJoins(0).getUserId());
            Envelope bobJoined = a.awaitEnvelope(Envelope::hasStreamPresenceEvent);
            assertEquals(bob.userId(), bobJoined.getStreamPresenceEvent().getJoins(0).getUserId());

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
            a.assertNothingElse(); // the router sent to both in one task, before it answers a's ping

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
        try (SocketClient a = server.connect(alice)) {
            // join through the API from the test, with the session id read from a presence event
            SocketClient b = server.connect(bob);
            String cid = b.nextCid();
            b.send(Envelope.newBuilder().setCid(cid).setRpc(com.heroiclabs.nakama.api.Rpc.newBuilder()
                    .setId("join_stream").setPayload(subject.get())).build());
            b.awaitEnvelope(e -> e.getCid().equals(cid));
            assertEquals("true", join(a, "ignored-" + System.nanoTime()).payload());
            Streams streams = server.server().serverApi().streams();
            assertEquals(1, streams.members(new StreamId(30, subject.get(), "", "")).size());
            b.close();
            // bob's membership is dropped with his socket
            await().atMost(SocketClient.TIMEOUT).until(() -> streams.members(new StreamId(30, subject.get(), "", "")).isEmpty());
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
