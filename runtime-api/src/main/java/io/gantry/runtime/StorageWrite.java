package io.gantry.runtime;

/**
 * One object to write.
 *
 * @param userId          the owner; null or "" for the system. In a client's
 *                        {@code WriteStorageObjects} request (a before hook sees it) it is the
 *                        caller, and the objects are written as the caller whatever a hook sets
 * @param value           a JSON object
 * @param version         null or "" writes whatever is stored; "*" writes only if no object is
 *                        stored; anything else writes only if it is the stored version
 * @param permissionRead  0, 1 or 2; null for 1
 * @param permissionWrite 0 or 1; null for 1
 */
public record StorageWrite(String collection, String key, String userId, String value, String version,
                           Integer permissionRead, Integer permissionWrite) {
}
