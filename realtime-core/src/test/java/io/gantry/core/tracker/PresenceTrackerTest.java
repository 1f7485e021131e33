package io.gantry.core.tracker;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.TestSessions;
import io.gantry.core.session.Session;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceTrackerTest {

    private final PresenceTracker tracker = new PresenceTracker();
    private final Stream room = new Stream(Stream.MODE_CHANNEL, "", "", "lobby");

    private static Session session() {
        return TestSessions.session(new TestSessions.Recording(), 16);
    }

    private static UserPresence presence(Session session) {
        return UserPresence.newBuilder().setUserId(session.userId()).setSessionId(session.id()).build();
    }

    @Test
    void trackingTwiceKeepsOnePresenceAndSaysItWasNotNew() {
        Session a = session();
        Presence first = tracker.track(a, room, presence(a), false);
        assertTrue(tracker.isNew(first));
        Presence again = tracker.track(a, room, presence(a), false);
        assertSame(first, again);
        assertFalse(tracker.isNew(again), "a second track of the latest presence is not a join");
        assertEquals(1, tracker.count(room));
    }

    @Test
    void membersKeepJoinOrderAndHiddenOnesAreNotListed() {
        Session a = session();
        Session b = session();
        Session c = session();
        tracker.track(a, room, presence(a), false);
        tracker.track(b, room, presence(b), true);
        tracker.track(c, room, presence(c), false);
        StreamMembers members = tracker.members(room);
        assertEquals(3, members.size());
        assertEquals(2, members.visibleSize());
        assertEquals(List.of(a.id(), c.id()), members.visiblePresences().stream().map(Presence::sessionId).toList());
        assertArrayEquals(new Session[]{a, b, c}, members.recipients(), "hidden members still receive");
    }

    @Test
    void theFanOutArrayIsRebuiltOnlyWhenMembershipChanges() {
        Session a = session();
        tracker.track(a, room, presence(a), false);
        StreamMembers members = tracker.members(room);
        Session[] first = members.recipients();
        assertSame(first, members.recipients());
        Session b = session();
        tracker.track(b, room, presence(b), false);
        assertEquals(2, members.recipients().length);
    }

    @Test
    void untrackAllTellsEachModesListenerAndEmptiesStreams() {
        Session a = session();
        Session b = session();
        Stream match = new Stream(Stream.MODE_MATCH_RELAYED, "m", "", "");
        Stream custom = new Stream(42, "s", "", "");
        List<String> told = new ArrayList<>();
        tracker.listen(Stream.MODE_CHANNEL, (remaining, left) -> told.add("channel:" + remaining.size()));
        tracker.listen(Stream.MODE_MATCH_RELAYED, (remaining, left) -> told.add("match:" + remaining.size()));
        tracker.listenCustom((remaining, left) -> told.add("custom:" + remaining.size()));
        tracker.track(a, room, presence(a), false);
        tracker.track(b, room, presence(b), false);
        tracker.track(a, match, presence(a), false);
        tracker.track(a, custom, presence(a), false);
        tracker.untrackAll(a);
        assertEquals(List.of("channel:1", "match:0", "custom:0"), told);
        assertNull(tracker.members(match), "an empty stream is forgotten");
        assertEquals(1, tracker.count(room));
        assertTrue(tracker.streamsOf(a).isEmpty());
    }

    @Test
    void untrackOfANonMemberIsNull() {
        Session a = session();
        assertNull(tracker.untrack(a, room));
    }
}
