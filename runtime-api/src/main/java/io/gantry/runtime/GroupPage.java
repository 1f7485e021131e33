package io.gantry.runtime;

import java.util.List;

/** A page of groups; {@code cursor} is "" on the last page. */
public record GroupPage(List<Group> groups, String cursor) {

    public GroupPage {
        groups = List.copyOf(groups);
    }
}
