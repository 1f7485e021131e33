package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredFriendEdge;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import static io.gantry.persistence.RocksKeys.ID;
import static io.gantry.persistence.RocksKeys.concat;
import static io.gantry.persistence.RocksKeys.micros;
import static io.gantry.persistence.RocksKeys.startsWith;
import static io.gantry.persistence.RocksKeys.uuidBytes;
import static io.gantry.persistence.RocksKeys.uuidText;

/**
 * {@link FriendStore} on three column families of a {@link RocksStore} (layouts in
 * {@link StoreColumnFamily#FRIEND_EDGES}, {@link StoreColumnFamily#FRIEND_ORDER},
 * {@link StoreColumnFamily#FRIEND_INCOMING}). Every edge written or deleted changes the three in
 * the same {@link WriteBatch}, and each call writes both directions of its pair in one batch.
 *
 * <p>Positions are epoch microseconds of the change, made strictly increasing under the lock, so
 * two edges never share one and a list's order is total.
 *
 * <p>Cursors: base64url of {@code 'F' | user (16) | state filter (1, 0xFF for all) | the last
 * returned order key's tail (state 1 | position 8 | other 16) | HMAC-SHA256 (16 bytes)}, signed
 * with a key derived for friend cursors only: refused for another user, another state filter, or
 * when forged.
 *
 * <p>Threads: any. Writes hold {@link #writeLock()} while they read and write, so the two
 * directions of a pair never disagree; listings and counts take no lock.
 */
final class RocksFriendStore implements FriendStore, StoreTransfer, RocksUserOwned {

    private static final byte CURSOR_TAG = 'F';
    private static final int TAIL = 1 + 8 + ID;
    private static final int CURSOR_BODY = 1 + ID + 1 + TAIL;
    private static final byte[] EMPTY = new byte[0];

    private final RocksStore store;
    private final RocksDB db;
    private final ColumnFamilyHandle edges;
    private final ColumnFamilyHandle order;
    private final ColumnFamilyHandle incoming;
    private final CursorMac cursorMac;
    private final Lock lock = new ReentrantLock();
    /** The last position given, under {@link #lock}. */
    private long lastPosition;

    RocksFriendStore(RocksStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.edges = store.handle(StoreColumnFamily.FRIEND_EDGES);
        this.order = store.handle(StoreColumnFamily.FRIEND_ORDER);
        this.incoming = store.handle(StoreColumnFamily.FRIEND_INCOMING);
        this.cursorMac = new CursorMac(CursorMac.derive(cursorKey, "gantry friend cursors"));
    }

    private record Stored(int state, long position, long updateMicros) {
    }

    /** A change to one pair of users: both edges read, changed in {@code batch}, under the lock. */
    @FunctionalInterface
    private interface PairChange<T> {
        T apply(WriteBatch batch, byte[] user, byte[] other, Stored mine, Stored theirs) throws RocksDBException;
    }

    /**
     * Reads both edges of the pair and applies {@code change} under the lock, then writes what it put
     * in the batch (if anything) in one write: both directions or neither.
     */
    private <T> T changePair(String userId, String otherId, String what, PairChange<T> change) {
        byte[] user = uuidBytes(userId);
        byte[] other = uuidBytes(otherId);
        requireDistinct(user, other);
        store.checkOpen();
        T result;
        long ticket;
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            result = change.apply(batch, user, other, get(user, other), get(other, user));
            ticket = store.commitUnsynced(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot " + what, e);
        } finally {
            lock.unlock();
        }
        store.awaitDurable(ticket);
        return result;
    }

    @Override
    public AddResult add(String userId, String otherId) {
        return changePair(userId, otherId, "add a friend", (batch, user, other, mine, theirs) -> {
            if (mine != null && mine.state() != INVITE_RECEIVED || theirs != null && theirs.state() == BLOCKED) {
                return AddResult.UNCHANGED;
            }
            long now = nowMicros();
            if (mine != null) {
                // Accept: both edges become friends and keep their positions.
                put(batch, user, other, mine, new Stored(FRIEND, mine.position(), now));
                put(batch, other, user, theirs, new Stored(FRIEND, theirs == null ? nextPosition(now) : theirs.position(), now));
                return AddResult.ACCEPTED;
            }
            put(batch, user, other, null, new Stored(INVITE_SENT, nextPosition(now), now));
            put(batch, other, user, theirs, new Stored(INVITE_RECEIVED, nextPosition(now), now));
            return AddResult.INVITED;
        });
    }

    @Override
    public Counts delete(String userId, String otherId) {
        return changePair(userId, otherId, "delete a friend", (batch, user, other, mine, theirs) -> {
            if (mine != null) {
                remove(batch, user, other, mine);
            }
            boolean theirsRemoved = theirs != null && theirs.state() != BLOCKED;
            if (theirsRemoved) {
                remove(batch, other, user, theirs);
            }
            return new Counts(mine != null, theirsRemoved);
        });
    }

    @Override
    public Counts block(String userId, String otherId) {
        return changePair(userId, otherId, "block a user", (batch, user, other, mine, theirs) -> {
            if (mine != null && mine.state() == BLOCKED) {
                return new Counts(false, false);
            }
            long now = nowMicros();
            put(batch, user, other, mine, new Stored(BLOCKED, mine == null ? nextPosition(now) : mine.position(), now));
            boolean theirsRemoved = theirs != null && theirs.state() != BLOCKED;
            if (theirsRemoved) {
                remove(batch, other, user, theirs);
            }
            return new Counts(mine == null, theirsRemoved);
        });
    }

    @Override
    public Lock writeLock() {
        return lock;
    }

    @Override
    public void deleteAllOf(String userId, WriteBatch batch) throws RocksDBException {
        byte[] user = uuidBytes(userId);
        List<byte[]> others = new ArrayList<>();
        try (RocksIterator it = db.newIterator(edges)) {
            for (it.seek(user); it.isValid() && startsWith(it.key(), user); it.next()) {
                byte[] other = Arrays.copyOfRange(it.key(), ID, 2 * ID);
                removeInto(batch, user, other, decode(it.value()));
                others.add(other);
            }
        }
        try (RocksIterator it = db.newIterator(incoming)) {
            for (it.seek(user); it.isValid() && startsWith(it.key(), user); it.next()) {
                byte[] source = Arrays.copyOfRange(it.key(), ID, 2 * ID);
                Stored theirs = get(source, user);
                if (theirs != null) {
                    removeInto(batch, source, user, theirs);
                }
            }
        }
    }

    // ---- export and import ----

    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        store.checkOpen();
        try (RocksIterator it = db.newIterator(edges)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                Stored edge = decode(it.value());
                sink.accept(DumpRecord.newBuilder().setFriendEdge(StoredFriendEdge.newBuilder()
                        .setUserId(uuidText(Arrays.copyOfRange(key, 0, ID)))
                        .setOtherId(uuidText(Arrays.copyOfRange(key, ID, 2 * ID)))
                        .setState(edge.state())
                        .setPosition(edge.position())
                        .setUpdateTimeUs(edge.updateMicros())).build());
            }
        }
    }

    @Override
    public void importRecords(List<DumpRecord> records) {
        store.checkOpen();
        long ticket;
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            long highest = lastPosition;
            for (DumpRecord record : records) {
                if (!accepts(record)) {
                    throw new IllegalArgumentException("not a friend edge: " + record.getRecordCase());
                }
                StoredFriendEdge e = record.getFriendEdge();
                byte[] user = uuidBytes(e.getUserId());
                byte[] other = uuidBytes(e.getOtherId());
                requireDistinct(user, other);
                if (e.getState() < FRIEND || e.getState() > BLOCKED) {
                    throw new IllegalArgumentException("not a friend edge state: " + e.getState());
                }
                put(batch, user, other, null, new Stored(e.getState(), e.getPosition(), e.getUpdateTimeUs()));
                highest = Math.max(highest, e.getPosition());
            }
            ticket = store.commitUnsynced(batch);
            lastPosition = highest;   // positions given after the import follow the imported ones
        } catch (RocksDBException e) {
            throw new StoreException("cannot import friend edges", e);
        } finally {
            lock.unlock();
        }
        store.awaitDurable(ticket);
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.getRecordCase() == DumpRecord.RecordCase.FRIEND_EDGE;
    }

    // ---- reads ----

    @Override
    public Page list(String userId, int state, int limit, String cursor) throws InvalidCursorException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (state < -1 || state > BLOCKED) {
            throw new IllegalArgumentException("state must be -1..3, was " + state);
        }
        byte[] user = uuidBytes(userId);
        byte[] prefix = state < 0 ? user : concat(user, new byte[]{(byte) state});
        byte[] after = cursor == null || cursor.isEmpty() ? null : decodeCursor(user, state, cursor);
        store.checkOpen();
        List<Edge> page = new ArrayList<>(Math.min(limit, 64));
        byte[] last = null;
        boolean more = false;
        try (ReadOptions options = new ReadOptions().setSnapshot(db.getSnapshot());
             RocksIterator it = db.newIterator(order, options)) {
            try {
                if (after == null) {
                    it.seek(prefix);
                } else {
                    it.seek(concat(user, after));
                    if (it.isValid() && Arrays.equals(it.key(), concat(user, after))) {
                        it.next();
                    }
                }
                for (; it.isValid() && startsWith(it.key(), prefix); it.next()) {
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    byte[] key = it.key();
                    byte[] other = Arrays.copyOfRange(key, ID + 9, ID + 9 + ID);
                    byte[] value = it.value();
                    Stored edge;
                    if (value.length == 8) {
                        edge = new Stored(key[ID], ByteBuffer.wrap(key, ID + 1, 8).getLong(), ByteBuffer.wrap(value).getLong());
                    } else {
                        // an entry written before the order entry carried the update time
                        edge = getFrom(options, user, other);
                        if (edge == null) {
                            continue;
                        }
                    }
                    page.add(new Edge(userId, uuidText(other), edge.state(), edge.position(), micros(edge.updateMicros())));
                    last = key;
                }
            } finally {
                db.releaseSnapshot(options.snapshot());
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot list friends", e);
        }
        return new Page(page, more ? encodeCursor(user, state, Arrays.copyOfRange(last, ID, ID + TAIL)) : null);
    }

    @Override
    public int state(String userId, String otherId) {
        store.checkOpen();
        try {
            Stored edge = get(uuidBytes(userId), uuidBytes(otherId));
            return edge == null ? -1 : edge.state();
        } catch (RocksDBException e) {
            throw new StoreException("cannot read a friend edge", e);
        }
    }

    @Override
    public int count(String userId) {
        byte[] user = uuidBytes(userId);
        store.checkOpen();
        int n = 0;
        try (RocksIterator it = db.newIterator(edges)) {
            for (it.seek(user); it.isValid() && startsWith(it.key(), user); it.next()) {
                n++;
            }
        }
        return n;
    }

    // ---- edges ----

    private Stored get(byte[] user, byte[] other) throws RocksDBException {
        byte[] value = db.get(edges, concat(user, other));
        return value == null ? null : decode(value);
    }

    private Stored getFrom(ReadOptions options, byte[] user, byte[] other) throws RocksDBException {
        byte[] value = db.get(edges, options, concat(user, other));
        return value == null ? null : decode(value);
    }

    private void put(WriteBatch batch, byte[] user, byte[] other, Stored old, Stored now) throws RocksDBException {
        if (old != null) {
            batch.delete(order, orderKey(user, old, other));
        }
        batch.put(edges, concat(user, other), encode(now));
        // the update time rides in the order entry, so a listing needs no read per edge
        batch.put(order, orderKey(user, now, other), ByteBuffer.allocate(8).putLong(now.updateMicros()).array());
        batch.put(incoming, concat(other, user), EMPTY);
    }

    private void remove(WriteBatch batch, byte[] user, byte[] other, Stored old) throws RocksDBException {
        removeInto(batch, user, other, old);
    }

    private void removeInto(WriteBatch batch, byte[] user, byte[] other, Stored old) throws RocksDBException {
        batch.delete(edges, concat(user, other));
        batch.delete(order, orderKey(user, old, other));
        batch.delete(incoming, concat(other, user));
    }

    private static byte[] orderKey(byte[] user, Stored edge, byte[] other) {
        return ByteBuffer.allocate(ID + TAIL).put(user).put((byte) edge.state()).putLong(edge.position())
                .put(other).array();
    }

    private static byte[] encode(Stored edge) {
        return ByteBuffer.allocate(17).put((byte) edge.state()).putLong(edge.position()).putLong(edge.updateMicros()).array();
    }

    private static Stored decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        return new Stored(b.get(), b.getLong(), b.getLong());
    }

    private long nextPosition(long nowMicros) {
        lastPosition = Math.max(lastPosition + 1, nowMicros);
        return lastPosition;
    }

    private long nowMicros() {
        return RocksKeys.nowMicros(store.clock());
    }

    // ---- cursors ----

    private String encodeCursor(byte[] user, int state, byte[] tail) {
        byte[] body = ByteBuffer.allocate(CURSOR_BODY + CursorMac.BYTES).put(CURSOR_TAG).put(user)
                .put((byte) state).put(tail).array();
        System.arraycopy(cursorMac.of(body, CURSOR_BODY), 0, body, CURSOR_BODY, CursorMac.BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body);
    }

    private byte[] decodeCursor(byte[] user, int state, String cursor) throws InvalidCursorException {
        if (cursor.length() > 256) {
            throw new InvalidCursorException();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        if (raw.length != CURSOR_BODY + CursorMac.BYTES
                || !MessageDigest.isEqual(cursorMac.of(raw, CURSOR_BODY),
                        Arrays.copyOfRange(raw, CURSOR_BODY, raw.length))
                || raw[0] != CURSOR_TAG
                || !Arrays.equals(raw, 1, 1 + ID, user, 0, ID)
                || raw[1 + ID] != (byte) state) {
            throw new InvalidCursorException();
        }
        return Arrays.copyOfRange(raw, 2 + ID, CURSOR_BODY);
    }

    // ---- bytes ----

    private static void requireDistinct(byte[] user, byte[] other) {
        if (Arrays.equals(user, other)) {
            throw new IllegalArgumentException("a user has no edge to itself");
        }
    }

}
