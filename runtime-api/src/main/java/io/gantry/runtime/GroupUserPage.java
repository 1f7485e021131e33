package io.gantry.runtime;

import java.util.List;

/** A page of a group's users; {@code cursor} is "" on the last page. */
public record GroupUserPage(List<GroupUser> groupUsers, String cursor) {

    public GroupUserPage {
        groupUsers = List.copyOf(groupUsers);
    }
}
