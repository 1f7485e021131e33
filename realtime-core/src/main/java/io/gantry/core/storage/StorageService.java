package io.gantry.core.storage;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.core.Uuids;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.persistence.StorageRejectedException;
import io.gantry.persistence.StorageStore;
import io.gantry.proto.storage.StoredStorageObject;
import io.gantry.runtime.StorageAck;
import io.gantry.runtime.StorageDelete;
import io.gantry.runtime.StorageListRequest;
import io.gantry.runtime.StorageObject;
import io.gantry.runtime.StorageObjectId;
import io.gantry.runtime.StoragePage;
import io.gantry.runtime.StorageWrite;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Storage objects, Nakama's client calls and server code's ({@code authoritative}): the input
 * rules and Nakama's exact messages (api_storage.go), which objects a caller may see, and the
 * limits; the stored rows' rules (versions, write permission, atomicity, orders) are the
 * {@link StorageStore}'s.
 *
 * <pre>{@code
 * StorageService storage = new StorageService(store.storage(), StorageService.Limits.DEFAULTS);
 * List<StorageAck> acks = storage.write(callerId, List.of(new StorageWrite("saves", "slot1", callerId, "{}", null, 1, 1)));
 * }</pre>
 *
 * <p>Threads: any blocking thread (the REST API executor, the user-code executor); it keeps no
 * state of its own.
 */
public final class StorageService {

    /**
     * The limits of a call, each refused with 400 and nothing written.
     *
     * @param maxValueBytes     the largest value, in UTF-8 bytes ({@code storage.max_value_bytes})
     * @param maxObjectsPerCall the most objects one read, write or delete names
     *                          ({@code storage.max_objects_per_call})
     */
    public record Limits(int maxValueBytes, int maxObjectsPerCall) {
        public static final int DEFAULT_MAX_VALUE_BYTES = 262_144;
        public static final int DEFAULT_MAX_OBJECTS_PER_CALL = 100;
        public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_VALUE_BYTES, DEFAULT_MAX_OBJECTS_PER_CALL);

        public Limits {
            if (maxValueBytes < 2 || maxObjectsPerCall < 1) {
                throw new IllegalArgumentException("bad storage limits " + maxValueBytes + ", " + maxObjectsPerCall);
            }
        }
    }

    /** Nakama's column sizes: a collection and a key have at most this many characters. */
    public static final int MAX_NAME_CHARS = 128;

    static final String MUST_BE_SET = "Invalid collection or key value supplied. They must be set.";
    static final String BAD_USER_ID = "Invalid user ID - make sure user ID is a valid UUID.";
    static final String BAD_READ = "Invalid Read permission supplied. It must be either 0, 1 or 2.";
    static final String BAD_WRITE = "Invalid Write permission supplied. It must be either 0 or 1.";
    static final String NOT_AN_OBJECT = "Value must be a JSON object.";
    static final String BAD_CURSOR = "Malformed cursor was used.";

    /** Nakama's read order: collection, key, owner, each in byte (code point) order. */
    private static final Comparator<StorageObject> READ_ORDER = Comparator
            .comparing(StorageObject::collection, StorageService::compareCodePoints)
            .thenComparing(StorageObject::key, StorageService::compareCodePoints)
            .thenComparing(StorageObject::userId);

    private final StorageStore store;
    private final Limits limits;

    public StorageService(StorageStore store, Limits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    // ---- client calls ----

    /** {@code POST /v2/storage}: the objects the caller may read (theirs of read 1 or 2, others' of read 2). */
    public List<StorageObject> read(String callerId, List<StorageObjectId> ids) throws ServiceException {
        List<StorageObject> found = read(ids);
        List<StorageObject> visible = new ArrayList<>(found.size());
        for (StorageObject o : found) {
            if (o.permissionRead() == 2 || (o.permissionRead() == 1 && o.userId().equals(callerId))) {
                visible.add(o);
            }
        }
        visible.sort(READ_ORDER);
        return visible;
    }

    /** {@code PUT /v2/storage}: writes as the caller, whatever owner the objects name. */
    public List<StorageAck> write(String callerId, List<StorageWrite> writes) throws ServiceException {
        return write(writes, callerId, false);
    }

    /** {@code PUT /v2/storage/delete}: deletes the caller's objects, all or none. */
    public void delete(String callerId, List<StorageDelete> deletes) throws ServiceException {
        delete(deletes, callerId, false);
    }

    /**
     * {@code GET /v2/storage/{collection}}: the caller's own objects (read 1 and 2), another user's
     * public ones, or with no user every user's public ones.
     */
    public StoragePage list(String callerId, StorageListRequest request) throws ServiceException {
        String owner = request.userId() == null || request.userId().isEmpty() ? null : userId(request.userId(), true);
        int minRead = owner != null && owner.equals(callerId) ? 1 : 2;
        int limit = ListLimit.check(request.limit() == null ? 1 : request.limit());
        return page(request.collection(), owner, minRead, limit, request.cursor());
    }

    // ---- server code: no permissions ----

    /** Every object among {@code ids} that exists, whatever its read permission, in the order asked. */
    public List<StorageObject> read(List<StorageObjectId> ids) throws ServiceException {
        checkCount(ids.size());
        List<StorageStore.ObjectKey> keys = new ArrayList<>(ids.size());
        for (StorageObjectId id : ids) {
            requireSet(id.collection(), id.key());
            keys.add(new StorageStore.ObjectKey(id.collection(), id.key(), ownerOrSystem(id.userId())));
        }
        List<StoredStorageObject> stored = store.read(keys);
        List<StorageObject> objects = new ArrayList<>(stored.size());
        for (StoredStorageObject o : stored) {
            objects.add(object(o));
        }
        return objects;
    }

    /**
     * Writes {@code writes} all or none. A client's write ({@code callerId} not null) writes as the
     * caller and respects write permissions; server code's ({@code callerId} null) writes as each
     * object's owner (null or "" the system) and ignores them.
     */
    public List<StorageAck> write(List<StorageWrite> writes, String callerId, boolean authoritative) throws ServiceException {
        if (writes == null || writes.isEmpty()) {
            return List.of();
        }
        checkCount(writes.size());
        List<StorageStore.Write> ops = new ArrayList<>(writes.size());
        for (StorageWrite w : writes) {
            if (isEmpty(w.collection()) || isEmpty(w.key()) || isEmpty(w.value())) {
                throw ServiceException.invalidArgument(MUST_BE_SET);
            }
            checkNames(w.collection(), w.key());
            int read = w.permissionRead() == null ? 1 : w.permissionRead();
            if (read < 0 || read > 2) {
                throw ServiceException.invalidArgument(BAD_READ);
            }
            int write = w.permissionWrite() == null ? 1 : w.permissionWrite();
            if (write < 0 || write > 1) {
                throw ServiceException.invalidArgument(BAD_WRITE);
            }
            if (w.value().length() > limits.maxValueBytes()
                    || w.value().getBytes(StandardCharsets.UTF_8).length > limits.maxValueBytes()) {
                throw ServiceException.invalidArgument("Value is too large: at most " + limits.maxValueBytes() + " bytes.");
            }
            if (!isJsonObject(w.value())) {
                throw ServiceException.invalidArgument(NOT_AN_OBJECT);
            }
            String owner = callerId != null ? callerId : ownerOrSystem(w.userId());
            ops.add(new StorageStore.Write(w.collection(), w.key(), owner, w.value(),
                    w.version() == null ? "" : w.version(), read, write));
        }
        List<StoredStorageObject> stored;
        try {
            stored = store.write(ops, authoritative);
        } catch (StorageRejectedException e) {
            throw ServiceException.invalidArgument(e.getMessage());
        }
        List<StorageAck> acks = new ArrayList<>(stored.size());
        for (StoredStorageObject o : stored) {
            acks.add(new StorageAck(o.getCollection(), o.getKey(), o.getUserId(), o.getVersion(),
                    instant(o.getCreateTimeUs()), instant(o.getUpdateTimeUs())));
        }
        return acks;
    }

    /** Deletes all or none; a client's ({@code callerId} not null) only its own objects, as {@link #write}. */
    public void delete(List<StorageDelete> deletes, String callerId, boolean authoritative) throws ServiceException {
        if (deletes == null || deletes.isEmpty()) {
            return;
        }
        checkCount(deletes.size());
        List<StorageStore.Delete> ops = new ArrayList<>(deletes.size());
        for (StorageDelete d : deletes) {
            requireSet(d.collection(), d.key());
            String owner = callerId != null ? callerId : ownerOrSystem(d.userId());
            ops.add(new StorageStore.Delete(d.collection(), d.key(), owner, d.version() == null ? "" : d.version()));
        }
        try {
            store.delete(ops, authoritative);
        } catch (StorageRejectedException e) {
            throw ServiceException.invalidArgument(e.getMessage());
        }
    }

    /** Server code's listing: every read permission; {@code userId} null or "" lists every owner. */
    public StoragePage listAll(String userId, String collection, int limit, String cursor) throws ServiceException {
        String owner = userId == null || userId.isEmpty() ? null : userId(userId, true);
        return page(collection, owner, 0, ListLimit.check(limit), cursor);
    }

    // ---- rules ----

    private StoragePage page(String collection, String owner, int minRead, int limit, String cursor) throws ServiceException {
        if (isEmpty(collection)) {
            throw ServiceException.invalidArgument(MUST_BE_SET);
        }
        StorageStore.Page page;
        try {
            page = store.list(collection, owner, minRead, limit, cursor == null ? "" : cursor);
        } catch (InvalidCursorException e) {
            throw ServiceException.invalidArgument(BAD_CURSOR);
        }
        List<StorageObject> objects = new ArrayList<>(page.objects().size());
        for (StoredStorageObject o : page.objects()) {
            objects.add(object(o));
        }
        return new StoragePage(objects, page.cursor());
    }

    private void checkCount(int count) throws ServiceException {
        if (count > limits.maxObjectsPerCall()) {
            throw ServiceException.invalidArgument("Too many objects: at most " + limits.maxObjectsPerCall() + " per call.");
        }
    }

    private static void requireSet(String collection, String key) throws ServiceException {
        if (isEmpty(collection) || isEmpty(key)) {
            throw ServiceException.invalidArgument(MUST_BE_SET);
        }
    }

    /** Gantry refuses what Nakama's columns cannot hold (Nakama answers those 500). */
    private static void checkNames(String collection, String key) throws ServiceException {
        if (collection.codePointCount(0, collection.length()) > MAX_NAME_CHARS) {
            throw ServiceException.invalidArgument("Invalid collection: at most " + MAX_NAME_CHARS + " characters.");
        }
        if (key.codePointCount(0, key.length()) > MAX_NAME_CHARS) {
            throw ServiceException.invalidArgument("Invalid key: at most " + MAX_NAME_CHARS + " characters.");
        }
    }

    /** The owner an id names: null or "" is the system; anything else must be a user id (not the nil UUID). */
    private static String ownerOrSystem(String userId) throws ServiceException {
        return userId == null || userId.isEmpty() ? StorageStore.SYSTEM_USER_ID : userId(userId, false);
    }

    private static String userId(String value, boolean nilAllowed) throws ServiceException {
        String id = Uuids.parseAsNakama(value);
        if (id == null || (!nilAllowed && id.equals(StorageStore.SYSTEM_USER_ID))) {
            throw ServiceException.invalidArgument(BAD_USER_ID);
        }
        return id;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    /** Go's {@code json.Valid} and a '{' first: one strict JSON object, surrounding whitespace allowed. */
    static boolean isJsonObject(String value) {
        try (JsonReader reader = new JsonReader(new StringReader(value))) {
            reader.setLenient(false);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                return false;
            }
            reader.skipValue();
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            return false;
        }
    }

    private static StorageObject object(StoredStorageObject o) {
        return new StorageObject(o.getCollection(), o.getKey(), o.getUserId(), o.getValue(), o.getVersion(),
                o.getPermissionRead(), o.getPermissionWrite(), instant(o.getCreateTimeUs()), instant(o.getUpdateTimeUs()));
    }

    private static Instant instant(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000L);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
