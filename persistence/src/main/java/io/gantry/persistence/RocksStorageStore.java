package io.gantry.persistence;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredStorageObject;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link StorageStore} on three column families of a {@link RocksStore}. Key layouts (lengths are
 * 2 bytes big-endian, owners 16 raw UUID bytes, strings UTF-8):
 * <ul>
 *   <li>{@code STORAGE_OBJECTS}: {@code owner | len | collection | key} → {@code StoredStorageObject}
 *       bytes; one owner's objects are one range, so deleting an account is one prefix walk;</li>
 *   <li>{@code STORAGE_BY_USER}: {@code len | collection | owner | read (1) | key} → empty: one
 *       owner's listing in a collection, ordered by read permission then key;</li>
 *   <li>{@code STORAGE_BY_COLLECTION}: {@code len | collection | read (1) | escaped key | owner} →
 *       empty: a collection's listing over all owners, ordered by read permission, key, owner. The
 *       key is escaped (0x00 → 0x00 0xFF) and ended by 0x00 0x01, so that bytewise order of the
 *       index is the order of the keys ("a" before "ab" before "b") whatever their length.</li>
 * </ul>
 * Every write and delete changes the three in one {@link WriteBatch} (an object whose read
 * permission changes moves in both indexes).
 *
 * <p>Cursors: base64url of {@code 'S' | listing (min read, owner or 16 zero bytes, len |
 * collection) | the last returned index key | HMAC-SHA256 (16 bytes)}, signed with a key derived
 * from the store's cursor key for this use only, so a cursor is refused by another listing
 * (another owner, collection or permission floor) and a forged one is refused before it is parsed.
 *
 * <p>Threads: any. Writes and deletes hold {@link #writeLock()} while they read, check and write
 * (so each call is checked against every call written before it, and two calls on one key are
 * written in the order they were checked); reads and listings run on one RocksDB snapshot each and
 * take no lock.
 *
 * <p>Group commit: the write under the lock is not synced. With {@link StoreOptions#syncWrites()}
 * the call then waits, outside the lock, for a {@link WalSync} that covers its write, so one fsync
 * of the write-ahead log serves every call written while the previous fsync ran, and a call returns
 * only once its write is durable. A call that writes nothing (nothing to change, or a delete of
 * nothing) waits for everything written before it, since it confirms a state those writes made.
 * The log is one sequence, so a write synced implies every write before it is, and an account
 * deletion (a synced write, made holding {@link #writeLock()}) covers the storage writes before
 * it. The trade-off: between a write and its sync (well under a millisecond, plus one sync already
 * running) another call can see it, a read, a listing, or a write rejected or checked against it,
 * and a crash in that window loses the write; its own caller never saw it acknowledged.
 */
final class RocksStorageStore implements StorageStore, StoreTransfer, RocksUserOwned {

    private static final byte CURSOR_TAG = 'S';
    private static final int MAC_BYTES = CursorMac.BYTES;
    private static final int MAX_CURSOR_CHARS = 8192;
    private static final byte[] EMPTY = new byte[0];

    private final RocksStore store;
    private final RocksDB db;
    private final ColumnFamilyHandle objects;
    private final ColumnFamilyHandle byUser;
    private final ColumnFamilyHandle byCollection;
    private final CursorMac cursorMac;
    private final Lock lock = new ReentrantLock();
    /** Syncs the log for acknowledged writes; null when writes need not be synced. */

    RocksStorageStore(RocksStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.objects = store.handle(StoreColumnFamily.STORAGE_OBJECTS);
        this.byUser = store.handle(StoreColumnFamily.STORAGE_BY_USER);
        this.byCollection = store.handle(StoreColumnFamily.STORAGE_BY_COLLECTION);
        this.cursorMac = new CursorMac(CursorMac.derive(cursorKey, "gantry storage cursors"));
    }

    // ---- reads ----

    @Override
    public List<StoredStorageObject> read(List<ObjectKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<byte[]> dbKeys = new ArrayList<>(keys.size());
        for (ObjectKey k : keys) {
            dbKeys.add(objectKey(k.userId(), k.collection(), k.key()));
        }
        store.checkOpen();
        try {
            List<byte[]> values = db.multiGetAsList(Collections.nCopies(dbKeys.size(), objects), dbKeys);
            List<StoredStorageObject> found = new ArrayList<>(values.size());
            for (byte[] value : values) {
                if (value != null) {
                    found.add(parse(value));
                }
            }
            return found;
        } catch (RocksDBException e) {
            throw new StoreException("cannot read storage objects", e);
        }
    }

    // ---- writes ----

    @Override
    public List<StoredStorageObject> write(List<Write> writes, boolean authoritative) throws StorageRejectedException {
        if (writes.isEmpty()) {
            return List.of();
        }
        List<byte[]> keys = new ArrayList<>(writes.size());
        for (Write w : writes) {
            requirePermissions(w.permissionRead(), w.permissionWrite());
            keys.add(objectKey(w.userId(), w.collection(), w.key()));
        }
        store.checkOpen();
        List<StoredStorageObject> acks;
        long ticket;
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            long now = nowMicros();
            // What this batch has written so far: the same key twice sees its first write.
            Map<ByteBuffer, StoredStorageObject> pending = new HashMap<>();
            List<StoredStorageObject> stored = fetch(keys);
            acks = new ArrayList<>(writes.size());
            for (int i = 0; i < writes.size(); i++) {
                Write w = writes.get(i);
                ByteBuffer id = ByteBuffer.wrap(keys.get(i));
                StoredStorageObject current = pending.containsKey(id) ? pending.get(id) : stored.get(i);
                StoredStorageObject result = apply(w, current, authoritative, now);
                if (result != current) {
                    if (current != null) {
                        removeIndexes(batch, current);
                    }
                    batch.put(objects, keys.get(i), result.toByteArray());
                    addIndexes(batch, result);
                    pending.put(id, result);
                }
                acks.add(result);
            }
            ticket = commit(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot write storage objects", e);
        } finally {
            lock.unlock();
        }
        awaitDurable(ticket);
        return acks;
    }

    /**
     * Nakama's write of one object (core_storage.go, storagePrepBatch and the check after it): the
     * row after the statement, which is the new row if it updated or inserted and the stored one
     * otherwise, must be what was asked, or the write is rejected. {@link PostgresStorageStore} applies
     * the same rules to the rows it locked. Returns {@code current} itself when nothing changes.
     */
    static StoredStorageObject apply(Write w, StoredStorageObject current, boolean authoritative, long now)
            throws StorageRejectedException {
        String version = md5Hex(w.value());
        boolean writable = current != null && (authoritative || current.getPermissionWrite() == 1);
        boolean same = current != null && current.getVersion().equals(version)
                && current.getPermissionRead() == w.permissionRead()
                && current.getPermissionWrite() == w.permissionWrite();
        boolean changes;
        if (w.version().isEmpty()) {
            changes = current == null || (writable && !same);
        } else if (w.version().equals("*")) {
            if (current != null) {
                throw new StorageRejectedException(StorageRejectedException.Reason.VERSION);
            }
            changes = true;
        } else {
            if (current == null) {
                throw new StorageRejectedException(StorageRejectedException.Reason.VERSION);
            }
            changes = writable && !same && current.getVersion().equals(w.version());
        }
        if (!changes) {
            if (!same) {
                throw new StorageRejectedException(!authoritative && current.getPermissionWrite() != 1
                        ? StorageRejectedException.Reason.PERMISSION
                        : StorageRejectedException.Reason.VERSION);
            }
            return current;
        }
        return StoredStorageObject.newBuilder()
                .setCollection(w.collection())
                .setKey(w.key())
                .setUserId(canonicalUuid(w.userId()))
                .setValue(w.value())
                .setVersion(version)
                .setPermissionRead(w.permissionRead())
                .setPermissionWrite(w.permissionWrite())
                .setCreateTimeUs(current == null ? now : current.getCreateTimeUs())
                .setUpdateTimeUs(now)
                .build();
    }

    @Override
    public void delete(List<Delete> deletes, boolean authoritative) throws StorageRejectedException {
        if (deletes.isEmpty()) {
            return;
        }
        List<byte[]> keys = new ArrayList<>(deletes.size());
        for (Delete d : deletes) {
            keys.add(objectKey(d.userId(), d.collection(), d.key()));
        }
        store.checkOpen();
        long ticket;
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Map<ByteBuffer, StoredStorageObject> pending = new HashMap<>();
            List<StoredStorageObject> stored = fetch(keys);
            for (int i = 0; i < deletes.size(); i++) {
                Delete d = deletes.get(i);
                ByteBuffer id = ByteBuffer.wrap(keys.get(i));
                StoredStorageObject current = pending.containsKey(id) ? pending.get(id) : stored.get(i);
                boolean versioned = !d.version().isEmpty();
                boolean deletes1 = current != null
                        && (authoritative || current.getPermissionWrite() > 0)
                        && (!versioned || current.getVersion().equals(d.version()));
                if (!deletes1) {
                    if (authoritative && !versioned) {
                        continue;   // Nakama: nothing to delete is a no-op for server code
                    }
                    throw new StorageRejectedException(StorageRejectedException.Reason.DELETE);
                }
                batch.delete(objects, keys.get(i));
                removeIndexes(batch, current);
                pending.put(id, null);
            }
            ticket = commit(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot delete storage objects", e);
        } finally {
            lock.unlock();
        }
        awaitDurable(ticket);
    }

    /**
     * Writes {@code batch} unsynced (nothing when it is empty) and returns the {@link WalSync}
     * ticket the call must await: its own write's, or the last write's if it wrote nothing.
     * Caller holds {@link #lock}, so tickets follow the order of the writes.
     */
    private long commit(WriteBatch batch) throws RocksDBException {
        return store.commitUnsynced(batch);
    }

    /** Returns once the write of {@code ticket} is durable. Caller does not hold {@link #lock}. */
    private void awaitDurable(long ticket) {
        store.awaitDurable(ticket);
    }

    @Override
    public Lock writeLock() {
        return lock;
    }

    @Override
    public void deleteAllOf(String userId, WriteBatch batch) throws RocksDBException {
        byte[] prefix = uuidBytes(userId);
        try (RocksIterator it = db.newIterator(objects)) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                batch.delete(objects, it.key());
                removeIndexes(batch, parse(it.value()));
            }
        }
    }

    // ---- export and import ----

    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        store.checkOpen();
        try (RocksIterator it = db.newIterator(objects)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(DumpRecord.newBuilder().setStorageObject(parse(it.value())).build());
            }
        }
    }

    @Override
    public void importRecords(List<DumpRecord> records) {
        store.checkOpen();
        long ticket;
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            for (DumpRecord record : records) {
                if (!accepts(record)) {
                    throw new IllegalArgumentException("not a storage object: " + record.getRecordCase());
                }
                StoredStorageObject o = record.getStorageObject();
                requirePermissions(o.getPermissionRead(), o.getPermissionWrite());
                batch.put(objects, objectKey(o.getUserId(), o.getCollection(), o.getKey()), o.toByteArray());
                addIndexes(batch, o);
            }
            ticket = commit(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot import storage objects", e);
        } finally {
            lock.unlock();
        }
        awaitDurable(ticket);
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.getRecordCase() == DumpRecord.RecordCase.STORAGE_OBJECT;
    }

    // ---- listings ----

    @Override
    public Page list(String collection, String userId, int minRead, int limit, String cursor)
            throws InvalidCursorException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (minRead < 0 || minRead > 2) {
            throw new IllegalArgumentException("minRead must be 0, 1 or 2, was " + minRead);
        }
        byte[] listing = listingHeader(collection, userId, minRead);
        byte[] prefix = userId == null ? lengthPrefixed(collection) : concat(lengthPrefixed(collection), uuidBytes(userId));
        byte[] after = cursor == null || cursor.isEmpty() ? null : decodeCursor(listing, cursor, prefix);
        ColumnFamilyHandle index = userId == null ? byCollection : byUser;
        store.checkOpen();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions options = new ReadOptions().setSnapshot(snapshot);
             RocksIterator it = db.newIterator(index, options)) {
            if (after == null) {
                it.seek(concat(prefix, new byte[]{(byte) minRead}));
            } else {
                it.seek(after);
                if (it.isValid() && Arrays.equals(it.key(), after)) {
                    it.next();
                }
            }
            List<byte[]> indexKeys = new ArrayList<>(Math.min(limit, 128));
            boolean more = false;
            for (; it.isValid() && startsWith(it.key(), prefix); it.next()) {
                if (indexKeys.size() == limit) {
                    more = true;
                    break;
                }
                indexKeys.add(it.key());
            }
            List<byte[]> keys = new ArrayList<>(indexKeys.size());
            for (byte[] k : indexKeys) {
                keys.add(userId == null ? objectKeyOfCollectionIndex(k) : objectKeyOfUserIndex(k));
            }
            List<byte[]> values = keys.isEmpty() ? List.of()
                    : db.multiGetAsList(options, Collections.nCopies(keys.size(), objects), keys);
            List<StoredStorageObject> page = new ArrayList<>(values.size());
            for (byte[] value : values) {
                if (value == null) {
                    throw new StoreException("storage index names a missing object", null);
                }
                page.add(parse(value));
            }
            String next = more ? encodeCursor(listing, indexKeys.get(indexKeys.size() - 1)) : "";
            return new Page(page, next);
        } catch (RocksDBException e) {
            throw new StoreException("cannot list storage objects", e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    // ---- keys ----

    private List<StoredStorageObject> fetch(List<byte[]> keys) throws RocksDBException {
        List<byte[]> values = db.multiGetAsList(Collections.nCopies(keys.size(), objects), keys);
        List<StoredStorageObject> result = new ArrayList<>(values.size());
        for (byte[] value : values) {
            result.add(value == null ? null : parse(value));
        }
        return result;
    }

    private void addIndexes(WriteBatch batch, StoredStorageObject o) throws RocksDBException {
        batch.put(byUser, userIndexKey(o), EMPTY);
        batch.put(byCollection, collectionIndexKey(o), EMPTY);
    }

    private void removeIndexes(WriteBatch batch, StoredStorageObject o) throws RocksDBException {
        batch.delete(byUser, userIndexKey(o));
        batch.delete(byCollection, collectionIndexKey(o));
    }

    static byte[] objectKey(String userId, String collection, String key) {
        requireText(collection, "collection");
        requireText(key, "key");
        return concat(uuidBytes(userId), lengthPrefixed(collection), utf8(key));
    }

    private static byte[] userIndexKey(StoredStorageObject o) {
        return concat(lengthPrefixed(o.getCollection()), uuidBytes(o.getUserId()),
                new byte[]{(byte) o.getPermissionRead()}, utf8(o.getKey()));
    }

    private static byte[] collectionIndexKey(StoredStorageObject o) {
        return concat(lengthPrefixed(o.getCollection()), new byte[]{(byte) o.getPermissionRead()},
                escaped(utf8(o.getKey())), uuidBytes(o.getUserId()));
    }

    /** {@code len | collection | owner | read | key} → {@code owner | len | collection | key}. */
    private static byte[] objectKeyOfUserIndex(byte[] k) {
        int collectionEnd = 2 + length(k, 0);
        byte[] owner = Arrays.copyOfRange(k, collectionEnd, collectionEnd + 16);
        return concat(owner, Arrays.copyOfRange(k, 0, collectionEnd), Arrays.copyOfRange(k, collectionEnd + 17, k.length));
    }

    /** {@code len | collection | read | escaped key | owner} → {@code owner | len | collection | key}. */
    private static byte[] objectKeyOfCollectionIndex(byte[] k) {
        int collectionEnd = 2 + length(k, 0);
        byte[] owner = Arrays.copyOfRange(k, k.length - 16, k.length);
        byte[] key = unescaped(k, collectionEnd + 1, k.length - 16);
        return concat(owner, Arrays.copyOfRange(k, 0, collectionEnd), key);
    }

    private static int length(byte[] k, int at) {
        return ((k[at] & 0xFF) << 8) | (k[at + 1] & 0xFF);
    }

    private static byte[] escaped(byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + 2);
        for (byte b : key) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(1);
        return out.toByteArray();
    }

    /** The key escaped in {@code k[from, to)} (its terminator included). */
    private static byte[] unescaped(byte[] k, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to - 2; i++) {
            out.write(k[i]);
            if (k[i] == 0) {
                i++;
            }
        }
        return out.toByteArray();
    }

    private static byte[] lengthPrefixed(String text) {
        byte[] bytes = utf8(text);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("collection too long: " + bytes.length + " bytes");
        }
        return concat(new byte[]{(byte) (bytes.length >>> 8), (byte) bytes.length}, bytes);
    }

    private static byte[] uuidBytes(String userId) {
        UUID uuid = UUID.fromString(canonicalUuid(userId));
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
    }

    private static String canonicalUuid(String userId) {
        if (userId == null || userId.length() != 36) {
            throw new IllegalArgumentException("not a UUID: " + userId);
        }
        String canonical = UUID.fromString(userId).toString();
        if (!canonical.equalsIgnoreCase(userId)) {
            throw new IllegalArgumentException("not a UUID: " + userId);
        }
        return canonical;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must be set");
        }
    }

    private static void requirePermissions(int read, int write) {
        if (read < 0 || read > 2 || write < 0 || write > 1) {
            throw new IllegalArgumentException("bad permissions read=" + read + " write=" + write);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static StoredStorageObject parse(byte[] value) {
        try {
            return StoredStorageObject.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt storage object", e);
        }
    }

    static String md5Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(utf8(value)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    private long nowMicros() {
        Instant now = store.clock().instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }

    // ---- cursors ----

    private static byte[] listingHeader(String collection, String userId, int minRead) {
        return concat(new byte[]{CURSOR_TAG, (byte) minRead},
                userId == null ? new byte[16] : uuidBytes(userId), new byte[]{(byte) (userId == null ? 0 : 1)},
                lengthPrefixed(collection));
    }

    private String encodeCursor(byte[] listing, byte[] indexKey) {
        byte[] body = concat(listing, indexKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(concat(body, mac(body)));
    }

    /** The index key a cursor resumes after, if this store made it for {@code listing}. */
    private byte[] decodeCursor(byte[] listing, String text, byte[] prefix) throws InvalidCursorException {
        if (text.length() > MAX_CURSOR_CHARS) {
            throw new InvalidCursorException();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        if (bytes.length < listing.length + MAC_BYTES) {
            throw new InvalidCursorException();
        }
        int bodyLength = bytes.length - MAC_BYTES;
        byte[] body = Arrays.copyOf(bytes, bodyLength);
        if (!MessageDigest.isEqual(mac(body), Arrays.copyOfRange(bytes, bodyLength, bytes.length))
                || !startsWith(body, listing)) {
            throw new InvalidCursorException();
        }
        byte[] position = Arrays.copyOfRange(body, listing.length, bodyLength);
        if (!startsWith(position, prefix)) {
            throw new InvalidCursorException();
        }
        return position;
    }

    private byte[] mac(byte[] body) {
        return cursorMac.of(body, body.length);
    }
}
