package io.gantry.persistence;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.persistence.HistoryCursorCodec.Cursor;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredNotification;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link NotificationStore} on the {@code notifications} column family of a {@link RocksStore}.
 *
 * <p>Key layout (all integers big-endian, so bytewise order is time order):
 * <ul>
 *   <li>{@code 0x01 | user id (16) | create time µs (8) | notification id (16)} → the
 *       {@code StoredNotification}: one user is one contiguous, time-ordered range;</li>
 *   <li>{@code 0x02 | user id (16) | notification id (16)} → create time µs (8): finds the
 *       record a delete names, and only within the caller's own range.</li>
 * </ul>
 *
 * <p>Cursors are the history cursors' format ({@link HistoryCursorCodec}) with the user id in
 * place of the channel id, signed with a key derived from the history cursor key for this use
 * only: a notification cursor is refused by history and the other way round, and one user's
 * cursor is refused for another.
 *
 * <p>Threads: any. A listing runs on one RocksDB iterator (one consistent snapshot); a save or a
 * delete is one write batch, synced when {@link StoreOptions#syncWrites()}. The server stores
 * notifications through the {@link GroupCommitWriter} instead ({@link NotificationWrite}), which
 * shares one batch and one WAL sync with everything queued meanwhile.
 */
final class RocksNotificationStore implements NotificationStore, StoreTransfer {

    private static final byte DATA = 0x01;
    private static final byte INDEX = 0x02;
    private static final int PREFIX_BYTES = 1 + 16;
    private static final int DATA_KEY_BYTES = PREFIX_BYTES + 8 + 16;
    private static final UUID BEGINNING = new UUID(0, 0);

    private final RocksStore store;
    private final RocksDB db;
    private final ColumnFamilyHandle cf;
    private final HistoryCursorCodec cursors;

    RocksNotificationStore(RocksStore store, byte[] historyCursorKey) {
        this.store = store;
        this.db = store.db();
        this.cf = store.handle(StoreColumnFamily.NOTIFICATIONS);
        this.cursors = new HistoryCursorCodec(CursorMac.derive(historyCursorKey, "gantry notification cursors"));
    }

    // ---- writes ----

    @Override
    public void save(List<StoredNotification> notifications) {
        if (notifications.isEmpty()) {
            return;
        }
        for (StoredNotification n : notifications) {
            validate(n);
        }
        store.checkOpen();
        try (WriteBatch batch = new WriteBatch()) {
            addTo(batch, notifications);
            db.write(store.writeOptions(), batch);
        } catch (RocksDBException e) {
            throw new StoreException("writing " + notifications.size() + " notifications failed", e);
        }
    }

    /** Refuses a notification whose ids are not UUIDs or whose create time is negative. */
    static void validate(StoredNotification n) {
        if (HistoryKeys.parseUuid(n.getId()) == null || HistoryKeys.parseUuid(n.getUserId()) == null) {
            throw new IllegalArgumentException("notification id and user id must be UUIDs: " + n.getId()
                    + " for " + n.getUserId());
        }
        if (n.getCreateTimeUs() < 0) {
            throw new IllegalArgumentException("create_time_us must not be negative, was " + n.getCreateTimeUs());
        }
    }

    /** Adds the records of validated notifications to a batch (the save above, the store writer's rounds). */
    void addTo(WriteBatch batch, List<StoredNotification> notifications) throws RocksDBException {
        for (StoredNotification n : notifications) {
            UUID user = UUID.fromString(n.getUserId());
            UUID id = UUID.fromString(n.getId());
            batch.put(cf, dataKey(user, n.getCreateTimeUs(), id), n.toByteArray());
            batch.put(cf, indexKey(user, id), ByteBuffer.allocate(8).putLong(n.getCreateTimeUs()).array());
        }
    }

    @Override
    public int delete(String userId, Collection<String> notificationIds) {
        UUID user = HistoryKeys.parseUuid(userId);
        if (user == null || notificationIds.isEmpty()) {
            return 0;
        }
        store.checkOpen();
        try (WriteBatch batch = new WriteBatch()) {
            int deleted = 0;
            // Reads do not see the unwritten batch: name each id once, so it is counted once.
            Set<UUID> ids = new HashSet<>();
            for (String text : notificationIds) {
                UUID id = HistoryKeys.parseUuid(text);
                if (id == null || !ids.add(id)) {
                    continue;
                }
                byte[] index = indexKey(user, id);
                byte[] time = db.get(cf, index);
                if (time == null || time.length != 8) {
                    continue; // not this user's, or gone already
                }
                batch.delete(cf, index);
                batch.delete(cf, dataKey(user, ByteBuffer.wrap(time).getLong(), id));
                deleted++;
            }
            if (deleted > 0) {
                db.write(store.writeOptions(), batch);
            }
            return deleted;
        } catch (RocksDBException e) {
            throw new StoreException("deleting notifications failed", e);
        }
    }

    // ---- reads ----

    @Override
    public NotificationPage list(String userId, int limit, String cursorOrNull) throws InvalidCursorException {
        UUID user = HistoryKeys.parseUuid(userId);
        if (user == null) {
            throw new IllegalArgumentException("userId must be a UUID");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ", was " + limit);
        }
        String owner = user.toString();
        Cursor incoming = null;
        if (cursorOrNull != null && !cursorOrNull.isEmpty()) {
            incoming = cursors.decode(owner, cursorOrNull);
            if (!incoming.forward() || !incoming.next()) {
                throw new InvalidCursorException();
            }
        }
        store.checkOpen();
        byte[] prefix = prefix(DATA, user);
        List<StoredNotification> page = new ArrayList<>(Math.min(limit, 16));
        try (RocksIterator it = db.newIterator(cf)) {
            if (incoming == null) {
                it.seek(prefix);
            } else {
                byte[] from = dataKey(user, incoming.createTimeUs(), incoming.messageId());
                it.seek(from);
                if (it.isValid() && Arrays.equals(it.key(), from)) {
                    it.next(); // strictly after the cursor's position
                }
            }
            while (page.size() < limit && it.isValid() && inRange(it.key(), prefix)) {
                page.add(parse(it.value()));
                it.next();
            }
            try {
                it.status();
            } catch (RocksDBException e) {
                throw new StoreException("RocksDB iteration failed", e);
            }
        }
        String cacheable;
        if (!page.isEmpty()) {
            StoredNotification last = page.get(page.size() - 1);
            cacheable = cursors.encode(owner, new Cursor(true, true, last.getCreateTimeUs(), UUID.fromString(last.getId())));
        } else if (incoming != null) {
            cacheable = cursorOrNull; // nothing newer: the client keeps its place
        } else {
            cacheable = cursors.encode(owner, new Cursor(true, true, 0, BEGINNING));
        }
        return new NotificationPage(page, cacheable);
    }

    // ---- export and import ----

    /** Every notification, in key order (user, create time, id). */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        store.checkOpen();
        try (RocksIterator it = db.newIterator(cf)) {
            for (it.seek(new byte[]{DATA}); it.isValid() && it.key()[0] == DATA; it.next()) {
                sink.accept(DumpRecord.newBuilder().setNotification(parse(it.value())).build());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("RocksDB iteration failed", e);
        }
    }

    /** Each notification with its index entry, all in one write batch. */
    @Override
    public void importRecords(List<DumpRecord> records) {
        List<StoredNotification> all = new ArrayList<>(records.size());
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("not a notification record: " + record.getRecordCase());
            }
            validate(record.getNotification());
            all.add(record.getNotification());
        }
        store.checkOpen();
        try (WriteBatch batch = new WriteBatch()) {
            addTo(batch, all);
            db.write(store.writeOptions(), batch);
        } catch (RocksDBException e) {
            throw new StoreException("importing " + all.size() + " notifications failed", e);
        }
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasNotification();
    }

    // ---- keys ----

    private static byte[] prefix(byte kind, UUID user) {
        return ByteBuffer.allocate(PREFIX_BYTES)
                .put(kind)
                .putLong(user.getMostSignificantBits())
                .putLong(user.getLeastSignificantBits())
                .array();
    }

    private static byte[] dataKey(UUID user, long createTimeUs, UUID id) {
        return ByteBuffer.allocate(DATA_KEY_BYTES)
                .put(DATA)
                .putLong(user.getMostSignificantBits())
                .putLong(user.getLeastSignificantBits())
                .putLong(createTimeUs)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
    }

    private static byte[] indexKey(UUID user, UUID id) {
        return ByteBuffer.allocate(PREFIX_BYTES + 16)
                .put(INDEX)
                .putLong(user.getMostSignificantBits())
                .putLong(user.getLeastSignificantBits())
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
    }

    private static boolean inRange(byte[] key, byte[] prefix) {
        return key.length == DATA_KEY_BYTES && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static StoredNotification parse(byte[] value) {
        try {
            return StoredNotification.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt notification record", e);
        }
    }
}
