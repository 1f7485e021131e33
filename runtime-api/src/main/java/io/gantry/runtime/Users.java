package io.gantry.runtime;

import java.util.Collection;
import java.util.List;

/** Users' public profiles, from server code. Thread-safe; reads the store. */
public interface Users {

    /**
     * The users with these ids or usernames (each user once, unknown ones skipped).
     *
     * @throws RefusedException {@code INVALID_ARGUMENT} when an id is not a UUID
     */
    List<User> get(Collection<String> ids, Collection<String> usernames);
}
