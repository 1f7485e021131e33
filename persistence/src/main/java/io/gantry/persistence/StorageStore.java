package io.gantry.persistence;

import io.gantry.proto.storage.StoredStorageObject;

import java.util.List;

/**
 * Storage objects: JSON documents a user (or the system, the nil UUID) owns, addressed by
 * collection, key and owner, with Nakama's read permission (0 server only, 1 owner, 2 public),
 * write permission (0 server only, 1 owner) and optimistic-concurrency version (the md5 of the
 * value, lower-case hex).
 *
 * <pre>{@code
 * StorageStore storage = store.storage();
 * List<StoredStorageObject> acks = storage.write(List.of(
 *         new StorageStore.Write("saves", "slot1", userId, "{\"level\":3}", "", 1, 1)), false);
 * List<StoredStorageObject> read = storage.read(List.of(new StorageStore.ObjectKey("saves", "slot1", userId)));
 * StorageStore.Page page = storage.list("saves", userId, 1, 10, "");   // the owner's own listing
 * }</pre>
 *
 * <p>The store holds the rules that need the stored rows (versions, write permission, atomicity,
 * listing orders); the caller validates its input (permissions in range, a JSON object, limits)
 * and decides which read permissions a listing or a read may see.
 *
 * <p>Threads: thread-safe; every method may block on disk I/O, so callers run on a blocking
 * executor. Writes and deletes of all callers are serialised by one lock (they read, check and
 * write one batch); reads and listings take no lock and see one consistent snapshot each.
 */
public interface StorageStore {

    /** The owner of the system's objects, Nakama's nil UUID. */
    String SYSTEM_USER_ID = "00000000-0000-0000-0000-000000000000";

    /** Which object: collection, key and owner (a UUID). */
    record ObjectKey(String collection, String key, String userId) {
    }

    /**
     * One object to write.
     *
     * @param version "" writes whatever is stored, "*" only if nothing is stored, anything else only
     *                if it is the stored version
     */
    record Write(String collection, String key, String userId, String value, String version,
                 int permissionRead, int permissionWrite) {
    }

    /** One object to delete; {@code version} "" deletes whatever is stored, else only that version. */
    record Delete(String collection, String key, String userId, String version) {
    }

    /** A page of a listing; {@code cursor} is "" when no object follows. */
    record Page(List<StoredStorageObject> objects, String cursor) {
        public Page {
            objects = List.copyOf(objects);
        }
    }

    /** The objects that exist among {@code keys}, in the order asked (absent ones left out, repeated ones repeated). */
    List<StoredStorageObject> read(List<ObjectKey> keys);

    /**
     * Writes every object or none, in one atomic write, with Nakama's rules per object (applied in
     * the order given, so the same key twice writes the last value): no version inserts or updates;
     * "*" only inserts; a version only updates that stored version. A non-{@code authoritative}
     * write (a client's) may not change an object whose stored write permission is not 1. Writing
     * exactly what is stored (same version and permissions) changes nothing, times included.
     *
     * @return each object as written (its version and times), in the order given
     * @throws StorageRejectedException {@link StorageRejectedException.Reason#PERMISSION} or
     *                                  {@link StorageRejectedException.Reason#VERSION}; nothing is written
     */
    List<StoredStorageObject> write(List<Write> writes, boolean authoritative) throws StorageRejectedException;

    /**
     * Deletes every object or none, in one atomic write. A non-{@code authoritative} delete (a
     * client's) is refused for an object that is missing, has another version than the one given,
     * or has write permission 0; an authoritative one only for a given version that does not match
     * (a missing object with no version given is no error).
     *
     * @throws StorageRejectedException {@link StorageRejectedException.Reason#DELETE}; nothing is deleted
     */
    void delete(List<Delete> deletes, boolean authoritative) throws StorageRejectedException;

    /**
     * A page of a collection's objects whose read permission is at least {@code minRead}: one
     * owner's ({@code userId}) ordered by read permission then key, or with {@code userId} null
     * every owner's, ordered by read permission, key, then owner. Nakama's listings: a user's own
     * ({@code minRead} 1), another user's or every user's public objects ({@code minRead} 2),
     * server code's ({@code minRead} 0).
     *
     * @param limit  at least 1
     * @param cursor "" for the first page, else a cursor this listing returned
     * @throws InvalidCursorException a cursor this store did not make for this very listing
     */
    Page list(String collection, String userId, int minRead, int limit, String cursor) throws InvalidCursorException;
}
