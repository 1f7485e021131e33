package io.gantry.runtime;

import java.util.List;

/** {@code GET /v2/user}: the users to fetch by id and by username. */
public record UsersRequest(List<String> ids, List<String> usernames) {

    public UsersRequest {
        ids = List.copyOf(ids);
        usernames = List.copyOf(usernames);
    }
}
