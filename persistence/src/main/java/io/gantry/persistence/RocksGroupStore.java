package io.gantry.persistence;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredGroup;
import io.gantry.proto.storage.StoredGroupEdge;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * {@link GroupStore} on six column families of a {@link RocksStore} (layouts in
 * {@link StoreColumnFamily#GROUPS}, {@link StoreColumnFamily#GROUP_NAMES},
 * {@link StoreColumnFamily#GROUP_NAME_ORDER}, {@link StoreColumnFamily#GROUP_EDGES},
 * {@link StoreColumnFamily#GROUP_USERS}, {@link StoreColumnFamily#USER_GROUPS}). An edge lives in
 * the last three at once; every write of an edge or a group changes all of its entries in one
 * {@link WriteBatch}, together with the group's edge count.
 *
 * <p>{@link #change} holds the store's one lock while the caller decides (changes are short: a
 * few point reads and a batch), reading lazily from RocksDB under an overlay of the change's own
 * writes; the edge count moves by the edges entering or leaving states 0–2, computed from the
 * stored state of each edge the change touched, so it never drifts from the edges. The group's
 * update time moves, as Nakama's, when its fields are updated or its edge count changes.
 *
 * <p>Positions are epoch microseconds of the change, made strictly increasing under the lock, so
 * two edges never share one and a group's user list has a total order.
 *
 * <p>Cursors are base64url of {@code tag (1) | what the listing is bound to | the last returned
 * key's tail | HMAC-SHA256 (16 bytes)}, signed with a key derived for group cursors only:
 * {@code 'U' | group (16) | state filter (1) | state (1) | position (8) | user (16)} for a group's
 * users, {@code 'M' | user (16) | state filter (1) | state (1) | group (16)} for a user's groups,
 * {@code 'L' | SHA-256 of the filter (16) | last name-order key} for group listings. A cursor for
 * another group, user, state or filter is refused, and so is a forged one.
 *
 * <p>Threads: any blocking thread. Writes hold {@link #writeLock()}; reads and listings take no
 * lock (a RocksDB iterator reads one implicit snapshot). A {@link Change} runs under that lock, so
 * it must not wait for another thread nor call a write that takes the account store's lock (an
 * account deletion takes that lock first, then this one): reads of any store are fine.
 */
final class RocksGroupStore implements GroupStore, RocksUserOwned, StoreTransfer {

    private static final byte USERS_CURSOR = 'U';
    private static final byte USER_GROUPS_CURSOR = 'M';
    private static final byte LIST_CURSOR = 'L';
    /** A name is at most 255 characters (Nakama's column), so a list cursor stays well below this. */
    private static final int MAX_CURSOR_CHARS = 4096;
    private static final byte[] EMPTY = new byte[0];
    /** An edge that is not there: {@link Membership#state} {@link #NONE}. */
    private static final Edge ABSENT = new Edge(NONE, 0, 0);

    private final RocksStore store;
    private final RocksDB db;
    private final ColumnFamilyHandle groups;
    private final ColumnFamilyHandle names;
    private final ColumnFamilyHandle nameOrder;
    private final ColumnFamilyHandle countOrder;
    private final ColumnFamilyHandle edges;
    private final ColumnFamilyHandle users;
    private final ColumnFamilyHandle userGroups;
    private final CursorMac cursorMac;
    private final ReentrantLock lock = new ReentrantLock();
    /** The last position given, under {@link #lock}. */
    private long lastPosition;

    RocksGroupStore(RocksStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.groups = store.handle(StoreColumnFamily.GROUPS);
        this.names = store.handle(StoreColumnFamily.GROUP_NAMES);
        this.nameOrder = store.handle(StoreColumnFamily.GROUP_NAME_ORDER);
        this.countOrder = store.handle(StoreColumnFamily.GROUP_COUNT_ORDER);
        this.edges = store.handle(StoreColumnFamily.GROUP_EDGES);
        this.users = store.handle(StoreColumnFamily.GROUP_USERS);
        this.userGroups = store.handle(StoreColumnFamily.USER_GROUPS);
        this.cursorMac = new CursorMac(CursorMac.derive(cursorKey, "gantry group cursors"));
    }

    private record Edge(int state, long position, long updateMicros) {
    }

    // ---- writes: under the lock ----

    @Override
    public StoredGroup create(StoredGroup group) {
        Objects.requireNonNull(group, "group");
        byte[] id = uuidBytes(group.getId());
        byte[] creator = uuidBytes(group.getCreatorId());
        String name = group.getName();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a group needs a name");
        }
        store.checkOpen();
        StoredGroup created;
        long ticket;
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            if (db.get(groups, id) != null) {
                throw new IllegalArgumentException("group " + group.getId() + " already exists");
            }
            byte[] nameKey = utf8(name);
            if (db.get(names, nameKey) != null) {
                throw new GroupNameTakenException(name);
            }
            long now = nowMicros();
            StoredGroup stored = group.toBuilder().setId(uuidText(id)).setCreatorId(uuidText(creator))
                    .setEdgeCount(1).setCreateTimeUs(now).setUpdateTimeUs(now).build();
            batch.put(groups, id, stored.toByteArray());
            batch.put(names, nameKey, id);
            batch.put(nameOrder, nameOrderKey(name, id), EMPTY);
            batch.put(countOrder, countOrderKey(1, id), EMPTY);
            putEdge(batch, id, creator, null, new Edge(SUPERADMIN, nextPosition(now), now));
            created = stored;
            ticket = store.commitUnsynced(batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot create a group", e);
        } finally {
            lock.unlock();
        }
        store.awaitDurable(ticket);
        return created;
    }

    @Override
    public <T, E extends Exception> T change(String groupId, Change<T, E> change) throws E {
        Objects.requireNonNull(change, "change");
        byte[] group = uuidBytes(groupId);
        store.checkOpen();
        T result;
        long ticket;
        lock.lock();
        try {
            View view = new View(group, readGroup(null, group));
            try {
                result = change.apply(view);
            } finally {
                view.closed = true;
            }
            try (WriteBatch batch = new WriteBatch()) {
                view.writeInto(batch);
                ticket = store.commitUnsynced(batch);
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot change group " + groupId, e);
        } finally {
            lock.unlock();
        }
        // outside the lock: one sync of the log covers this change and those made meanwhile
        store.awaitDurable(ticket);
        return result;
    }

    /**
     * One {@link #change}'s view of its group: reads go to RocksDB once per user ({@link #stored})
     * and see the change's own writes ({@link #staged}); nothing is written until
     * {@link #writeInto} at the end. Used only by the thread that holds the lock.
     */
    private final class View implements Membership {

        private final byte[] group;
        /** The group as stored when the change began, or null. */
        private final StoredGroup original;
        /** The fields given by {@link #update}, or null. */
        private StoredGroup updated;
        private boolean deleted;
        private boolean closed;
        /** How the change moves the edge count: edges entering minus edges leaving states 0–2. */
        private int countDelta;
        /** Edges as stored, by user id, {@link #ABSENT} when there is none: read once each. */
        private final Map<String, Edge> stored = new HashMap<>();
        /** The change's edges by user id ({@link #ABSENT}: removed), in the order they were set. */
        private final Map<String, Edge> staged = new LinkedHashMap<>();

        View(byte[] group, StoredGroup original) {
            this.group = group;
            this.original = original;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("a membership view is valid only inside its change");
            }
        }

        private boolean live() {
            return original != null && !deleted;
        }

        private void requireLive() {
            if (!live()) {
                throw new IllegalStateException(original == null ? "no such group" : "the group was deleted");
            }
        }

        @Override
        public StoredGroup group() {
            checkOpen();
            if (!live()) {
                return null;
            }
            StoredGroup base = updated != null ? updated : original;
            return countDelta == 0 ? base : base.toBuilder().setEdgeCount(original.getEdgeCount() + countDelta).build();
        }

        @Override
        public int state(String userId) {
            checkOpen();
            String user = canonical(userId);
            return live() ? current(user).state() : NONE;
        }

        @Override
        public List<String> usersIn(int state) {
            checkOpen();
            if (state < SUPERADMIN || state > BANNED) {
                throw new IllegalArgumentException("state must be 0..4, was " + state);
            }
            if (!live()) {
                return List.of();
            }
            record Ranked(long position, String user) {
            }
            List<Ranked> ranked = new ArrayList<>();
            byte[] prefix = concat(group, new byte[]{(byte) state});
            try (RocksIterator it = db.newIterator(users)) {
                for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                    byte[] key = it.key();
                    String user = uuidText(Arrays.copyOfRange(key, ID + 9, ID + 9 + ID));
                    if (!staged.containsKey(user)) {
                        ranked.add(new Ranked(ByteBuffer.wrap(key, ID + 1, 8).getLong(), user));
                    }
                }
            }
            staged.forEach((user, edge) -> {
                if (edge.state() == state) {
                    ranked.add(new Ranked(edge.position(), user));
                }
            });
            ranked.sort(Comparator.comparingLong(Ranked::position).thenComparing(Ranked::user));
            return ranked.stream().map(Ranked::user).toList();
        }

        @Override
        public void setState(String userId, int state) {
            checkOpen();
            String user = canonical(userId);
            if (state < SUPERADMIN || state > BANNED) {
                throw new IllegalArgumentException("state must be 0..4, was " + state);
            }
            requireLive();
            Edge previous = current(user);
            if (previous.state() == state) {
                return;
            }
            long now = nowMicros();
            // As Nakama: a new edge gets a position, a changed one keeps its own (promote, demote,
            // accept), except a ban, which Nakama writes as a new edge at the end of the list.
            long position = previous == ABSENT || state == BANNED ? nextPosition(now) : previous.position();
            staged.put(user, new Edge(state, position, now));
            countDelta += counted(state) - counted(previous.state());
        }

        @Override
        public void remove(String userId) {
            checkOpen();
            String user = canonical(userId);
            if (!live()) {
                return;
            }
            Edge previous = current(user);
            if (previous == ABSENT) {
                return;
            }
            staged.put(user, ABSENT);
            countDelta -= counted(previous.state());
        }

        @Override
        public void update(StoredGroup fields) {
            checkOpen();
            Objects.requireNonNull(fields, "fields");
            requireLive();
            if (fields.getName().isEmpty()) {
                throw new IllegalArgumentException("a group needs a name");
            }
            updated = fields.toBuilder().setId(original.getId()).setCreatorId(original.getCreatorId())
                    .setEdgeCount(original.getEdgeCount()).setCreateTimeUs(original.getCreateTimeUs())
                    .setUpdateTimeUs(original.getUpdateTimeUs()).build();
        }

        @Override
        public void delete() {
            checkOpen();
            if (original != null) {
                deleted = true;
            }
        }

        private Edge current(String user) {
            Edge edge = staged.get(user);
            return edge != null ? edge : stored(user);
        }

        private Edge stored(String user) {
            Edge edge = stored.get(user);
            if (edge == null) {
                try {
                    edge = readEdge(group, uuidBytes(user));
                } catch (RocksDBException e) {
                    throw new StoreException("cannot read a group edge", e);
                }
                stored.put(user, edge);
            }
            return edge;
        }

        /** Puts into {@code batch} everything this change decided; throws when a new name is taken. */
        void writeInto(WriteBatch batch) throws RocksDBException {
            if (original == null) {
                return;
            }
            if (deleted) {
                deleteGroup(batch, group, original);
                return;
            }
            for (Map.Entry<String, Edge> entry : staged.entrySet()) {
                byte[] user = uuidBytes(entry.getKey());
                Edge old = stored(entry.getKey());
                Edge now = entry.getValue();
                if (now != ABSENT) {
                    putEdge(batch, group, user, old == ABSENT ? null : old, now);
                } else if (old != ABSENT) {
                    removeEdge(batch, group, user, old);
                }
            }
            if (updated == null && countDelta == 0) {
                return;
            }
            StoredGroup base = updated != null ? updated : original;
            StoredGroup next = base.toBuilder().setEdgeCount(original.getEdgeCount() + countDelta)
                    .setUpdateTimeUs(nowMicros()).build();
            if (!next.getName().equals(original.getName())) {
                byte[] owner = db.get(names, utf8(next.getName()));
                if (owner != null && !Arrays.equals(owner, group)) {
                    throw new GroupNameTakenException(next.getName());
                }
                batch.delete(names, utf8(original.getName()));
                batch.delete(nameOrder, nameOrderKey(original.getName(), group));
                batch.put(names, utf8(next.getName()), group);
                batch.put(nameOrder, nameOrderKey(next.getName(), group), EMPTY);
            }
            if (countDelta != 0) {
                batch.delete(countOrder, countOrderKey(original.getEdgeCount(), group));
                batch.put(countOrder, countOrderKey(next.getEdgeCount(), group), EMPTY);
            }
            batch.put(groups, group, next.toByteArray());
        }
    }

    @Override
    public Lock writeLock() {
        return lock;
    }

    /**
     * Removes the user's edges in both directions and fixes each group's edge count, as Nakama's
     * {@code GroupDeleteAll}: a group whose only superadmin is this user is deleted whole (its
     * other members' edges included). Unlike Nakama 3.18, whose {@code deleteRelationship} deletes
     * only edges of state above 1 (leaving an admin's or a co-superadmin's edge behind while still
     * decrementing the count), every edge of the user is removed here. Caller holds {@link #lock}.
     */
    @Override
    public void deleteAllOf(String userId, WriteBatch batch) throws RocksDBException {
        byte[] user = uuidBytes(userId);
        record Held(byte[] group, Edge edge) {
        }
        List<Held> held = new ArrayList<>();
        try (RocksIterator it = db.newIterator(userGroups)) {
            for (it.seek(user); it.isValid() && startsWith(it.key(), user); it.next()) {
                byte[] key = it.key();
                ByteBuffer position = ByteBuffer.wrap(key, ID + 1, 8);
                held.add(new Held(Arrays.copyOfRange(key, ID + 9, ID + 9 + ID),
                        new Edge(key[ID], position.getLong(), ByteBuffer.wrap(it.value()).getLong())));
            }
        }
        long now = nowMicros();
        for (Held h : held) {
            StoredGroup group = readGroup(null, h.group());
            if (group == null) {
                removeEdge(batch, h.group(), user, h.edge());
            } else if (h.edge().state() == SUPERADMIN && !hasOtherSuperadmin(h.group(), user)) {
                deleteGroup(batch, h.group(), group);
            } else {
                removeEdge(batch, h.group(), user, h.edge());
                if (counted(h.edge().state()) == 1) {
                    batch.put(groups, h.group(), group.toBuilder().setEdgeCount(group.getEdgeCount() - 1)
                            .setUpdateTimeUs(now).build().toByteArray());
                    batch.delete(countOrder, countOrderKey(group.getEdgeCount(), h.group()));
                    batch.put(countOrder, countOrderKey(group.getEdgeCount() - 1, h.group()), EMPTY);
                }
            }
        }
    }

    private boolean hasOtherSuperadmin(byte[] group, byte[] user) {
        byte[] prefix = concat(group, new byte[]{SUPERADMIN});
        try (RocksIterator it = db.newIterator(users)) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                if (!Arrays.equals(it.key(), ID + 9, ID + 9 + ID, user, 0, ID)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Deletes the group, its names and every edge of it in both directions. */
    private void deleteGroup(WriteBatch batch, byte[] group, StoredGroup record) throws RocksDBException {
        batch.delete(groups, group);
        batch.delete(names, utf8(record.getName()));
        batch.delete(nameOrder, nameOrderKey(record.getName(), group));
        batch.delete(countOrder, countOrderKey(record.getEdgeCount(), group));
        try (RocksIterator it = db.newIterator(users)) {
            for (it.seek(group); it.isValid() && startsWith(it.key(), group); it.next()) {
                byte[] key = it.key();
                byte[] user = Arrays.copyOfRange(key, ID + 9, ID + 9 + ID);
                batch.delete(users, key);
                batch.delete(edges, concat(group, user));
                batch.delete(userGroups, userGroupsKey(user, key[ID], ByteBuffer.wrap(key, ID + 1, 8).getLong(), group));
            }
        }
    }

    private void putEdge(WriteBatch batch, byte[] group, byte[] user, Edge old, Edge now) throws RocksDBException {
        if (old != null) {
            batch.delete(users, usersKey(group, old, user));
            batch.delete(userGroups, userGroupsKey(user, (byte) old.state(), old.position(), group));
        }
        batch.put(edges, concat(group, user), StoredGroupEdge.newBuilder().setState(now.state())
                .setPosition(now.position()).setUpdateTimeUs(now.updateMicros()).build().toByteArray());
        batch.put(users, usersKey(group, now, user), ByteBuffer.allocate(8).putLong(now.updateMicros()).array());
        batch.put(userGroups, userGroupsKey(user, (byte) now.state(), now.position(), group),
                ByteBuffer.allocate(8).putLong(now.updateMicros()).array());
    }

    private void removeEdge(WriteBatch batch, byte[] group, byte[] user, Edge old) throws RocksDBException {
        batch.delete(edges, concat(group, user));
        batch.delete(users, usersKey(group, old, user));
        batch.delete(userGroups, userGroupsKey(user, (byte) old.state(), old.position(), group));
    }

    // ---- export and import ----

    /** Every group (by id), then every edge (by group, then user), each as stored; edges with their ids. */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        store.checkOpen();
        try (ReadOptions options = new ReadOptions().setSnapshot(db.getSnapshot())) {
            try {
                try (RocksIterator it = db.newIterator(groups, options)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        try {
                            sink.accept(DumpRecord.newBuilder().setGroup(StoredGroup.parseFrom(it.value())).build());
                        } catch (InvalidProtocolBufferException e) {
                            throw new StoreException("corrupt group record " + uuidText(it.key()), e);
                        }
                    }
                }
                try (RocksIterator it = db.newIterator(edges, options)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        byte[] key = it.key();
                        try {
                            sink.accept(DumpRecord.newBuilder().setGroupEdge(StoredGroupEdge.parseFrom(it.value())
                                    .toBuilder().setGroupId(uuidText(Arrays.copyOfRange(key, 0, ID)))
                                    .setUserId(uuidText(Arrays.copyOfRange(key, ID, 2 * ID))).build()).build());
                        } catch (InvalidProtocolBufferException e) {
                            throw new StoreException("corrupt group edge", e);
                        }
                    }
                }
            } finally {
                db.releaseSnapshot(options.snapshot());
            }
        }
    }

    /**
     * Writes the groups with their name and order entries, and the edges in all three families, in one
     * batch under the lock. A group whose id or name is already stored is refused before anything is
     * written. Positions given afterwards follow the highest imported one.
     */
    @Override
    public void importRecords(List<DumpRecord> records) {
        Objects.requireNonNull(records, "records");
        store.checkOpen();
        long ticket;
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Map<String, byte[]> namesInBatch = new HashMap<>();
            long highest = lastPosition;
            for (DumpRecord record : records) {
                if (record.hasGroup()) {
                    StoredGroup group = record.getGroup();
                    byte[] id = uuidBytes(group.getId());
                    uuidBytes(group.getCreatorId());
                    String name = group.getName();
                    if (name.isEmpty()) {
                        throw new IllegalArgumentException("group " + group.getId() + " has no name");
                    }
                    byte[] nameKey = utf8(name);
                    if (db.get(groups, id) != null) {
                        throw new IllegalArgumentException("group " + group.getId() + " already exists");
                    }
                    if (db.get(names, nameKey) != null || namesInBatch.put(name, id) != null) {
                        throw new GroupNameTakenException(name);
                    }
                    batch.put(groups, id, group.toByteArray());
                    batch.put(names, nameKey, id);
                    batch.put(nameOrder, nameOrderKey(name, id), EMPTY);
                    batch.put(countOrder, countOrderKey(group.getEdgeCount(), id), EMPTY);
                } else if (record.hasGroupEdge()) {
                    StoredGroupEdge edge = record.getGroupEdge();
                    if (edge.getState() < SUPERADMIN || edge.getState() > BANNED) {
                        throw new IllegalArgumentException("group edge state must be 0..4, was " + edge.getState());
                    }
                    putEdge(batch, uuidBytes(edge.getGroupId()), uuidBytes(edge.getUserId()), null,
                            new Edge(edge.getState(), edge.getPosition(), edge.getUpdateTimeUs()));
                    highest = Math.max(highest, edge.getPosition());
                } else {
                    throw new IllegalArgumentException("not a group record: " + record.getRecordCase());
                }
            }
            ticket = store.commitUnsynced(batch);
            lastPosition = highest;
        } catch (RocksDBException e) {
            throw new StoreException("cannot import groups", e);
        } finally {
            lock.unlock();
        }
        store.awaitDurable(ticket);
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasGroup() || record.hasGroupEdge();
    }

    // ---- reads ----

    @Override
    public Optional<StoredGroup> get(String groupId) {
        byte[] group = uuidBytes(groupId);
        store.checkOpen();
        try {
            return Optional.ofNullable(readGroup(null, group));
        } catch (RocksDBException e) {
            throw new StoreException("cannot read group " + groupId, e);
        }
    }

    @Override
    public int state(String groupId, String userId) {
        byte[] group = uuidBytes(groupId);
        byte[] user = uuidBytes(userId);
        store.checkOpen();
        try {
            return readEdge(group, user).state();
        } catch (RocksDBException e) {
            throw new StoreException("cannot read a group edge", e);
        }
    }

    @Override
    public MemberPage listUsers(String groupId, int state, int limit, String cursor) throws InvalidCursorException {
        requireLimit(limit);
        if (state < ALL_BUT_BANNED || state > BANNED) {
            throw new IllegalArgumentException("state must be -1..4, was " + state);
        }
        byte[] group = uuidBytes(groupId);
        String groupText = uuidText(group);
        byte[] prefix = state < 0 ? group : concat(group, new byte[]{(byte) state});
        byte[] after = cursor == null || cursor.isEmpty() ? null
                : decodeCursor(USERS_CURSOR, concat(group, new byte[]{(byte) state}), 1 + 8 + ID, cursor);
        store.checkOpen();
        List<Member> page = new ArrayList<>(Math.min(limit, 64));
        byte[] last = null;
        boolean more = false;
        try (RocksIterator it = db.newIterator(users)) {
            seekAfter(it, prefix, after == null ? null : concat(group, after));
            for (; it.isValid() && startsWith(it.key(), prefix); it.next()) {
                byte[] key = it.key();
                int edgeState = key[ID];
                if (state == ALL_BUT_BANNED && edgeState == BANNED) {
                    break;
                }
                if (page.size() == limit) {
                    more = true;
                    break;
                }
                page.add(new Member(groupText, uuidText(Arrays.copyOfRange(key, ID + 9, ID + 9 + ID)), edgeState,
                        ByteBuffer.wrap(key, ID + 1, 8).getLong(), micros(ByteBuffer.wrap(it.value()).getLong())));
                last = key;
            }
        }
        return new MemberPage(page, more
                ? encodeCursor(USERS_CURSOR, concat(group, new byte[]{(byte) state}), Arrays.copyOfRange(last, ID, last.length))
                : null);
    }

    @Override
    public MemberPage listUserGroups(String userId, int state, int limit, String cursor) throws InvalidCursorException {
        requireLimit(limit);
        if (state < ALL_BUT_BANNED || state > BANNED) {
            throw new IllegalArgumentException("state must be -1..4, was " + state);
        }
        byte[] user = uuidBytes(userId);
        String userText = uuidText(user);
        byte[] bound = concat(user, new byte[]{(byte) state});
        byte[] after = cursor == null || cursor.isEmpty() ? null
                : decodeCursor(USER_GROUPS_CURSOR, bound, 1 + 8 + ID, cursor);
        if (state == BANNED) {
            return new MemberPage(List.of(), null);
        }
        byte[] prefix = state < 0 ? user : bound;
        store.checkOpen();
        List<Member> page = new ArrayList<>(Math.min(limit, 64));
        byte[] last = null;
        boolean more = false;
        try (RocksIterator it = db.newIterator(userGroups)) {
            seekAfter(it, prefix, after == null ? null : concat(user, after));
            for (; it.isValid() && startsWith(it.key(), prefix); it.next()) {
                byte[] key = it.key();
                int edgeState = key[ID];
                if (edgeState == BANNED) {
                    break;
                }
                if (page.size() == limit) {
                    more = true;
                    break;
                }
                page.add(new Member(uuidText(Arrays.copyOfRange(key, ID + 9, ID + 9 + ID)), userText, edgeState,
                        ByteBuffer.wrap(key, ID + 1, 8).getLong(), micros(ByteBuffer.wrap(it.value()).getLong())));
                last = key;
            }
        }
        return new MemberPage(page, more
                ? encodeCursor(USER_GROUPS_CURSOR, bound, Arrays.copyOfRange(last, ID, last.length))
                : null);
    }

    @Override
    public GroupPage list(Filter filter, int limit, String cursor) throws InvalidCursorException {
        Objects.requireNonNull(filter, "filter");
        requireLimit(limit);
        byte[] bound = digest(filter);
        byte[] after = cursor == null || cursor.isEmpty() ? null : decodeCursor(LIST_CURSOR, bound, -1, cursor);
        int[] pattern = filter.namePattern() == null ? null : compile(filter.namePattern());
        if (pattern == null && (filter.langTag() != null || filter.maxMembers() != null)) {
            return listByCount(filter, limit, bound, after);
        }
        byte[] prefix = pattern == null ? EMPTY : utf8(literalPrefix(pattern));
        store.checkOpen();
        List<StoredGroup> page = new ArrayList<>(Math.min(limit, 64));
        byte[] last = null;
        boolean more = false;
        try (ReadOptions options = new ReadOptions().setSnapshot(db.getSnapshot());
             RocksIterator it = db.newIterator(nameOrder, options)) {
            try {
                seekAfter(it, prefix, after);
                for (; it.isValid() && startsWith(it.key(), prefix); it.next()) {
                    byte[] key = it.key();
                    if (pattern != null && !ilike(pattern,
                            new String(key, 0, key.length - 1 - ID, StandardCharsets.UTF_8).codePoints().toArray())) {
                        continue;
                    }
                    StoredGroup group = readGroup(options, Arrays.copyOfRange(key, key.length - ID, key.length));
                    if (group == null || !passes(filter, group)) {
                        continue;
                    }
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    page.add(group);
                    last = key;
                }
            } finally {
                db.releaseSnapshot(options.snapshot());
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot list groups", e);
        }
        return new GroupPage(page, more ? encodeCursor(LIST_CURSOR, bound, last) : null);
    }

    /**
     * A listing by language or member count, in Nakama's order for it: with a member bound, by edge
     * count then id, both descending, from the largest count at most the bound; by language alone,
     * by edge count then id, ascending.
     */
    private GroupPage listByCount(Filter filter, int limit, byte[] bound, byte[] after) throws InvalidCursorException {
        boolean descending = filter.maxMembers() != null;
        if (after != null && after.length != 4 + ID) {
            throw new InvalidCursorException();
        }
        if (descending && filter.maxMembers() < 0) {
            return new GroupPage(List.of(), null);
        }
        store.checkOpen();
        List<StoredGroup> page = new ArrayList<>(Math.min(limit, 64));
        byte[] last = null;
        boolean more = false;
        try (ReadOptions options = new ReadOptions().setSnapshot(db.getSnapshot());
             RocksIterator it = db.newIterator(countOrder, options)) {
            try {
                if (!descending) {
                    seekAfter(it, EMPTY, after);
                } else if (after != null) {
                    it.seekForPrev(after);
                    if (it.isValid() && Arrays.equals(it.key(), after)) {
                        it.prev();
                    }
                } else {
                    byte[] top = new byte[4 + ID];
                    Arrays.fill(top, (byte) 0xFF);
                    ByteBuffer.wrap(top).putInt(filter.maxMembers());
                    it.seekForPrev(top);
                }
                for (; it.isValid(); step(it, descending)) {
                    byte[] key = it.key();
                    StoredGroup group = readGroup(options, Arrays.copyOfRange(key, 4, 4 + ID));
                    if (group == null || !passes(filter, group)) {
                        continue;
                    }
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    page.add(group);
                    last = key;
                }
            } finally {
                db.releaseSnapshot(options.snapshot());
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot list groups", e);
        }
        return new GroupPage(page, more ? encodeCursor(LIST_CURSOR, bound, last) : null);
    }

    private static void step(RocksIterator it, boolean descending) {
        if (descending) {
            it.prev();
        } else {
            it.next();
        }
    }

    private static byte[] countOrderKey(int edgeCount, byte[] group) {
        return ByteBuffer.allocate(4 + ID).putInt(edgeCount).put(group).array();
    }

    private static boolean passes(Filter filter, StoredGroup group) {
        return (filter.langTag() == null || filter.langTag().equals(group.getLangTag()))
                && (filter.open() == null || filter.open() == group.getOpen())
                && (filter.maxMembers() == null || group.getEdgeCount() <= filter.maxMembers());
    }

    /** Positions {@code it} on the first key after {@code after}, or on {@code prefix} when null. */
    private static void seekAfter(RocksIterator it, byte[] prefix, byte[] after) {
        if (after == null) {
            it.seek(prefix);
            return;
        }
        it.seek(after);
        if (it.isValid() && Arrays.equals(it.key(), after)) {
            it.next();
        }
    }

    private StoredGroup readGroup(ReadOptions options, byte[] group) throws RocksDBException {
        byte[] value = options == null ? db.get(groups, group) : db.get(groups, options, group);
        if (value == null) {
            return null;
        }
        try {
            return StoredGroup.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt group record " + uuidText(group), e);
        }
    }

    private Edge readEdge(byte[] group, byte[] user) throws RocksDBException {
        byte[] value = db.get(edges, concat(group, user));
        if (value == null) {
            return ABSENT;
        }
        try {
            StoredGroupEdge edge = StoredGroupEdge.parseFrom(value);
            return new Edge(edge.getState(), edge.getPosition(), edge.getUpdateTimeUs());
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt group edge", e);
        }
    }

    // ---- names and patterns ----

    /** Each code point lower-cased on its own, so a lower-cased prefix is a prefix of the lower-cased name. */
    static String lower(String s) {
        int[] cps = s.codePoints().map(Character::toLowerCase).toArray();
        return new String(cps, 0, cps.length);
    }

    /** A compiled pattern's token for {@code %}: any run of code points. */
    private static final int ANY_RUN = -1;
    /** A compiled pattern's token for {@code _}: one code point. */
    private static final int ANY_ONE = -2;
    /** A compiled pattern's token for a {@code \} that ends the pattern, escaping nothing. */
    private static final int DANGLING_ESCAPE = -3;

    /**
     * The pattern, lower-cased, as tokens: a code point (an escaped one included) stands for itself,
     * and {@link #ANY_RUN}, {@link #ANY_ONE}, {@link #DANGLING_ESCAPE} for the rest. {@code \} escapes
     * the next character, as in PostgreSQL's {@code LIKE}, whose default escape it is.
     */
    static int[] compile(String pattern) {
        int[] cps = lower(pattern).codePoints().toArray();
        int[] tokens = new int[cps.length];
        int n = 0;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == '\\') {
                tokens[n++] = i + 1 < cps.length ? cps[++i] : DANGLING_ESCAPE;
            } else {
                tokens[n++] = c == '%' ? ANY_RUN : c == '_' ? ANY_ONE : c;
            }
        }
        return Arrays.copyOf(tokens, n);
    }

    /** The literal code points of a compiled pattern before its first wildcard. */
    private static String literalPrefix(int[] pattern) {
        int n = 0;
        while (n < pattern.length && pattern[n] >= 0) {
            n++;
        }
        return new String(pattern, 0, n);
    }

    /**
     * Whether {@code s} (lower-cased) matches a {@link #compile}d pattern as SQL {@code LIKE} reads
     * it. Greedy with one backtrack point: linear for patterns without {@code %}, at most quadratic
     * otherwise.
     *
     * @throws IllegalArgumentException when the match reaches a trailing lone {@code \} with
     *                                  characters left, as PostgreSQL fails such a query (lazily: a
     *                                  name that fails earlier raises nothing)
     */
    static boolean ilike(int[] pattern, int[] s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length) {
            if (p < pattern.length && pattern[p] == ANY_RUN) {
                star = p++;
                mark = i;
            } else if (p < pattern.length && pattern[p] == DANGLING_ESCAPE) {
                throw new IllegalArgumentException("LIKE pattern must not end with escape character");
            } else if (p < pattern.length && (pattern[p] == ANY_ONE || pattern[p] == s[i])) {
                p++;
                i++;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == ANY_RUN) {
            p++;
        }
        return p == pattern.length;
    }

    private static byte[] nameOrderKey(String name, byte[] group) {
        byte[] lower = utf8(lower(name));
        return ByteBuffer.allocate(lower.length + 1 + ID).put(lower).put((byte) 0).put(group).array();
    }

    private static byte[] usersKey(byte[] group, Edge edge, byte[] user) {
        return ByteBuffer.allocate(ID + 1 + 8 + ID).put(group).put((byte) edge.state()).putLong(edge.position())
                .put(user).array();
    }

    private static byte[] userGroupsKey(byte[] user, byte state, long position, byte[] group) {
        return ByteBuffer.allocate(ID + 1 + 8 + ID).put(user).put(state).putLong(position).put(group).array();
    }

    private static int counted(int state) {
        return state >= SUPERADMIN && state <= MEMBER ? 1 : 0;
    }

    // ---- cursors ----

    /** 16 bytes naming the filter, so that a cursor is bound to it. */
    private static byte[] digest(Filter filter) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            field(sha, filter.namePattern());
            field(sha, filter.langTag());
            field(sha, filter.open() == null ? null : filter.open().toString());
            field(sha, filter.maxMembers() == null ? null : filter.maxMembers().toString());
            return Arrays.copyOf(sha.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static void field(MessageDigest sha, String value) {
        if (value == null) {
            sha.update((byte) 0);
            return;
        }
        byte[] bytes = utf8(value);
        sha.update((byte) 1);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private String encodeCursor(byte tag, byte[] bound, byte[] tail) {
        int body = 1 + bound.length + tail.length;
        byte[] raw = ByteBuffer.allocate(body + CursorMac.BYTES).put(tag).put(bound).put(tail).array();
        System.arraycopy(cursorMac.of(raw, body), 0, raw, body, CursorMac.BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The tail of a cursor made by {@link #encodeCursor} with this tag and bound ({@code tailLength} -1: any). */
    private byte[] decodeCursor(byte tag, byte[] bound, int tailLength, String cursor) throws InvalidCursorException {
        if (cursor.length() > MAX_CURSOR_CHARS) {
            throw new InvalidCursorException();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        int body = raw.length - CursorMac.BYTES;
        int min = 1 + bound.length + Math.max(tailLength, 1);
        if (body < min || tailLength >= 0 && body != min
                || !MessageDigest.isEqual(cursorMac.of(raw, body), Arrays.copyOfRange(raw, body, raw.length))
                || raw[0] != tag
                || !Arrays.equals(raw, 1, 1 + bound.length, bound, 0, bound.length)) {
            throw new InvalidCursorException();
        }
        return Arrays.copyOfRange(raw, 1 + bound.length, body);
    }

    // ---- bytes and time ----

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    private long nextPosition(long nowMicros) {
        lastPosition = Math.max(lastPosition + 1, nowMicros);
        return lastPosition;
    }

    private long nowMicros() {
        return RocksKeys.nowMicros(store.clock());
    }

    private static String canonical(String id) {
        return uuidText(uuidBytes(id));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
