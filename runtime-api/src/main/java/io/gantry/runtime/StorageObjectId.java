package io.gantry.runtime;

/**
 * Which storage object to read: its collection, key and owner.
 *
 * @param userId the owner; null or "" for an object the system owns
 */
public record StorageObjectId(String collection, String key, String userId) {
}
