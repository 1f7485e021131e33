package io.gantry.runtime;

import java.util.List;

/** A page of a user's groups; {@code cursor} is "" on the last page. */
public record UserGroupPage(List<UserGroup> userGroups, String cursor) {

    public UserGroupPage {
        userGroups = List.copyOf(userGroups);
    }
}
