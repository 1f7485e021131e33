package io.gantry.runtime;

import java.time.Instant;

/**
 * A user's public profile, as {@code GET /v2/user} shows it.
 *
 * @param metadata a JSON object ("{}" when none was set)
 * @param online   whether the user has a socket open now
 * @param edgeCount how many friend edges go out of the user (friends, invites either way, blocks)
 */
public record User(String id, String username, String displayName, String avatarUrl, String langTag,
                   String location, String timezone, String metadata, boolean online, int edgeCount,
                   Instant createTime, Instant updateTime) {

    /** A user with no friend edges. */
    public User(String id, String username, String displayName, String avatarUrl, String langTag,
                String location, String timezone, String metadata, boolean online,
                Instant createTime, Instant updateTime) {
        this(id, username, displayName, avatarUrl, langTag, location, timezone, metadata, online, 0,
                createTime, updateTime);
    }
}
