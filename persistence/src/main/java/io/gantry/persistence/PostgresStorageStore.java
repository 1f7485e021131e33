package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredStorageObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link StorageStore} on the {@code storage_objects} table of a {@link PostgresStore} (schema in
 * {@code V5__storage.sql}): the primary key {@code (user_id, collection, key)} for reads, writes,
 * deletes and an account's deletion, {@code storage_objects_by_user} and
 * {@code storage_objects_by_collection} for the two listings. Collection and key are stored as
 * their UTF-8 bytes (bytea), so every order is bytewise, the RocksDB store's.
 *
 * <p>Writes and deletes: one transaction per call. It locks the rows it names ({@code SELECT ...
 * FOR UPDATE}, in key order so two calls lock in one order), applies Nakama's rules in Java
 * ({@link RocksStorageStore#apply}, the very rules of the RocksDB store) and writes what changed
 * in one statement per kind (insert, update, delete) — or throws the same
 * {@link StorageRejectedException}, and the transaction rolls back. Rows that were absent cannot be
 * locked: the insert is {@code ON CONFLICT DO NOTHING}, and a row another node inserted meanwhile
 * (fewer rows inserted than asked) makes the whole transaction run again as a serialization
 * failure, now seeing and locking that row. So two nodes sharing the database serialise their
 * writes per object without a JVM lock.
 *
 * <p>One object (most calls) takes one auto-committed statement instead of three round trips:
 * "*" is an insert {@code ON CONFLICT DO NOTHING} (nothing inserted: the version check failed), no
 * version an upsert whose {@code DO UPDATE ... WHERE} holds the write permission and "changes
 * something" rules, a version an {@code UPDATE ... WHERE version = ?}; a delete a {@code DELETE}
 * whose WHERE holds every rule. When the write changes nothing, the row is read and the same
 * rules decide what to answer (the stored object, or the rejection); should that row have changed
 * in between, the call runs on the transactional path.
 *
 * <p>Cursors: base64url of {@code 'Q' | min read | has owner (1) | owner (16, zero for every owner)
 * | collection length (4) | collection | the last returned row's read (1) | key | owner (16) |
 * HMAC-SHA256 (16 bytes)}, signed with a key derived for these cursors only: refused for another
 * listing (owner, collection, permission floor) and refused unparsed when forged.
 *
 * <p>Threads: any blocking thread; no JVM lock, the database's row locks order writers.
 */
final class PostgresStorageStore implements StorageStore, StoreTransfer, PostgresUserOwned {

    private static final byte CURSOR_TAG = 'Q';
    private static final int MAX_CURSOR_CHARS = 8192;
    private static final UUID NIL = new UUID(0, 0);
    private static final byte[] NO_BYTES = new byte[0];
    /** A serialization failure: {@link PostgresDatabase#transaction} runs the work again. */
    private static final String RETRY = "40001";

    private static final String COLUMNS =
            "user_id, collection, key, value, version, read, write, create_time_us, update_time_us";
    private static final String KEYS = "SELECT * FROM unnest(?::uuid[], ?::bytea[], ?::bytea[])";

    // One object, one statement, auto-committed (the common call): the conditions are in the SQL.
    // Insert -> Result; on conflict the row is found through storage_objects_pkey
    static final String CREATE = "INSERT INTO storage_objects (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (user_id, collection, key) DO NOTHING";
    static final String UPSERT = "INSERT INTO storage_objects AS s (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (user_id, collection, key) DO UPDATE SET value = excluded.value, version = excluded.version,"
            + " read = excluded.read, write = excluded.write, update_time_us = excluded.update_time_us"
            + " WHERE (? OR s.write = 1)"
            + " AND (s.version <> excluded.version OR s.read <> excluded.read OR s.write <> excluded.write)"
            + " RETURNING s.create_time_us";
    // Update -> Index Scan using storage_objects_pkey
    static final String UPDATE_VERSION = "UPDATE storage_objects SET value = ?, version = ?, read = ?, write = ?,"
            + " update_time_us = ? WHERE user_id = ? AND collection = ? AND key = ? AND version = ?"
            + " AND (? OR write = 1) AND NOT (version = ? AND read = ? AND write = ?) RETURNING create_time_us";
    // Delete -> Index Scan using storage_objects_pkey
    static final String DELETE_ONE = "DELETE FROM storage_objects WHERE user_id = ? AND collection = ? AND key = ?"
            + " AND (? OR write > 0) AND (? = '' OR version = ?)";

    // Plans (EXPLAIN on 11,000 analyzed rows, PostgresStorageAndFriendPlansTest checks the index of each):
    // Nested Loop -> Unique (Sort (Function Scan on unnest)), Index Scan using storage_objects_pkey
    //   Index Cond: user_id = unnest AND collection = unnest_1 AND key = unnest_2
    static final String READ = "SELECT " + COLUMNS + " FROM storage_objects"
            + " WHERE (user_id, collection, key) IN (" + KEYS + ")";
    // LockRows -> Sort (user_id, collection, key) -> the plan of READ
    static final String LOCK = READ + " ORDER BY user_id, collection, key FOR UPDATE";
    static final String INSERT = "INSERT INTO storage_objects (" + COLUMNS + ")"
            + " SELECT * FROM unnest(?::uuid[], ?::bytea[], ?::bytea[], ?::text[], ?::text[], ?::int[], ?::int[],"
            + " ?::bigint[], ?::bigint[]) ON CONFLICT (user_id, collection, key) DO NOTHING";
    // Update -> Nested Loop -> Function Scan on u, Index Scan using storage_objects_pkey
    static final String UPDATE = "UPDATE storage_objects s SET value = u.value, version = u.version,"
            + " read = u.read, write = u.write, update_time_us = u.update_time_us"
            + " FROM unnest(?::uuid[], ?::bytea[], ?::bytea[], ?::text[], ?::text[], ?::int[], ?::int[], ?::bigint[])"
            + " AS u(user_id, collection, key, value, version, read, write, update_time_us)"
            + " WHERE s.user_id = u.user_id AND s.collection = u.collection AND s.key = u.key";
    // Delete -> the plan of READ
    static final String DELETE = "DELETE FROM storage_objects WHERE (user_id, collection, key) IN (" + KEYS + ")";
    // Limit -> Index Scan using storage_objects_by_user; for the few hundred rows of one owner's
    // collection the planner may prefer Limit -> Sort (read, key) -> Bitmap Heap Scan -> Bitmap Index
    // Scan on storage_objects_by_user, with the same
    //   Index Cond: collection = $1 AND user_id = $2 AND read >= $3 AND ROW(read, key) > ROW($4, $5)
    static final String LIST_BY_USER = "SELECT " + COLUMNS + " FROM storage_objects"
            + " WHERE collection = ? AND user_id = ? AND read >= ? AND (read, key) > (?, ?)"
            + " ORDER BY read, key LIMIT ?";
    // Limit -> Index Scan using storage_objects_by_collection
    //   Index Cond: collection = $1 AND read >= $2 AND ROW(read, key, user_id) > ROW($3, $4, $5)
    static final String LIST_BY_COLLECTION = "SELECT " + COLUMNS + " FROM storage_objects"
            + " WHERE collection = ? AND read >= ? AND (read, key, user_id) > (?, ?, ?)"
            + " ORDER BY read, key, user_id LIMIT ?";
    // Delete -> Index Scan using storage_objects_pkey, Index Cond: user_id = $1
    static final String DELETE_OF_USER = "DELETE FROM storage_objects WHERE user_id = ?";
    // the whole table, in key order (Index Scan using storage_objects_pkey, or a Seq Scan and a Sort)
    private static final String EXPORT = "SELECT " + COLUMNS + " FROM storage_objects ORDER BY user_id, collection, key";
    private static final String IMPORT = "INSERT INTO storage_objects (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final PostgresStore store;
    private final PostgresDatabase db;
    private final CursorMac cursorMac;

    PostgresStorageStore(PostgresStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.cursorMac = new CursorMac(CursorMac.derive(cursorKey, "gantry postgres storage cursors"));
    }

    /** An object's identity; {@code collection} and {@code key} as given, compared as Java strings. */
    private record Key(UUID userId, String collection, String key) {

        static Key of(String userId, String collection, String key) {
            requireText(collection, "collection");
            requireText(key, "key");
            return new Key(uuid(userId), collection, key);
        }

        static Key of(StoredStorageObject o) {
            return new Key(UUID.fromString(o.getUserId()), o.getCollection(), o.getKey());
        }
    }

    /** Carries a rejection out of the transaction's work, which may only throw SQL or runtime exceptions. */
    private static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient StorageRejectedException rejection;

        Rejected(StorageRejectedException rejection) {
            super(null, null, false, false);
            this.rejection = rejection;
        }
    }

    // ---- reads ----

    @Override
    public List<StoredStorageObject> read(List<ObjectKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<Key> wanted = new ArrayList<>(keys.size());
        for (ObjectKey k : keys) {
            wanted.add(Key.of(k.userId(), k.collection(), k.key()));
        }
        Map<Key, StoredStorageObject> found = db.read(c -> select(c, READ, distinct(wanted)));
        List<StoredStorageObject> result = new ArrayList<>(wanted.size());
        for (Key k : wanted) {
            StoredStorageObject o = found.get(k);
            if (o != null) {
                result.add(o);
            }
        }
        return result;
    }

    // ---- writes ----

    @Override
    public List<StoredStorageObject> write(List<Write> writes, boolean authoritative) throws StorageRejectedException {
        if (writes.isEmpty()) {
            return List.of();
        }
        List<Key> keys = new ArrayList<>(writes.size());
        for (Write w : writes) {
            requirePermissions(w.permissionRead(), w.permissionWrite());
            keys.add(Key.of(w.userId(), w.collection(), w.key()));
        }
        if (writes.size() == 1) {
            StoredStorageObject ack = writeOne(writes.get(0), keys.get(0), authoritative);
            if (ack != null) {
                return List.of(ack);
            }
        }
        List<Key> distinct = distinct(keys);
        try {
            return db.transaction(c -> writeIn(c, writes, keys, distinct, authoritative));
        } catch (Rejected e) {
            throw e.rejection;
        }
    }

    /**
     * One object in one auto-committed statement whose conditions are Nakama's rules: {@link #CREATE}
     * for "*", {@link #UPSERT} for no version, {@link #UPDATE_VERSION} for a version. When it
     * changes nothing, the row is read to tell which rule held ({@link RocksStorageStore#apply} on
     * it: the same, a rejection); if that row would now be changed (another call changed it in
     * between), returns null and the caller takes the transactional path.
     */
    private StoredStorageObject writeOne(Write w, Key k, boolean authoritative) throws StorageRejectedException {
        long now = RocksKeys.nowMicros(store.clock());
        String version = RocksStorageStore.md5Hex(w.value());
        byte[] collection = utf8(k.collection());
        byte[] key = utf8(k.key());
        Long created = db.read(c -> {
            if (w.version().equals("*")) {
                try (PreparedStatement s = c.prepareStatement(CREATE)) {
                    bindRow(s, k.userId(), collection, key, w, version, now);
                    return s.executeUpdate() == 1 ? now : null;
                }
            }
            boolean unconditional = w.version().isEmpty();
            try (PreparedStatement s = c.prepareStatement(unconditional ? UPSERT : UPDATE_VERSION)) {
                if (unconditional) {
                    bindRow(s, k.userId(), collection, key, w, version, now);
                    s.setBoolean(10, authoritative);
                } else {
                    s.setString(1, w.value());
                    s.setString(2, version);
                    s.setInt(3, w.permissionRead());
                    s.setInt(4, w.permissionWrite());
                    s.setLong(5, now);
                    s.setObject(6, k.userId());
                    s.setBytes(7, collection);
                    s.setBytes(8, key);
                    s.setString(9, w.version());
                    s.setBoolean(10, authoritative);
                    s.setString(11, version);
                    s.setInt(12, w.permissionRead());
                    s.setInt(13, w.permissionWrite());
                }
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : null;
                }
            }
        });
        if (created != null) {
            return StoredStorageObject.newBuilder().setCollection(k.collection()).setKey(k.key())
                    .setUserId(k.userId().toString()).setValue(w.value()).setVersion(version)
                    .setPermissionRead(w.permissionRead()).setPermissionWrite(w.permissionWrite())
                    .setCreateTimeUs(created).setUpdateTimeUs(now).build();
        }
        if (w.version().equals("*")) {
            throw new StorageRejectedException(StorageRejectedException.Reason.VERSION);
        }
        StoredStorageObject current = db.read(c -> select(c, READ, List.of(k))).get(k);
        StoredStorageObject result = RocksStorageStore.apply(w, current, authoritative, now);
        return result == current ? current : null;
    }

    private static void bindRow(PreparedStatement s, UUID userId, byte[] collection, byte[] key, Write w, String version,
                                long now) throws SQLException {
        s.setObject(1, userId);
        s.setBytes(2, collection);
        s.setBytes(3, key);
        s.setString(4, w.value());
        s.setString(5, version);
        s.setInt(6, w.permissionRead());
        s.setInt(7, w.permissionWrite());
        s.setLong(8, now);
        s.setLong(9, now);
    }

    private List<StoredStorageObject> writeIn(Connection c, List<Write> writes, List<Key> keys, List<Key> distinct,
                                              boolean authoritative) throws SQLException {
        Map<Key, StoredStorageObject> stored = select(c, LOCK, distinct);
        Map<Key, StoredStorageObject> current = new HashMap<>(stored);
        Map<Key, StoredStorageObject> changed = new LinkedHashMap<>();
        long now = RocksKeys.nowMicros(store.clock());
        List<StoredStorageObject> acks = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            Key k = keys.get(i);
            StoredStorageObject before = current.get(k);
            StoredStorageObject result;
            try {
                result = RocksStorageStore.apply(writes.get(i), before, authoritative, now);
            } catch (StorageRejectedException e) {
                throw new Rejected(e);
            }
            if (result != before) {
                current.put(k, result);
                changed.put(k, result);
            }
            acks.add(result);
        }
        List<StoredStorageObject> inserts = new ArrayList<>();
        List<StoredStorageObject> updates = new ArrayList<>();
        for (Map.Entry<Key, StoredStorageObject> e : changed.entrySet()) {
            (stored.containsKey(e.getKey()) ? updates : inserts).add(e.getValue());
        }
        if (!inserts.isEmpty() && insert(c, inserts) != inserts.size()) {
            // Another transaction inserted one of them since we found it absent: check again.
            throw new SQLException("a storage object was inserted concurrently", RETRY);
        }
        if (!updates.isEmpty()) {
            update(c, updates);
        }
        return acks;
    }

    @Override
    public void delete(List<Delete> deletes, boolean authoritative) throws StorageRejectedException {
        if (deletes.isEmpty()) {
            return;
        }
        List<Key> keys = new ArrayList<>(deletes.size());
        for (Delete d : deletes) {
            keys.add(Key.of(d.userId(), d.collection(), d.key()));
        }
        if (deletes.size() == 1) {
            deleteOne(deletes.get(0), keys.get(0), authoritative);
            return;
        }
        List<Key> distinct = distinct(keys);
        try {
            db.transaction(c -> {
                Map<Key, StoredStorageObject> current = select(c, LOCK, distinct);
                List<Key> doomed = new ArrayList<>();
                for (int i = 0; i < deletes.size(); i++) {
                    Delete d = deletes.get(i);
                    Key k = keys.get(i);
                    StoredStorageObject o = current.get(k);
                    boolean versioned = !d.version().isEmpty();
                    boolean deletes1 = o != null
                            && (authoritative || o.getPermissionWrite() > 0)
                            && (!versioned || o.getVersion().equals(d.version()));
                    if (!deletes1) {
                        if (authoritative && !versioned) {
                            continue;   // Nakama: nothing to delete is a no-op for server code
                        }
                        throw new Rejected(new StorageRejectedException(StorageRejectedException.Reason.DELETE));
                    }
                    current.remove(k);
                    doomed.add(k);
                }
                if (!doomed.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement(DELETE)) {
                        bindKeys(c, s, doomed);
                        s.executeUpdate();
                    }
                }
                return null;
            });
        } catch (Rejected e) {
            throw e.rejection;
        }
    }

    /**
     * One object in one auto-committed statement ({@link #DELETE_ONE}, Nakama's conditions in its
     * WHERE): deleting nothing is a rejection, except for server code without a version, where the
     * only way to delete nothing is a missing object.
     */
    private void deleteOne(Delete d, Key k, boolean authoritative) throws StorageRejectedException {
        int deleted = db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(DELETE_ONE)) {
                s.setObject(1, k.userId());
                s.setBytes(2, utf8(k.collection()));
                s.setBytes(3, utf8(k.key()));
                s.setBoolean(4, authoritative);
                s.setString(5, d.version());
                s.setString(6, d.version());
                return s.executeUpdate();
            }
        });
        if (deleted == 0 && !(authoritative && d.version().isEmpty())) {
            throw new StorageRejectedException(StorageRejectedException.Reason.DELETE);
        }
    }

    @Override
    public void deleteAllOf(Connection connection, String userId) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(DELETE_OF_USER)) {
            s.setObject(1, uuid(userId));
            s.executeUpdate();
        }
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
        UUID owner = userId == null ? null : uuid(userId);
        byte[] listing = listingHeader(collection, owner, minRead);
        Position after = cursor == null || cursor.isEmpty() ? null : decodeCursor(listing, cursor);
        byte[] collectionBytes = utf8(collection);
        List<StoredStorageObject> rows = db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(owner == null ? LIST_BY_COLLECTION : LIST_BY_USER)) {
                int i = 1;
                s.setBytes(i++, collectionBytes);
                if (owner != null) {
                    s.setObject(i++, owner);
                }
                s.setInt(i++, minRead);
                s.setInt(i++, after == null ? -1 : after.read());
                s.setBytes(i++, after == null ? NO_BYTES : after.key());
                if (owner == null) {
                    s.setObject(i++, after == null ? NIL : after.userId());
                }
                s.setInt(i, limit + 1);
                List<StoredStorageObject> out = new ArrayList<>(Math.min(limit + 1, 128));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(row(r));
                    }
                }
                return out;
            }
        });
        if (rows.size() <= limit) {
            return new Page(rows, "");
        }
        List<StoredStorageObject> page = rows.subList(0, limit);
        return new Page(page, encodeCursor(listing, page.get(limit - 1)));
    }

    // ---- export and import ----

    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(EXPORT)) {
                s.setFetchSize(1000);   // a cursor, not the whole table in memory (needs the transaction)
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setStorageObject(row(r)).build());
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void importRecords(List<DumpRecord> records) {
        List<StoredStorageObject> objects = new ArrayList<>(records.size());
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("not a storage object: " + record.getRecordCase());
            }
            StoredStorageObject o = record.getStorageObject();
            Key.of(o.getUserId(), o.getCollection(), o.getKey());
            requirePermissions(o.getPermissionRead(), o.getPermissionWrite());
            objects.add(o);
        }
        if (objects.isEmpty()) {
            return;
        }
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(IMPORT)) {
                int pending = 0;
                for (StoredStorageObject o : objects) {
                    s.setObject(1, UUID.fromString(o.getUserId()));
                    s.setBytes(2, utf8(o.getCollection()));
                    s.setBytes(3, utf8(o.getKey()));
                    s.setString(4, o.getValue());
                    s.setString(5, o.getVersion());
                    s.setInt(6, o.getPermissionRead());
                    s.setInt(7, o.getPermissionWrite());
                    s.setLong(8, o.getCreateTimeUs());
                    s.setLong(9, o.getUpdateTimeUs());
                    s.addBatch();
                    if (++pending == 1000) {
                        s.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    s.executeBatch();
                }
            }
            return null;
        });
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.getRecordCase() == DumpRecord.RecordCase.STORAGE_OBJECT;
    }

    // ---- SQL ----

    /** The stored objects among {@code keys} (distinct), by key; with {@link #LOCK}, locked. */
    private static Map<Key, StoredStorageObject> select(Connection c, String sql, List<Key> keys) throws SQLException {
        Map<Key, StoredStorageObject> found = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bindKeys(c, s, keys);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    StoredStorageObject o = row(r);
                    found.put(Key.of(o), o);
                }
            }
        }
        return found;
    }

    /** Inserts {@code objects} (none stored with their keys); returns how many rows it inserted. */
    private static int insert(Connection c, List<StoredStorageObject> objects) throws SQLException {
        int n = objects.size();
        UUID[] users = new UUID[n];
        byte[][] collections = new byte[n][];
        byte[][] keys = new byte[n][];
        String[] values = new String[n];
        String[] versions = new String[n];
        Integer[] reads = new Integer[n];
        Integer[] writes = new Integer[n];
        Long[] created = new Long[n];
        Long[] updated = new Long[n];
        for (int i = 0; i < n; i++) {
            StoredStorageObject o = objects.get(i);
            users[i] = UUID.fromString(o.getUserId());
            collections[i] = utf8(o.getCollection());
            keys[i] = utf8(o.getKey());
            values[i] = o.getValue();
            versions[i] = o.getVersion();
            reads[i] = o.getPermissionRead();
            writes[i] = o.getPermissionWrite();
            created[i] = o.getCreateTimeUs();
            updated[i] = o.getUpdateTimeUs();
        }
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            bind(s, c.createArrayOf("uuid", users), c.createArrayOf("bytea", collections), c.createArrayOf("bytea", keys),
                    c.createArrayOf("text", values), c.createArrayOf("text", versions), c.createArrayOf("int4", reads),
                    c.createArrayOf("int4", writes), c.createArrayOf("int8", created), c.createArrayOf("int8", updated));
            return s.executeUpdate();
        }
    }

    /** Updates {@code objects}, whose rows this transaction holds locked. */
    private static void update(Connection c, List<StoredStorageObject> objects) throws SQLException {
        int n = objects.size();
        UUID[] users = new UUID[n];
        byte[][] collections = new byte[n][];
        byte[][] keys = new byte[n][];
        String[] values = new String[n];
        String[] versions = new String[n];
        Integer[] reads = new Integer[n];
        Integer[] writes = new Integer[n];
        Long[] updated = new Long[n];
        for (int i = 0; i < n; i++) {
            StoredStorageObject o = objects.get(i);
            users[i] = UUID.fromString(o.getUserId());
            collections[i] = utf8(o.getCollection());
            keys[i] = utf8(o.getKey());
            values[i] = o.getValue();
            versions[i] = o.getVersion();
            reads[i] = o.getPermissionRead();
            writes[i] = o.getPermissionWrite();
            updated[i] = o.getUpdateTimeUs();
        }
        try (PreparedStatement s = c.prepareStatement(UPDATE)) {
            bind(s, c.createArrayOf("uuid", users), c.createArrayOf("bytea", collections), c.createArrayOf("bytea", keys),
                    c.createArrayOf("text", values), c.createArrayOf("text", versions), c.createArrayOf("int4", reads),
                    c.createArrayOf("int4", writes), c.createArrayOf("int8", updated));
            s.executeUpdate();
        }
    }

    private static void bindKeys(Connection c, PreparedStatement s, List<Key> keys) throws SQLException {
        int n = keys.size();
        UUID[] users = new UUID[n];
        byte[][] collections = new byte[n][];
        byte[][] names = new byte[n][];
        for (int i = 0; i < n; i++) {
            Key k = keys.get(i);
            users[i] = k.userId();
            collections[i] = utf8(k.collection());
            names[i] = utf8(k.key());
        }
        bind(s, c.createArrayOf("uuid", users), c.createArrayOf("bytea", collections), c.createArrayOf("bytea", names));
    }

    private static void bind(PreparedStatement s, Array... arrays) throws SQLException {
        for (int i = 0; i < arrays.length; i++) {
            s.setArray(i + 1, arrays[i]);
        }
    }

    /** The object of a row of {@link #COLUMNS}. */
    private static StoredStorageObject row(ResultSet r) throws SQLException {
        return StoredStorageObject.newBuilder()
                .setUserId(r.getObject(1, UUID.class).toString())
                .setCollection(new String(r.getBytes(2), StandardCharsets.UTF_8))
                .setKey(new String(r.getBytes(3), StandardCharsets.UTF_8))
                .setValue(r.getString(4))
                .setVersion(r.getString(5))
                .setPermissionRead(r.getInt(6))
                .setPermissionWrite(r.getInt(7))
                .setCreateTimeUs(r.getLong(8))
                .setUpdateTimeUs(r.getLong(9))
                .build();
    }

    private static List<Key> distinct(List<Key> keys) {
        return keys.size() == 1 ? keys : List.copyOf(new java.util.LinkedHashSet<>(keys));
    }

    // ---- cursors ----

    /** Where a listing resumes: after the row with this read permission, key (UTF-8) and owner. */
    private record Position(int read, byte[] key, UUID userId) {
    }

    private static byte[] listingHeader(String collection, UUID owner, int minRead) {
        byte[] name = utf8(collection);
        UUID id = owner == null ? NIL : owner;
        return ByteBuffer.allocate(3 + 16 + 4 + name.length).put(CURSOR_TAG).put((byte) minRead)
                .put((byte) (owner == null ? 0 : 1)).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).putInt(name.length).put(name).array();
    }

    private String encodeCursor(byte[] listing, StoredStorageObject last) {
        byte[] key = utf8(last.getKey());
        UUID owner = UUID.fromString(last.getUserId());
        int body = listing.length + 1 + key.length + 16;
        ByteBuffer b = ByteBuffer.allocate(body + CursorMac.BYTES).put(listing).put((byte) last.getPermissionRead())
                .put(key).putLong(owner.getMostSignificantBits()).putLong(owner.getLeastSignificantBits());
        byte[] bytes = b.array();
        System.arraycopy(cursorMac.of(bytes, body), 0, bytes, body, CursorMac.BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Position decodeCursor(byte[] listing, String text) throws InvalidCursorException {
        if (text.length() > MAX_CURSOR_CHARS) {
            throw new InvalidCursorException();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        int body = bytes.length - CursorMac.BYTES;
        if (body < listing.length + 1 + 16
                || !MessageDigest.isEqual(cursorMac.of(bytes, body), Arrays.copyOfRange(bytes, body, bytes.length))
                || !Arrays.equals(bytes, 0, listing.length, listing, 0, listing.length)) {
            throw new InvalidCursorException();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, body - 16, 16);
        UUID owner = new UUID(b.getLong(), b.getLong());
        int read = bytes[listing.length];
        if (read < 0 || read > 2) {
            throw new InvalidCursorException();
        }
        return new Position(read, Arrays.copyOfRange(bytes, listing.length + 1, body - 16), owner);
    }

    // ---- values ----

    private static UUID uuid(String userId) {
        if (userId == null || userId.length() != 36) {
            throw new IllegalArgumentException("not a UUID: " + userId);
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(userId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a UUID: " + userId);
        }
        if (!uuid.toString().equalsIgnoreCase(userId)) {
            throw new IllegalArgumentException("not a UUID: " + userId);
        }
        return uuid;
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
}
