package io.gantry.persistence;

import io.gantry.persistence.FriendStore.AddResult;
import io.gantry.persistence.FriendStore.Edge;
import io.gantry.persistence.FriendStore.Page;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link FriendStore} must do: Nakama's edge states in both directions, block rules,
 * list order and cursors, counts. One subclass per implementation opens a fresh store on {@link #clock}.
 */
abstract class FriendStoreContract {

    static final String A = "00000000-0000-4000-8000-00000000000a";
    static final String B = "00000000-0000-4000-8000-00000000000b";
    static final String C = "00000000-0000-4000-8000-00000000000c";
    static final String D = "00000000-0000-4000-8000-00000000000d";
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    protected final MutableClock clock = new MutableClock(T0);
    protected FriendStore friends;

    protected abstract FriendStore open();

    protected abstract FriendStore reopen();

    protected abstract void close();

    @BeforeEach
    void openStore() {
        friends = open();
    }

    @AfterEach
    void closeStore() {
        close();
    }

    /** "other:state" for each edge of the user's whole list, in order. */
    List<String> states(String user) throws InvalidCursorException {
        List<String> out = new ArrayList<>();
        for (Edge e : friends.list(user, -1, 1000, null).edges()) {
            out.add(e.otherId().substring(34) + ":" + e.state());
        }
        return out;
    }

    @Test
    void anInviteIsSentOnOneSideAndReceivedOnTheOtherAndAcceptingMakesBothFriends() throws Exception {
        assertEquals(AddResult.INVITED, friends.add(A, B));
        assertEquals(List.of("0b:1"), states(A));
        assertEquals(List.of("0a:2"), states(B));
        Instant invited = friends.list(A, -1, 10, null).edges().get(0).updateTime();
        assertEquals(T0, invited);

        clock.advance(Duration.ofSeconds(1));
        assertEquals(AddResult.UNCHANGED, friends.add(A, B), "a repeated invite");
        assertEquals(invited, friends.list(A, -1, 10, null).edges().get(0).updateTime());

        assertEquals(FriendStore.INVITE_SENT, friends.state(A, B));
        assertEquals(FriendStore.INVITE_RECEIVED, friends.state(B, A));
        assertEquals(AddResult.ACCEPTED, friends.add(B, A));
        assertEquals(FriendStore.FRIEND, friends.state(A, B));
        assertEquals(List.of("0b:0"), states(A));
        assertEquals(List.of("0a:0"), states(B));
        assertEquals(T0.plusSeconds(1), friends.list(A, 0, 10, null).edges().get(0).updateTime());
        assertEquals(AddResult.UNCHANGED, friends.add(A, B), "already friends");
        assertEquals(1, friends.count(A));
        assertEquals(1, friends.count(B));
    }

    @Test
    void theListIsOrderedByStateThenPositionAndPagesWithCursorsOnlyWhenMoreFollow() throws Exception {
        friends.add(C, A);            // a: c received (2)
        clock.advance(Duration.ofSeconds(1));
        friends.add(A, B);            // a: b sent (1)
        clock.advance(Duration.ofSeconds(1));
        friends.add(A, D);            // a: d sent (1)
        clock.advance(Duration.ofSeconds(1));
        friends.add(A, C);            // accept c: friend (0), keeps c's position
        assertEquals(List.of("0c:0", "0b:1", "0d:1"), states(A));

        Page first = friends.list(A, -1, 2, null);
        assertEquals(2, first.edges().size());
        Page second = friends.list(A, -1, 2, first.cursor());
        assertEquals(List.of(D), second.edges().stream().map(Edge::otherId).toList());
        assertNull(second.cursor());
        assertNull(friends.list(A, 1, 2, null).cursor(), "a page filling the limit at the end has no cursor");
        assertEquals(List.of(B, D), friends.list(A, 1, 10, null).edges().stream().map(Edge::otherId).toList());
        assertEquals(List.of(), friends.list(A, 3, 10, null).edges());
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "AAAA", "x"})
    void aForgedCursorIsRefused(String cursor) {
        assertThrows(InvalidCursorException.class, () -> friends.list(A, -1, 10, cursor));
    }

    @Test
    void aCursorIsBoundToItsUserAndStateFilter() throws Exception {
        friends.add(A, B);
        friends.add(A, C);
        String cursor = friends.list(A, -1, 1, null).cursor();
        assertThrows(InvalidCursorException.class, () -> friends.list(B, -1, 1, cursor));
        assertThrows(InvalidCursorException.class, () -> friends.list(A, 1, 1, cursor));
        assertEquals(1, friends.list(A, -1, 1, cursor).edges().size());
    }

    @Test
    void blockingTurnsTheBlockersEdgeToBlockedAndDeletesTheOthersEdge() throws Exception {
        friends.add(A, B);
        friends.add(B, A);
        assertEquals(new FriendStore.Counts(false, true), friends.block(A, B), "a friend blocked: only b's count drops");
        assertEquals(new FriendStore.Counts(false, false), friends.block(A, B), "blocked again: nothing changes");
        assertEquals(new FriendStore.Counts(true, false), friends.block(A, C), "no edge before");
        friends.delete(A, C);
        assertEquals(List.of("0b:3"), states(A));
        assertEquals(List.of(), states(B));
        assertEquals(0, friends.count(B));

        assertEquals(FriendStore.BLOCKED, friends.state(A, B));
        assertEquals(-1, friends.state(B, A));
        assertEquals(-1, friends.state(A, D), "no edge");

        assertEquals(AddResult.UNCHANGED, friends.add(B, A), "the blocked user's invite does nothing");
        assertEquals(List.of(), states(B));
        assertEquals(AddResult.UNCHANGED, friends.add(A, B), "the blocker's invite leaves the block");
        assertEquals(List.of("0b:3"), states(A));

        friends.block(B, A);
        assertEquals(List.of("0a:3"), states(B));
        assertEquals(List.of("0b:3"), states(A), "mutual block");
        assertEquals(new FriendStore.Counts(true, false), friends.delete(B, A));
        assertEquals(List.of(), states(B));
        assertEquals(List.of("0b:3"), states(A), "unblocking removes only the caller's edge");
    }

    @Test
    void deleteRemovesBothDirectionsOfAFriendshipOrInvite() throws Exception {
        friends.add(A, B);
        assertEquals(new FriendStore.Counts(true, true), friends.delete(B, A), "rejecting an invite");
        assertEquals(List.of(), states(A));
        assertEquals(List.of(), states(B));
        assertEquals(new FriendStore.Counts(false, false), friends.delete(A, B));
        assertThrows(IllegalArgumentException.class, () -> friends.delete(A, A));
    }

    @Test
    void edgesSurviveAReopen() throws Exception {
        friends.add(A, B);
        friends = reopen();
        assertEquals(List.of("0b:1"), states(A));
        assertEquals(AddResult.ACCEPTED, friends.add(B, A));
    }
}
