package io.gantry.runtime;

/**
 * One object to delete.
 *
 * @param userId  the owner; null or "" for the system. In a client's request it is the caller
 *                (as for {@link StorageWrite})
 * @param version null or "" deletes whatever is stored; anything else only the stored version
 */
public record StorageDelete(String collection, String key, String userId, String version) {
}
