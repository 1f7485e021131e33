package io.gantry.runtime;

import java.util.List;

/**
 * {@code POST /v2/friend}, {@code DELETE /v2/friend}, {@code POST /v2/friend/block}: the users,
 * by id and by username (case-sensitive).
 */
public record FriendsRequest(List<String> ids, List<String> usernames) {

    public FriendsRequest {
        ids = List.copyOf(ids);
        usernames = List.copyOf(usernames);
    }
}
