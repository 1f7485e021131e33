package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * The pre-encoded REST requests of the {@code social} scenario (Nakama's {@code /v2/friend} and
 * {@code /v2/group} calls) and the pools that say which pair a request is for, so that no pair
 * is used twice and every measured request does real work.
 *
 * <p>A request is two buffers written in order ({@link RestLoad.Req}): the request line, one per
 * target (a user to add, a group to join or list), and the caller's headers (host, bearer token),
 * one per user. Both are built once before the run; a request allocates only its record.
 *
 * <ul>
 *   <li>{@link FriendPairs}: the unordered pairs of U users, enumerated so that no pair repeats:
 *   pair {@code g} is {@code (i, i + d mod U)} with {@code i = g mod U}, {@code d = g / U + 1},
 *   for {@code d <= (U - 1) / 2} (the distance between the two, so each pair appears once).</li>
 *   <li>{@link JoinPairs}: (user, group) pairs of U users and G groups: {@code user = g mod U},
 *   {@code group = (g / U + user) mod G}; consecutive requests are different users joining
 *   different groups, and no user joins a group twice.</li>
 *   <li>{@link #friendSource}: connection c's request s is half of pair {@code c + (s / 2) *
 *   connections}: the invite ({@code POST /v2/friend?ids=j} as i) when s is even, the other
 *   side's accept ({@code POST /v2/friend?ids=i} as j) when odd, sent after the invite's reply
 *   (one request in flight per connection), so both do real work.</li>
 * </ul>
 */
final class SocialRequests {
    private SocialRequests() {
    }

    /** Unordered pairs of {@code users} users, each once. */
    record FriendPairs(int users) {
        /** How many distinct pairs the enumeration holds. */
        long capacity() {
            return (long) users * ((users - 1) / 2);
        }

        /** Pairs of the first {@code perUser / 2} distances: each user is in exactly {@code perUser} of them. */
        long withFriendsEach(int perUser) {
            if (perUser % 2 != 0 || perUser / 2 > (users - 1) / 2) {
                throw new IllegalArgumentException(perUser + " friends each needs an even count <= users - 1, users " + users);
            }
            return (long) users * (perUser / 2);
        }

        int first(long g) {
            return (int) (g % users);
        }

        int second(long g) {
            return (int) ((g % users + g / users + 1) % users);
        }
    }

    /** (user, group) pairs of {@code users} users and {@code groups} groups, each once. */
    record JoinPairs(int users, int groups) {
        long capacity() {
            return (long) users * groups;
        }

        int user(long g) {
            return (int) (g % users);
        }

        int group(long g) {
            return (int) ((g / users + g % users) % groups);
        }
    }

    /** The headers of a request without a body: host, bearer token, Accept. */
    static ByteBuf getHeaders(String hostHeader, String token) {
        return StorageRequests.buf(headers(hostHeader, token, false));
    }

    /** The headers of a POST without a body ({@code Content-Length: 0}). */
    static ByteBuf postHeaders(String hostHeader, String token) {
        return StorageRequests.buf(headers(hostHeader, token, true));
    }

    static String headers(String hostHeader, String token, boolean emptyBody) {
        return "Host: " + hostHeader + "\r\nAuthorization: Bearer " + token + "\r\nAccept: application/json\r\n"
                + (emptyBody ? "Content-Length: 0\r\n" : "") + "\r\n";
    }

    static ByteBuf line(String method, String path) {
        return StorageRequests.buf(method + " " + path + " HTTP/1.1\r\n");
    }

    /** {@code POST /v2/friend?ids=<id>}: an invite to that user, or the accept of its invite. */
    static String friendAddPath(String userId) {
        return "/v2/friend?ids=" + userId;
    }

    static String friendListPath(int limit) {
        return "/v2/friend?limit=" + limit;
    }

    static String groupJoinPath(String groupId) {
        return "/v2/group/" + groupId + "/join";
    }

    static String groupUsersPath(String groupId, int limit) {
        return "/v2/group/" + groupId + "/user?limit=" + limit;
    }

    /** What a pool hands out next; called on a connection's event loop. */
    interface Exhausted {
        /** The pool ran out at pair {@code g} (the connection goes idle: the shortfall shows in the report). */
        void at(long g);
    }

    /**
     * Friend adds over the pairs {@code [0, limit)} of {@code pairs}: invite then accept (see the
     * class comment). {@code addLine[u]} is {@code POST /v2/friend?ids=<user u>}, {@code headers[u]}
     * user u's POST headers.
     */
    static RestLoad.Source friendSource(FriendPairs pairs, long limit, ByteBuf[] addLine, ByteBuf[] headers,
                                        int connections, Exhausted exhausted) {
        return (c, seq) -> {
            long g = c + (seq >> 1) * connections;
            if (g >= limit) {
                if ((seq & 1) == 0) {
                    exhausted.at(g);
                }
                return null;
            }
            int i = pairs.first(g);
            int j = pairs.second(g);
            return (seq & 1) == 0 ? new RestLoad.Req(addLine[j], headers[i], 0) : new RestLoad.Req(addLine[i], headers[j], 0);
        };
    }

    /** Joins over the pairs {@code [0, limit)}: user's POST headers after the group's join line. */
    static RestLoad.Source joinSource(JoinPairs pairs, long limit, ByteBuf[] joinLine, ByteBuf[] headers,
                                      int connections, Exhausted exhausted) {
        return (c, seq) -> {
            long g = c + seq * connections;
            if (g >= limit) {
                exhausted.at(g);
                return null;
            }
            return new RestLoad.Req(joinLine[pairs.group(g)], headers[pairs.user(g)], 0);
        };
    }

    /** The same few requests round and round: connection c's request s is {@code reqs[(c + s * connections) mod n]}. */
    static RestLoad.Source rotating(List<RestLoad.Req> reqs, int connections) {
        RestLoad.Req[] a = reqs.toArray(RestLoad.Req[]::new);
        return (c, seq) -> a[(int) ((c + seq * connections) % a.length)];
    }
}
