package io.gantry.runtime;

import java.util.List;

/**
 * Storage objects, from server code: permissions do not apply (server code may read and write
 * objects of permission 0), versions do. Thread-safe; every method reads or writes the store.
 *
 * <pre>{@code
 * Storage storage = server.storage();
 * List<StorageAck> acks = storage.write(List.of(
 *         new StorageWrite("saves", "slot1", userId, "{\"level\":3}", null, 1, 0)));   // the owner reads, only the server writes
 * List<StorageObject> read = storage.read(List.of(new StorageObjectId("saves", "slot1", userId)));
 * }</pre>
 */
public interface Storage {

    /** The owner of the system's objects, Nakama's nil UUID. */
    String SYSTEM_USER_ID = "00000000-0000-0000-0000-000000000000";

    /** The objects that exist among {@code ids}, whatever their read permission. */
    List<StorageObject> read(List<StorageObjectId> ids);

    /**
     * Writes all the objects or none (one atomic write).
     *
     * @return one ack per object, in the order given
     * @throws RefusedException {@code INVALID_ARGUMENT}: "Storage write rejected - version check
     *                          failed." when a version does not match (nothing is written), or a
     *                          malformed object (not a JSON object, bad permission, a limit
     *                          exceeded)
     */
    List<StorageAck> write(List<StorageWrite> writes);

    /**
     * Deletes all the objects or none (one atomic write). An object that does not exist is no
     * error unless a version was given.
     *
     * @throws RefusedException {@code INVALID_ARGUMENT} when a version does not match; nothing is
     *                          deleted
     */
    void delete(List<StorageDelete> deletes);

    /**
     * A page of a collection: one user's objects, or with {@code userId} null or "" every user's
     * objects, of any read permission, ordered as Nakama orders them (read permission, then key,
     * then owner).
     *
     * @param limit 1–100
     * @throws RefusedException {@code INVALID_ARGUMENT} for a bad limit or cursor
     */
    StoragePage list(String userId, String collection, int limit, String cursor);
}
