package io.gantry.runtime;

import java.util.List;

/** A page of a friend list; {@code cursor} is "" on the last page. */
public record FriendPage(List<Friend> friends, String cursor) {

    public FriendPage {
        friends = List.copyOf(friends);
    }
}
