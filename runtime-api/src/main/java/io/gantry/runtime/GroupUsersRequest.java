package io.gantry.runtime;

import java.util.List;

/** {@code POST /v2/group/{id}/add} (and kick, promote, demote, ban): the group and the users. */
public record GroupUsersRequest(String groupId, List<String> userIds) {

    public GroupUsersRequest {
        userIds = List.copyOf(userIds);
    }
}
