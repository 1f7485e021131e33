package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredFriendEdge;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static io.gantry.persistence.RocksKeys.ID;
import static io.gantry.persistence.RocksKeys.micros;

/**
 * {@link FriendStore} on the {@code friend_edges} table of a {@link PostgresStore} (schema in
 * {@code V6__friends.sql}): one row per direction of a pair, keyed {@code (user_id, other_id)};
 * {@code friend_edges_list} orders a user's list by state, position, other user;
 * {@code friend_edges_incoming} finds the edges into a user when the account is deleted.
 *
 * <p>Every call that changes a pair is one transaction: it locks both edges of the pair
 * ({@code SELECT ... FOR UPDATE}), decides as {@link RocksFriendStore} does, and writes both
 * directions in one statement (an upsert, with the other direction's delete in a CTE when there is
 * one). An edge that was absent cannot be locked: if another node inserted it meanwhile the upsert
 * finds it ({@code xmax <> 0} on a row meant to be new), and the transaction runs again as a
 * serialization failure, now seeing it. No JVM lock: several nodes may share the database.
 *
 * <p>Positions are epoch microseconds of the change, strictly increasing within this node (an
 * {@link AtomicLong}); edges of two nodes with one position are ordered by the other user's id, so
 * a list's order is total everywhere.
 *
 * <p>Cursors are {@link RocksFriendStore}'s, byte for byte and under the same derived key: {@code 'F'
 * | user (16) | state filter (1) | the last edge's state (1) | position (8) | other (16) |
 * HMAC-SHA256 (16)}, so a cursor stays good across an export and import between the two stores.
 *
 * <p>Threads: any blocking thread.
 */
final class PostgresFriendStore implements FriendStore, StoreTransfer, PostgresUserOwned {

    private static final byte CURSOR_TAG = 'F';
    private static final int TAIL = 1 + 8 + ID;
    private static final int CURSOR_BODY = 1 + ID + 1 + TAIL;
    private static final UUID NIL = new UUID(0, 0);
    /** A serialization failure: {@link PostgresDatabase#transaction} runs the work again. */
    private static final String RETRY = "40001";

    // Plans (EXPLAIN on 2,000 analyzed rows, PostgresStorageAndFriendPlansTest checks the index of each):
    // LockRows -> Bitmap Heap Scan on friend_edges -> BitmapOr of two Bitmap Index Scans on friend_edges_pkey
    static final String LOCK_PAIR = "SELECT user_id, state, position, update_time_us FROM friend_edges"
            + " WHERE (user_id = ? AND other_id = ?) OR (user_id = ? AND other_id = ?) FOR UPDATE";
    static final String UPSERT = "INSERT INTO friend_edges AS e (user_id, other_id, state, position, update_time_us)"
            + " VALUES %s ON CONFLICT (user_id, other_id) DO UPDATE SET state = excluded.state,"
            + " position = excluded.position, update_time_us = excluded.update_time_us"
            + " RETURNING e.user_id, e.xmax = 0";
    private static final String DELETE_EDGE = "DELETE FROM friend_edges WHERE user_id = ? AND other_id = ?";
    // Limit -> Index Scan using friend_edges_list
    //   Index Cond: user_id = $1 AND ROW(state, position, other_id) > ROW($2, $3, $4)
    static final String LIST_ALL = "SELECT other_id, state, position, update_time_us FROM friend_edges"
            + " WHERE user_id = ? AND (state, position, other_id) > (?, ?, ?)"
            + " ORDER BY state, position, other_id LIMIT ?";
    // Limit -> Index Scan using friend_edges_list
    //   Index Cond: user_id = $1 AND state = $2 AND ROW(position, other_id) > ROW($3, $4)
    static final String LIST_STATE = "SELECT other_id, state, position, update_time_us FROM friend_edges"
            + " WHERE user_id = ? AND state = ? AND (position, other_id) > (?, ?)"
            + " ORDER BY position, other_id LIMIT ?";
    // Index Scan using friend_edges_pkey, Index Cond: user_id = $1 AND other_id = $2
    static final String STATE = "SELECT state FROM friend_edges WHERE user_id = ? AND other_id = ?";
    // Aggregate -> Index Only Scan using friend_edges_list (or _pkey), Index Cond: user_id = $1
    static final String COUNT = "SELECT count(*) FROM friend_edges WHERE user_id = ?";
    // Delete -> Bitmap Heap Scan -> BitmapOr of Bitmap Index Scans on friend_edges_list (user_id) and
    // friend_edges_incoming (other_id)
    static final String DELETE_OF_USER = "DELETE FROM friend_edges WHERE user_id = ? OR other_id = ?";
    // the whole table, in key order (Index Scan using friend_edges_pkey, or a Seq Scan and a Sort)
    private static final String EXPORT = "SELECT user_id, other_id, state, position, update_time_us FROM friend_edges"
            + " ORDER BY user_id, other_id";
    private static final String IMPORT = "INSERT INTO friend_edges (user_id, other_id, state, position, update_time_us)"
            + " VALUES (?, ?, ?, ?, ?)";

    private final PostgresStore store;
    private final PostgresDatabase db;
    private final CursorMac cursorMac;
    /** The last position this node gave. */
    private final AtomicLong lastPosition = new AtomicLong();

    PostgresFriendStore(PostgresStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.cursorMac = new CursorMac(CursorMac.derive(cursorKey, "gantry friend cursors"));
    }

    private record Stored(int state, long position, long updateMicros) {
    }

    /** What one pair change writes: at most one new state per direction, or the other direction's delete. */
    private static final class Changes {
        Stored mine;
        boolean mineIsNew;
        Stored theirs;
        boolean theirsIsNew;
        boolean deleteMine;
        boolean deleteTheirs;
    }

    /** A change to one pair: both edges read and locked; the change fills {@code out}. */
    @FunctionalInterface
    private interface PairChange<T> {
        T apply(Changes out, Stored mine, Stored theirs);
    }

    private <T> T changePair(String userId, String otherId, PairChange<T> change) {
        UUID user = uuid(userId);
        UUID other = uuid(otherId);
        if (user.equals(other)) {
            throw new IllegalArgumentException("a user has no edge to itself");
        }
        return db.transaction(c -> {
            Stored mine = null;
            Stored theirs = null;
            try (PreparedStatement s = c.prepareStatement(LOCK_PAIR)) {
                s.setObject(1, user);
                s.setObject(2, other);
                s.setObject(3, other);
                s.setObject(4, user);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Stored edge = new Stored(r.getInt(2), r.getLong(3), r.getLong(4));
                        if (r.getObject(1, UUID.class).equals(user)) {
                            mine = edge;
                        } else {
                            theirs = edge;
                        }
                    }
                }
            }
            Changes changes = new Changes();
            T result = change.apply(changes, mine, theirs);
            write(c, user, other, changes);
            return result;
        });
    }

    /** Writes {@code changes} in one statement; a row meant to be new that was there makes the transaction run again. */
    private static void write(Connection c, UUID user, UUID other, Changes changes) throws SQLException {
        int puts = (changes.mine != null ? 1 : 0) + (changes.theirs != null ? 1 : 0);
        if (puts == 0) {
            if (changes.deleteMine || changes.deleteTheirs) {
                String sql = changes.deleteMine && changes.deleteTheirs
                        ? "DELETE FROM friend_edges WHERE (user_id = ? AND other_id = ?) OR (user_id = ? AND other_id = ?)"
                        : DELETE_EDGE;
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    int i = 1;
                    if (changes.deleteMine) {
                        s.setObject(i++, user);
                        s.setObject(i++, other);
                    }
                    if (changes.deleteTheirs) {
                        s.setObject(i++, other);
                        s.setObject(i, user);
                    }
                    s.executeUpdate();
                }
            }
            return;
        }
        // Only block puts one edge and deletes the other: the delete rides along in a CTE.
        String prefix = changes.deleteTheirs ? "WITH gone AS (" + DELETE_EDGE + ") " : "";
        String sql = prefix + String.format(UPSERT, puts == 2 ? "(?, ?, ?, ?, ?), (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (changes.deleteTheirs) {
                s.setObject(i++, other);
                s.setObject(i++, user);
            }
            if (changes.mine != null) {
                i = bindEdge(s, i, user, other, changes.mine);
            }
            if (changes.theirs != null) {
                bindEdge(s, i, other, user, changes.theirs);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    boolean inserted = r.getBoolean(2);
                    boolean meantNew = r.getObject(1, UUID.class).equals(user) ? changes.mineIsNew : changes.theirsIsNew;
                    if (meantNew && !inserted) {
                        throw new SQLException("a friend edge was inserted concurrently", RETRY);
                    }
                }
            }
        }
    }

    private static int bindEdge(PreparedStatement s, int i, UUID from, UUID to, Stored edge) throws SQLException {
        s.setObject(i++, from);
        s.setObject(i++, to);
        s.setInt(i++, edge.state());
        s.setLong(i++, edge.position());
        s.setLong(i++, edge.updateMicros());
        return i;
    }

    @Override
    public AddResult add(String userId, String otherId) {
        return changePair(userId, otherId, (out, mine, theirs) -> {
            if (mine != null && mine.state() != INVITE_RECEIVED || theirs != null && theirs.state() == BLOCKED) {
                return AddResult.UNCHANGED;
            }
            long now = nowMicros();
            if (mine != null) {
                // Accept: both edges become friends and keep their positions.
                out.mine = new Stored(FRIEND, mine.position(), now);
                out.theirs = new Stored(FRIEND, theirs == null ? nextPosition(now) : theirs.position(), now);
                out.theirsIsNew = theirs == null;
                return AddResult.ACCEPTED;
            }
            out.mine = new Stored(INVITE_SENT, nextPosition(now), now);
            out.mineIsNew = true;
            out.theirs = new Stored(INVITE_RECEIVED, nextPosition(now), now);
            out.theirsIsNew = theirs == null;
            return AddResult.INVITED;
        });
    }

    @Override
    public Counts delete(String userId, String otherId) {
        return changePair(userId, otherId, (out, mine, theirs) -> {
            out.deleteMine = mine != null;
            out.deleteTheirs = theirs != null && theirs.state() != BLOCKED;
            return new Counts(out.deleteMine, out.deleteTheirs);
        });
    }

    @Override
    public Counts block(String userId, String otherId) {
        return changePair(userId, otherId, (out, mine, theirs) -> {
            if (mine != null && mine.state() == BLOCKED) {
                return new Counts(false, false);
            }
            long now = nowMicros();
            out.mine = new Stored(BLOCKED, mine == null ? nextPosition(now) : mine.position(), now);
            out.mineIsNew = mine == null;
            out.deleteTheirs = theirs != null && theirs.state() != BLOCKED;
            return new Counts(mine == null, out.deleteTheirs);
        });
    }

    @Override
    public void deleteAllOf(Connection connection, String userId) throws SQLException {
        UUID user = uuid(userId);
        try (PreparedStatement s = connection.prepareStatement(DELETE_OF_USER)) {
            s.setObject(1, user);
            s.setObject(2, user);
            s.executeUpdate();
        }
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
        UUID user = uuid(userId);
        byte[] after = cursor == null || cursor.isEmpty() ? null : decodeCursor(user, state, cursor);
        ByteBuffer tail = after == null ? null : ByteBuffer.wrap(after);
        int afterState = tail == null ? -1 : tail.get();
        long afterPosition = tail == null ? Long.MIN_VALUE : tail.getLong();
        UUID afterOther = tail == null ? NIL : new UUID(tail.getLong(), tail.getLong());
        List<Edge> edges = db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(state < 0 ? LIST_ALL : LIST_STATE)) {
                int i = 1;
                s.setObject(i++, user);
                // the first page: after (-1, MIN, nil), or in one state after (MIN, nil): every edge
                s.setInt(i++, state < 0 ? afterState : state);
                s.setLong(i++, afterPosition);
                s.setObject(i++, afterOther);
                s.setInt(i, limit + 1);
                List<Edge> out = new ArrayList<>(Math.min(limit + 1, 64));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new Edge(userId, r.getObject(1, UUID.class).toString(), r.getInt(2), r.getLong(3),
                                micros(r.getLong(4))));
                    }
                }
                return out;
            }
        });
        if (edges.size() <= limit) {
            return new Page(edges, null);
        }
        List<Edge> page = List.copyOf(edges.subList(0, limit));
        return new Page(page, encodeCursor(user, state, page.get(limit - 1)));
    }

    @Override
    public int state(String userId, String otherId) {
        UUID user = uuid(userId);
        UUID other = uuid(otherId);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(STATE)) {
                s.setObject(1, user);
                s.setObject(2, other);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getInt(1) : -1;
                }
            }
        });
    }

    @Override
    public int count(String userId) {
        UUID user = uuid(userId);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(COUNT)) {
                s.setObject(1, user);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    // ---- export and import ----

    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(EXPORT)) {
                s.setFetchSize(1000);   // a cursor, not the whole table in memory (needs the transaction)
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setFriendEdge(StoredFriendEdge.newBuilder()
                                .setUserId(r.getObject(1, UUID.class).toString())
                                .setOtherId(r.getObject(2, UUID.class).toString())
                                .setState(r.getInt(3))
                                .setPosition(r.getLong(4))
                                .setUpdateTimeUs(r.getLong(5))).build());
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void importRecords(List<DumpRecord> records) {
        List<StoredFriendEdge> edges = new ArrayList<>(records.size());
        long maxPosition = Long.MIN_VALUE;
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("not a friend edge: " + record.getRecordCase());
            }
            StoredFriendEdge e = record.getFriendEdge();
            if (uuid(e.getUserId()).equals(uuid(e.getOtherId())) || e.getState() < FRIEND || e.getState() > BLOCKED) {
                throw new IllegalArgumentException("not a valid friend edge: " + e);
            }
            edges.add(e);
            maxPosition = Math.max(maxPosition, e.getPosition());
        }
        if (edges.isEmpty()) {
            return;
        }
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(IMPORT)) {
                int pending = 0;
                for (StoredFriendEdge e : edges) {
                    s.setObject(1, UUID.fromString(e.getUserId()));
                    s.setObject(2, UUID.fromString(e.getOtherId()));
                    s.setInt(3, e.getState());
                    s.setLong(4, e.getPosition());
                    s.setLong(5, e.getUpdateTimeUs());
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
        long highest = maxPosition;
        lastPosition.accumulateAndGet(highest, Math::max);
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.getRecordCase() == DumpRecord.RecordCase.FRIEND_EDGE;
    }

    // ---- positions and times ----

    private long nextPosition(long nowMicros) {
        return lastPosition.accumulateAndGet(nowMicros, (last, now) -> Math.max(last + 1, now));
    }

    private long nowMicros() {
        return RocksKeys.nowMicros(store.clock());
    }

    // ---- cursors ----

    private String encodeCursor(UUID user, int state, Edge last) {
        UUID other = UUID.fromString(last.otherId());
        byte[] body = ByteBuffer.allocate(CURSOR_BODY + CursorMac.BYTES).put(CURSOR_TAG)
                .putLong(user.getMostSignificantBits()).putLong(user.getLeastSignificantBits())
                .put((byte) state).put((byte) last.state()).putLong(last.position())
                .putLong(other.getMostSignificantBits()).putLong(other.getLeastSignificantBits()).array();
        System.arraycopy(cursorMac.of(body, CURSOR_BODY), 0, body, CURSOR_BODY, CursorMac.BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body);
    }

    /** The cursor's tail (state 1 | position 8 | other 16), if this store made it for this user and filter. */
    private byte[] decodeCursor(UUID user, int state, String cursor) throws InvalidCursorException {
        if (cursor.length() > 256) {
            throw new InvalidCursorException();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        byte[] userBytes = ByteBuffer.allocate(ID).putLong(user.getMostSignificantBits())
                .putLong(user.getLeastSignificantBits()).array();
        if (raw.length != CURSOR_BODY + CursorMac.BYTES
                || !MessageDigest.isEqual(cursorMac.of(raw, CURSOR_BODY), Arrays.copyOfRange(raw, CURSOR_BODY, raw.length))
                || raw[0] != CURSOR_TAG
                || !Arrays.equals(raw, 1, 1 + ID, userBytes, 0, ID)
                || raw[1 + ID] != (byte) state
                || (state >= 0 && raw[2 + ID] != (byte) state)) {
            throw new InvalidCursorException();
        }
        return Arrays.copyOfRange(raw, 2 + ID, CURSOR_BODY);
    }

    // ---- values ----

    private static UUID uuid(String id) {
        byte[] bytes = RocksKeys.uuidBytes(id);   // the RocksDB store's check: a canonical UUID, either case
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong());
    }
}
