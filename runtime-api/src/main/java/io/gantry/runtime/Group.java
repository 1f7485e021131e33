package io.gantry.runtime;

import java.time.Instant;

/**
 * A group (clan, guild), as {@code POST /v2/group} answers it and listings show it.
 *
 * @param metadata  a JSON object ("{}" when none was set)
 * @param edgeCount its superadmins, admins and members (not join requests, not bans)
 * @param maxCount  how many members it may have
 */
public record Group(String id, String creatorId, String name, String description, String langTag, String metadata,
                    String avatarUrl, boolean open, int edgeCount, int maxCount, Instant createTime,
                    Instant updateTime) {

    /** A user's states in a group, as Nakama numbers them. */
    public static final int SUPERADMIN = 0;
    public static final int ADMIN = 1;
    public static final int MEMBER = 2;
    public static final int JOIN_REQUEST = 3;
    public static final int BANNED = 4;
}
