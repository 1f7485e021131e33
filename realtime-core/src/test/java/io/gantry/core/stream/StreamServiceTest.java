package io.gantry.core.stream;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.RouterHarness;
import io.gantry.core.RouterHarness.Client;
import io.gantry.core.session.SessionRegistry;
import io.gantry.runtime.Presence;
import io.gantry.runtime.StreamId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Custom streams as server code drives them: joins, leaves, sends, disconnects; on the test thread. */
class StreamServiceTest {

    private static final StreamId STREAM = new StreamId(StreamId.MIN_CUSTOM_MODE, "arena", "", "");

    private final RouterHarness harness = new RouterHarness();
    private final SessionRegistry sessions = new SessionRegistry();
    private StreamService streams;
    private Client alice;
    private Client bob;

    @BeforeEach
    void start() {
        streams = new StreamService(harness.router, sessions, "node1");
        harness.start();
        alice = harness.connect("alice");
        bob = harness.connect("bob");
        sessions.add(alice.session);
        sessions.add(bob.session);
    }

    @Test
    void aVisibleJoinIsAnnouncedToEveryMemberAndAHiddenOneIsNot() {
        assertTrue(streams.join(alice.session.id(), STREAM, false, false, "ready"));
        harness.drain();
        Envelope own = alice.takeOnly(e -> true);
        assertEquals("ready", own.getStreamPresenceEvent().getJoins(0).getStatus().getValue());
        assertEquals("arena", own.getStreamPresenceEvent().getStream().getSubject());

        assertTrue(streams.join(bob.session.id(), STREAM, true, false, null));
        harness.drain();
        assertEquals(List.of(), alice.take(), "hidden: nobody is told");
    }

    @Test
    void anUnknownSessionCannotJoin() {
        assertFalse(streams.join(UUID.randomUUID().toString(), STREAM, false, false, null));
        assertEquals(0, harness.drain());
    }

    @Test
    void dataGoesToEveryMemberOrOnlyToTheNamedOnes() {
        streams.join(alice.session.id(), STREAM, false, false, null);
        streams.join(bob.session.id(), STREAM, false, false, null);
        harness.drain();
        alice.take();
        bob.take();

        streams.send(STREAM, "all", null, null, true);
        harness.drain();
        assertEquals("all", alice.takeOnly(e -> true).getStreamData().getData());
        assertEquals("all", bob.takeOnly(e -> true).getStreamData().getData());

        streams.send(STREAM, "just bob", List.of(new Presence(bob.userId(), bob.session.id(), "bob", "node1")),
                new Presence(alice.userId(), alice.session.id(), "alice", "node1"), false);
        harness.drain();
        Envelope data = bob.takeOnly(e -> true);
        assertEquals("just bob", data.getStreamData().getData());
        assertEquals(alice.userId(), data.getStreamData().getSender().getUserId());
        assertEquals(List.of(), alice.take());
    }

    @Test
    void aLeaveAndADisconnectAreAnnouncedToWhoRemains() {
        Client carol = harness.connect("carol");
        sessions.add(carol.session);
        for (Client c : List.of(alice, bob, carol)) {
            streams.join(c.session.id(), STREAM, false, false, null);
        }
        harness.drain();
        alice.take();
        bob.take();

        streams.leave(carol.session.id(), STREAM);
        harness.drain();
        assertEquals(carol.userId(), alice.takeOnly(e -> true).getStreamPresenceEvent().getLeaves(0).getUserId());
        bob.take();

        bob.disconnect();
        assertEquals(bob.userId(), alice.takeOnly(e -> true).getStreamPresenceEvent().getLeaves(0).getUserId());

        streams.leave(carol.session.id(), STREAM);
        harness.drain();
        assertEquals(List.of(), alice.take(), "leaving twice announces nothing");
    }
}
