package io.gantry.persistence;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import static io.gantry.persistence.RocksKeys.ID;
import static io.gantry.persistence.RocksKeys.uuidBytes;
import static io.gantry.persistence.RocksKeys.uuidText;

/**
 * {@link LeaderboardStore} on three column families of a {@link RocksStore} (layouts in
 * {@link StoreColumnFamily#LEADERBOARDS}, {@link StoreColumnFamily#LEADERBOARD_RECORDS} and
 * {@link StoreColumnFamily#LEADERBOARD_OWNER_RECORDS}). A record lives in the last two at once;
 * every write of a record changes both in one {@link WriteBatch}, with the board when its size grew.
 *
 * <p>Locks: one of {@value #STRIPES} striped locks per board, chosen by the id's hash, held by
 * {@link #create}, {@link #change} and {@link #delete} of that board while they read, decide and
 * commit, and released before they wait for the write-ahead log's sync (the store's shared
 * {@link WalSync}, so concurrent writers share one fsync). {@link #deleteAllOf} takes every stripe,
 * in index order (the only caller taking more than one, so there is no lock cycle). Reads take no
 * lock: a RocksDB read or iterator sees one implicit snapshot.
 *
 * <p>A board's deletion is one batch (the board and a range deletion of all its records, so that a
 * crash leaves both or neither), then the owner-index entries of those records, found through a
 * snapshot taken before the deletion, in batches of {@value #DELETE_BATCH}: a crash between leaves
 * only index entries whose record is gone, which {@link #deleteAllOf} skips and removes.
 *
 * <p>{@link #forEachRecord} decodes only the score and subscore of each value (a partial parse of
 * the protobuf) and the owner from the key, reading both into reused direct buffers.
 *
 * <p>Threads: any blocking thread. A {@link RecordChange} runs under its board's lock, so it must
 * not wait for another thread nor call this store's writes.
 */
final class RocksLeaderboardStore implements LeaderboardStore, RocksUserOwned, StoreTransfer {

    /** The longest board id, in UTF-8 bytes: it is in every record key. */
    static final int MAX_ID_BYTES = 1024;
    private static final int STRIPES = 64;
    /** Owner-index deletions per batch when a board is deleted. */
    private static final int DELETE_BATCH = 10_000;
    private static final byte[] EMPTY = new byte[0];
    /** A protobuf tag: field number, then the wire type in the low three bits. */
    private static final int SCORE_TAG = StoredLeaderboardRecord.SCORE_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
    private static final int SUBSCORE_TAG = StoredLeaderboardRecord.SUBSCORE_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_VARINT;

    private final RocksStore store;
    private final RocksDB db;
    private final ColumnFamilyHandle boards;
    private final ColumnFamilyHandle records;
    private final ColumnFamilyHandle owners;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    RocksLeaderboardStore(RocksStore store) {
        this.store = store;
        this.db = store.db();
        this.boards = store.handle(StoreColumnFamily.LEADERBOARDS);
        this.records = store.handle(StoreColumnFamily.LEADERBOARD_RECORDS);
        this.owners = store.handle(StoreColumnFamily.LEADERBOARD_OWNER_RECORDS);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    // ---- writes ----

    @Override
    public Created create(StoredLeaderboard board) {
        Objects.requireNonNull(board, "board");
        byte[] id = idBytes(board.getId());
        store.checkOpen();
        Created result;
        long ticket;
        ReentrantLock lock = lockOf(board.getId());
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            byte[] existing = db.get(boards, id);
            if (existing != null) {
                result = new Created(parseBoard(existing), false);
            } else {
                long createTime = board.getCreateTime() != 0 ? board.getCreateTime()
                        : store.clock().instant().getEpochSecond();
                StoredLeaderboard stored = board.toBuilder().setCreateTime(createTime).setSize(0).build();
                batch.put(boards, id, stored.toByteArray());
                result = new Created(stored, true);
            }
            // nothing written for an existing board: the last write's ticket, so that a board still
            // on its way to disk is not confirmed before it is durable
            ticket = store.commitUnsynced(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot create leaderboard " + board.getId(), e);
        } finally {
            lock.unlock();
        }
        store.awaitDurable(ticket);
        return result;
    }

    @Override
    public boolean delete(String boardId) {
        byte[] id = idBytes(boardId);
        store.checkOpen();
        boolean existed;
        long ticket;
        ReentrantLock lock = lockOf(boardId);
        lock.lock();
        try {
            existed = db.get(boards, id) != null;
            if (!existed) {
                try (WriteBatch nothing = new WriteBatch()) {
                    ticket = store.commitUnsynced(nothing);
                }
            } else {
                ticket = deleteBoard(id);
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot delete leaderboard " + boardId, e);
        } finally {
            lock.unlock();
        }
        store.awaitDurable(ticket);
        return existed;
    }

    /** The board and its records in one batch, then their owner-index entries. Caller holds the board's lock. */
    private long deleteBoard(byte[] id) throws RocksDBException {
        byte[] prefix = boardPrefix(id);
        byte[] end = successor(prefix);
        Snapshot snapshot = db.getSnapshot();
        try (Slice upper = new Slice(end);
             ReadOptions read = new ReadOptions().setSnapshot(snapshot).setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(records, read)) {
            long ticket;
            try (WriteBatch batch = new WriteBatch()) {
                batch.delete(boards, id);
                batch.deleteRange(records, prefix, end);
                ticket = store.commitUnsynced(batch);
            }
            // the snapshot still sees the records just deleted: their owners name the index entries
            WriteBatch batch = new WriteBatch();
            try {
                for (it.seek(prefix); it.isValid(); it.next()) {
                    batch.delete(owners, ownerKey(it.key(), prefix.length + 8));
                    if (batch.count() == DELETE_BATCH) {
                        ticket = store.commitUnsynced(batch);
                        batch.close();
                        batch = new WriteBatch();
                    }
                }
                it.status();
                if (batch.count() > 0) {
                    ticket = store.commitUnsynced(batch);
                }
            } finally {
                batch.close();
            }
            return ticket;
        } finally {
            db.releaseSnapshot(snapshot);
            snapshot.close();
        }
    }

    @Override
    public <T, E extends Exception> T change(String boardId, long expiry, String ownerId,
                                             RecordChange<T, E> change) throws E {
        Objects.requireNonNull(change, "change");
        byte[] id = idBytes(boardId);
        requireExpiry(expiry);
        byte[] owner = uuidBytes(ownerId);
        store.checkOpen();
        byte[] key = recordKey(id, expiry, owner);
        T result;
        long ticket;
        ReentrantLock lock = lockOf(boardId);
        lock.lock();
        try {
            byte[] board = db.get(boards, id);
            if (board == null) {
                throw new NoSuchElementException("no leaderboard " + boardId);
            }
            byte[] record = db.get(records, key);
            View view = new View(parseBoard(board), record == null ? null : parseRecord(record), boardId, expiry,
                    uuidText(owner));
            try {
                result = change.decide(view);
            } finally {
                view.closed = true;
            }
            try (WriteBatch batch = new WriteBatch()) {
                view.writeInto(batch, id, key);
                ticket = store.commitUnsynced(batch);
                if (batch.count() > 0) {
                    change.written(view.current());
                }
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot change a record of leaderboard " + boardId, e);
        } finally {
            lock.unlock();
        }
        // outside the lock: one sync of the log covers this change and those made meanwhile
        store.awaitDurable(ticket);
        return result;
    }

    /** One {@link #change}'s view of its record; nothing is written until {@link #writeInto}. */
    private final class View implements RecordView {

        private final String boardId;
        private final long expiry;
        private final String owner;
        /** The record as stored when the change began, or null. */
        private final StoredLeaderboardRecord original;
        /** The board, its size grown by {@link #growSize}. */
        private StoredLeaderboard board;
        private boolean grown;
        /** Whether the change put or deleted the record; {@link #next} is what it put (null: deleted). */
        private boolean touched;
        private StoredLeaderboardRecord next;
        private boolean closed;

        View(StoredLeaderboard board, StoredLeaderboardRecord original, String boardId, long expiry, String owner) {
            this.board = board;
            this.original = original;
            this.boardId = boardId;
            this.expiry = expiry;
            this.owner = owner;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("a record view is valid only inside its change");
            }
        }

        @Override
        public StoredLeaderboard board() {
            checkOpen();
            return board;
        }

        @Override
        public StoredLeaderboardRecord record() {
            checkOpen();
            return current();
        }

        /** The record as the change leaves it (null: none). */
        StoredLeaderboardRecord current() {
            return touched ? next : original;
        }

        @Override
        public void put(StoredLeaderboardRecord record) {
            checkOpen();
            Objects.requireNonNull(record, "record");
            // the key's fields are the change's, whatever the record says
            next = record.toBuilder().setLeaderboardId(boardId).setOwnerId(owner).setExpiryTime(expiry).build();
            touched = true;
        }

        @Override
        public void delete() {
            checkOpen();
            next = null;
            touched = true;
        }

        @Override
        public boolean growSize(int maxSize) {
            checkOpen();
            if (maxSize < 0) {
                throw new IllegalArgumentException("maxSize must be 0 (no limit) or positive, was " + maxSize);
            }
            int size = board.getSize();
            if ((maxSize != 0 && size >= maxSize) || size == Integer.MAX_VALUE) {
                return false;
            }
            board = board.toBuilder().setSize(size + 1).build();
            grown = true;
            return true;
        }

        void writeInto(WriteBatch batch, byte[] id, byte[] key) throws RocksDBException {
            if (touched && next != null) {
                batch.put(records, key, next.toByteArray());
                batch.put(owners, ownerKey(key, key.length - ID), EMPTY);
            } else if (touched && original != null) {
                batch.delete(records, key);
                batch.delete(owners, ownerKey(key, key.length - ID));
            }
            if (grown) {
                batch.put(boards, id, board.toByteArray());
            }
        }
    }

    /**
     * Deletes the owner's records under every stripe's lock, so that no change of any board slips
     * in between the index scan and the write.
     */
    @Override
    public List<StoredLeaderboardRecord> deleteAllOf(String ownerId) {
        store.checkOpen();
        List<StoredLeaderboardRecord> deleted;
        long ticket;
        Lock all = writeLock();
        all.lock();
        try (WriteBatch batch = new WriteBatch()) {
            deleted = addDeletionsOf(ownerId, batch);
            ticket = store.commitUnsynced(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot delete the leaderboard records of " + ownerId, e);
        } finally {
            all.unlock();
        }
        store.awaitDurable(ticket);
        return deleted;
    }

    /** An account deletion: the owner's records go in the account's batch (see {@link RocksUserOwned}). */
    @Override
    public void deleteAllOf(String userId, WriteBatch batch) throws RocksDBException {
        addDeletionsOf(userId, batch);
    }

    /** Every stripe, taken in index order and released in reverse: what a deletion of an owner holds. */
    @Override
    public Lock writeLock() {
        return allStripes;
    }

    /** Adds to the batch the deletion of the owner's records and index entries; answers the records. */
    private List<StoredLeaderboardRecord> addDeletionsOf(String ownerId, WriteBatch batch) throws RocksDBException {
        byte[] owner = uuidBytes(ownerId);
        List<StoredLeaderboardRecord> deleted = new ArrayList<>();
        try (Slice upper = new Slice(successor(owner));
             ReadOptions read = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(owners, read)) {
            for (it.seek(owner); it.isValid(); it.next()) {
                byte[] indexKey = it.key();
                // owner | len | id | expiry  →  len | id | expiry | owner
                byte[] key = new byte[indexKey.length];
                System.arraycopy(indexKey, ID, key, 0, indexKey.length - ID);
                System.arraycopy(owner, 0, key, indexKey.length - ID, ID);
                byte[] value = db.get(records, key);
                if (value != null) {
                    deleted.add(parseRecord(value));
                    batch.delete(records, key);
                }
                batch.delete(owners, indexKey);
            }
            it.status();
        }
        return deleted;
    }

    /**
     * All the stripes as one lock: {@code lock} takes them in index order (the one order anything
     * takes more than one in, so no cycle), {@code unlock} releases them in reverse. Only
     * {@code lock} and {@code unlock} are offered.
     */
    private final Lock allStripes = new Lock() {
        @Override
        public void lock() {
            for (ReentrantLock lock : locks) {
                lock.lock();
            }
        }

        @Override
        public void unlock() {
            for (int i = STRIPES - 1; i >= 0; i--) {
                locks[i].unlock();
            }
        }

        @Override
        public void lockInterruptibly() {
            throw new UnsupportedOperationException("all stripes: lock() only");
        }

        @Override
        public boolean tryLock() {
            throw new UnsupportedOperationException("all stripes: lock() only");
        }

        @Override
        public boolean tryLock(long time, java.util.concurrent.TimeUnit unit) {
            throw new UnsupportedOperationException("all stripes: lock() only");
        }

        @Override
        public java.util.concurrent.locks.Condition newCondition() {
            throw new UnsupportedOperationException("all stripes: lock() only");
        }
    };

    // ---- reads: no lock ----

    @Override
    public Optional<StoredLeaderboard> board(String boardId) {
        byte[] id = idBytes(boardId);
        store.checkOpen();
        try {
            byte[] value = db.get(boards, id);
            return value == null ? Optional.empty() : Optional.of(parseBoard(value));
        } catch (RocksDBException e) {
            throw new StoreException("cannot read leaderboard " + boardId, e);
        }
    }

    @Override
    public List<StoredLeaderboard> boards() {
        store.checkOpen();
        List<StoredLeaderboard> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(boards)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.add(parseBoard(it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("cannot list leaderboards", e);
        }
        return out;
    }

    @Override
    public Optional<StoredLeaderboardRecord> record(String boardId, long expiry, String ownerId) {
        byte[] id = idBytes(boardId);
        requireExpiry(expiry);
        byte[] owner = uuidBytes(ownerId);
        store.checkOpen();
        try {
            byte[] value = db.get(records, recordKey(id, expiry, owner));
            return value == null ? Optional.empty() : Optional.of(parseRecord(value));
        } catch (RocksDBException e) {
            throw new StoreException("cannot read a record of leaderboard " + boardId, e);
        }
    }

    @Override
    public List<StoredLeaderboardRecord> records(String boardId, long expiry, List<String> ownerIds) {
        byte[] id = idBytes(boardId);
        requireExpiry(expiry);
        Objects.requireNonNull(ownerIds, "ownerIds");
        List<byte[]> keys = new ArrayList<>(ownerIds.size());
        for (String ownerId : ownerIds) {
            keys.add(recordKey(id, expiry, uuidBytes(ownerId)));
        }
        store.checkOpen();
        if (keys.isEmpty()) {
            return List.of();
        }
        try {
            List<byte[]> values = db.multiGetAsList(Collections.nCopies(keys.size(), records), keys);
            List<StoredLeaderboardRecord> out = new ArrayList<>(values.size());
            for (byte[] value : values) {
                if (value != null) {
                    out.add(parseRecord(value));
                }
            }
            return out;
        } catch (RocksDBException e) {
            throw new StoreException("cannot read records of leaderboard " + boardId, e);
        }
    }

    @Override
    public void forEachRecord(String boardId, long expiry, RankVisitor visitor) {
        byte[] id = idBytes(boardId);
        requireExpiry(expiry);
        Objects.requireNonNull(visitor, "visitor");
        store.checkOpen();
        byte[] lower = periodPrefix(id, expiry);
        byte[] upperKey = expiry == Long.MAX_VALUE ? successor(boardPrefix(id)) : periodPrefix(id, expiry + 1);
        int keyLength = lower.length + ID;
        ByteBuffer key = ByteBuffer.allocateDirect(keyLength);
        ByteBuffer value = ByteBuffer.allocateDirect(4096);
        try (Slice upper = new Slice(upperKey);
             ReadOptions read = new ReadOptions().setIterateUpperBound(upper).setFillCache(false);
             RocksIterator it = db.newIterator(records, read)) {
            for (it.seek(lower); it.isValid(); it.next()) {
                key.clear();
                if (it.key(key) != keyLength) {
                    throw new StoreException("corrupt leaderboard record key in " + boardId, null);
                }
                long msb = key.getLong(keyLength - ID);
                long lsb = key.getLong(keyLength - ID + 8);
                value.clear();
                int size = it.value(value);
                if (size > value.capacity()) {
                    value = ByteBuffer.allocateDirect(Integer.highestOneBit(size) << 1);
                    it.value(value);
                }
                decodeScores(value, boardId, new UUID(msb, lsb).toString(), visitor);
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the records of leaderboard " + boardId, e);
        }
    }

    /** Reads fields 4 and 5 of a {@code StoredLeaderboardRecord}, skipping the rest. */
    private static void decodeScores(ByteBuffer value, String boardId, String owner, RankVisitor visitor) {
        long score = 0;
        long subscore = 0;
        try {
            CodedInputStream in = CodedInputStream.newInstance(value);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == SCORE_TAG) {
                    score = in.readInt64();
                } else if (tag == SUBSCORE_TAG) {
                    subscore = in.readInt64();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new StoreException("corrupt leaderboard record in " + boardId, e);
        }
        visitor.visit(owner, score, subscore);
    }

    @Override
    public List<Long> periods(String boardId) {
        byte[] id = idBytes(boardId);
        store.checkOpen();
        byte[] prefix = boardPrefix(id);
        List<Long> out = new ArrayList<>();
        try (Slice upper = new Slice(successor(prefix));
             ReadOptions read = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(records, read)) {
            it.seek(prefix);
            while (it.isValid()) {
                long expiry = ByteBuffer.wrap(it.key(), prefix.length, 8).getLong();
                out.add(expiry);
                if (expiry == Long.MAX_VALUE) {
                    break;
                }
                // skip the rest of this period: one seek per period, not one step per record
                it.seek(periodPrefix(id, expiry + 1));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("cannot list the periods of leaderboard " + boardId, e);
        }
        return out;
    }

    // ---- export and import ----

    /** The boards in key (id byte) order, then the records in key order: length of the id, id, expiry, owner. */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        store.checkOpen();
        try (RocksIterator it = db.newIterator(boards)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(DumpRecord.newBuilder().setLeaderboard(parseBoard(it.value())).build());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("cannot export leaderboards", e);
        }
        try (ReadOptions read = new ReadOptions().setFillCache(false);
             RocksIterator it = db.newIterator(records, read)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(DumpRecord.newBuilder().setLeaderboardRecord(parseRecord(it.value())).build());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("cannot export leaderboard records", e);
        }
    }

    /**
     * Every board and record as given, each record with its owner-index entry, in one batch: all or
     * nothing. Nothing is checked against what is stored (an import goes into an empty store).
     */
    @Override
    public void importRecords(List<DumpRecord> dump) {
        Objects.requireNonNull(dump, "records");
        store.checkOpen();
        long ticket;
        try (WriteBatch batch = new WriteBatch()) {
            for (DumpRecord record : dump) {
                if (record.hasLeaderboard()) {
                    StoredLeaderboard board = record.getLeaderboard();
                    batch.put(boards, idBytes(board.getId()), board.toByteArray());
                } else if (record.hasLeaderboardRecord()) {
                    StoredLeaderboardRecord r = record.getLeaderboardRecord();
                    requireExpiry(r.getExpiryTime());
                    byte[] key = recordKey(idBytes(r.getLeaderboardId()), r.getExpiryTime(), uuidBytes(r.getOwnerId()));
                    batch.put(records, key, r.toByteArray());
                    batch.put(owners, ownerKey(key, key.length - ID), EMPTY);
                } else {
                    throw new IllegalArgumentException("not a leaderboard or leaderboard record: " + record.getRecordCase());
                }
            }
            ticket = store.commitUnsynced(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot import leaderboards", e);
        }
        store.awaitDurable(ticket);
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasLeaderboard() || record.hasLeaderboardRecord();
    }

    // ---- keys ----

    private ReentrantLock lockOf(String boardId) {
        int h = boardId.hashCode();
        return locks[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }

    /**
     * The UTF-8 bytes of a board id.
     *
     * @throws IllegalArgumentException if it is empty, longer than {@link #MAX_ID_BYTES} or not
     *                                  valid UTF-16 (two such ids would share one key)
     */
    static byte[] idBytes(String boardId) {
        if (boardId == null || boardId.isEmpty()) {
            throw new IllegalArgumentException("a leaderboard id must not be empty");
        }
        byte[] bytes = boardId.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("a leaderboard id must be at most " + MAX_ID_BYTES
                    + " UTF-8 bytes, was " + bytes.length);
        }
        if (!new String(bytes, StandardCharsets.UTF_8).equals(boardId)) {
            throw new IllegalArgumentException("a leaderboard id must be valid Unicode");
        }
        return bytes;
    }

    private static void requireExpiry(long expiry) {
        if (expiry < 0) {
            throw new IllegalArgumentException("expiry must be 0 or positive epoch seconds, was " + expiry);
        }
    }

    /** {@code len (2) | id}: every record of the board starts with it. */
    private static byte[] boardPrefix(byte[] id) {
        return ByteBuffer.allocate(2 + id.length).putShort((short) id.length).put(id).array();
    }

    /** {@code len (2) | id | expiry (8)}: every record of one period starts with it. */
    private static byte[] periodPrefix(byte[] id, long expiry) {
        return ByteBuffer.allocate(2 + id.length + 8).putShort((short) id.length).put(id).putLong(expiry).array();
    }

    private static byte[] recordKey(byte[] id, long expiry, byte[] owner) {
        return ByteBuffer.allocate(2 + id.length + 8 + ID).putShort((short) id.length).put(id).putLong(expiry)
                .put(owner).array();
    }

    /** The owner-index key of a record key whose owner starts at {@code ownerAt}. */
    private static byte[] ownerKey(byte[] recordKey, int ownerAt) {
        byte[] out = new byte[recordKey.length];
        System.arraycopy(recordKey, ownerAt, out, 0, ID);
        System.arraycopy(recordKey, 0, out, ID, ownerAt);
        return out;
    }

    /** The least key above every key starting with {@code prefix} (the prefixes here never are all 0xFF). */
    private static byte[] successor(byte[] prefix) {
        int i = prefix.length - 1;
        while (i >= 0 && prefix[i] == (byte) 0xFF) {
            i--;
        }
        if (i < 0) {
            throw new IllegalArgumentException("no successor of an all-0xFF prefix");
        }
        byte[] out = Arrays.copyOf(prefix, i + 1);
        out[i]++;
        return out;
    }

    private static StoredLeaderboard parseBoard(byte[] value) {
        try {
            return StoredLeaderboard.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt leaderboard", e);
        }
    }

    private static StoredLeaderboardRecord parseRecord(byte[] value) {
        try {
            return StoredLeaderboardRecord.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt leaderboard record", e);
        }
    }
}
