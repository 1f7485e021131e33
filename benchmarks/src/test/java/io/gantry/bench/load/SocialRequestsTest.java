package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The social scenario's pools and request sources, driven on the test thread. */
class SocialRequestsTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 7, 10, 51})
    void theFriendPoolHoldsEveryPairOnceAndNoSelfPair(int users) {
        SocialRequests.FriendPairs p = new SocialRequests.FriendPairs(users);
        Set<Long> seen = new HashSet<>();
        for (long g = 0; g < p.capacity(); g++) {
            int i = p.first(g);
            int j = p.second(g);
            assertTrue(i >= 0 && i < users && j >= 0 && j < users, "in range: " + i + ", " + j);
            assertNotEquals(i, j, "no user befriends itself");
            assertTrue(seen.add((long) Math.min(i, j) * users + Math.max(i, j)), "pair " + i + "-" + j + " repeats at " + g);
        }
        // every unordered pair but, for an even count, the users half-way round (U/2 of them)
        assertEquals((long) users * (users - 1) / 2 - (users % 2 == 0 ? users / 2 : 0), seen.size());
    }

    @ParameterizedTest
    @CsvSource({"10,2", "10,8", "256,20", "21,20"})
    void theFirstPairsGiveEveryUserExactlyThatManyFriends(int users, int friends) {
        SocialRequests.FriendPairs p = new SocialRequests.FriendPairs(users);
        int[] count = new int[users];
        for (long g = 0; g < p.withFriendsEach(friends); g++) {
            count[p.first(g)]++;
            count[p.second(g)]++;
        }
        for (int c : count) {
            assertEquals(friends, c);
        }
    }

    @ParameterizedTest
    @CsvSource({"10,3", "10,10", "4,4"})
    void anOddOrTooLargeFriendCountIsRefused(int users, int friends) {
        assertThrows(IllegalArgumentException.class, () -> new SocialRequests.FriendPairs(users).withFriendsEach(friends));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "5,3", "3,5", "1000,7"})
    void theJoinPoolHoldsEveryUserGroupPairOnce(int users, int groups) {
        SocialRequests.JoinPairs p = new SocialRequests.JoinPairs(users, groups);
        Set<Long> seen = new HashSet<>();
        for (long g = 0; g < p.capacity(); g++) {
            assertTrue(seen.add((long) p.user(g) * groups + p.group(g)), "repeats at " + g);
        }
        assertEquals((long) users * groups, seen.size());
    }

    private static ByteBuf[] tagged(String prefix, int n) {
        ByteBuf[] out = new ByteBuf[n];
        for (int k = 0; k < n; k++) {
            out[k] = StorageRequests.buf(prefix + k);
        }
        return out;
    }

    private static String text(RestLoad.Req r) {
        return r.head().toString(StandardCharsets.UTF_8) + "|" + r.body().toString(StandardCharsets.UTF_8);
    }

    @Test
    void aConnectionSendsEachInviteAndThenItsAcceptFromTheOtherSide() {
        SocialRequests.FriendPairs p = new SocialRequests.FriendPairs(5);
        List<Long> ranOut = new ArrayList<>();
        RestLoad.Source s = SocialRequests.friendSource(p, p.capacity(), tagged("add:", 5), tagged("as:", 5), 3, ranOut::add);
        Set<String> all = new HashSet<>();
        for (int c = 0; c < 3; c++) {
            for (long seq = 0; ; seq += 2) {
                RestLoad.Req invite = s.next(c, seq);
                if (invite == null) {
                    break;
                }
                long g = c + (seq / 2) * 3;
                int i = p.first(g);
                int j = p.second(g);
                assertEquals("add:" + j + "|as:" + i, text(invite), "the invite: i adds j");
                assertEquals("add:" + i + "|as:" + j, text(s.next(c, seq + 1)), "the accept: j adds i");
                assertTrue(all.add(text(invite)));
                assertEquals(0, invite.expectKeys());
            }
        }
        assertEquals(p.capacity(), all.size(), "every pair sent once over the three connections");
        assertEquals(3, ranOut.size(), "each connection reports that the pool ran out");
    }

    @Test
    void joinsStopAtTheLimitAndSayWhere() {
        SocialRequests.JoinPairs p = new SocialRequests.JoinPairs(2, 3);
        List<Long> ranOut = new ArrayList<>();
        RestLoad.Source s = SocialRequests.joinSource(p, 4, tagged("join:", 3), tagged("as:", 2), 2, ranOut::add);
        assertEquals("join:0|as:0", text(s.next(0, 0)));
        assertEquals("join:1|as:1", text(s.next(1, 0)));
        assertEquals("join:1|as:0", text(s.next(0, 1)));
        assertEquals("join:2|as:1", text(s.next(1, 1)));
        assertNull(s.next(0, 2));
        assertEquals(List.of(4L), ranOut);
    }

    @Test
    void headersEndTheHeadAndOnlyPostsCarryAnEmptyBodyLength() {
        assertEquals("Host: h:1\r\nAuthorization: Bearer t\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n",
                SocialRequests.headers("h:1", "t", true));
        assertEquals("Host: h:1\r\nAuthorization: Bearer t\r\nAccept: application/json\r\n\r\n",
                SocialRequests.headers("h:1", "t", false));
        assertEquals("GET /v2/group/g1/user?limit=100 HTTP/1.1\r\n",
                SocialRequests.line("GET", SocialRequests.groupUsersPath("g1", 100)).toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a\"b", "a\\b"})
    void aMarkerIsAPlainFieldName(String name) {
        assertThrows(IllegalArgumentException.class, () -> RestLoad.marker(name));
    }
}
