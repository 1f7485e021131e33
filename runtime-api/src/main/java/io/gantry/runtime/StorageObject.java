package io.gantry.runtime;

import java.time.Instant;

/**
 * A stored object.
 *
 * @param userId          the owner; {@link Storage#SYSTEM_USER_ID} for the system
 * @param value           a JSON object, as written
 * @param version         the optimistic-concurrency version: the md5 of the value, lower-case hex
 * @param permissionRead  0 server only, 1 the owner, 2 everyone
 * @param permissionWrite 0 server only, 1 the owner
 */
public record StorageObject(String collection, String key, String userId, String value, String version,
                            int permissionRead, int permissionWrite, Instant createTime, Instant updateTime) {
}
