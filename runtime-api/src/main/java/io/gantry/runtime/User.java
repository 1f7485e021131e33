package io.gantry.runtime;

import java.time.Instant;

/**
 * A user's public profile, as {@code GET /v2/user} shows it.
 *
 * @param metadata a JSON object ("{}" when none was set)
 * @param online   whether the user has a socket open now
 */
public record User(String id, String username, String displayName, String avatarUrl, String langTag,
                   String location, String timezone, String metadata, boolean online,
                   Instant createTime, Instant updateTime) {
}
