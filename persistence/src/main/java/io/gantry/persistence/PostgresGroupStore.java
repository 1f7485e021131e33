package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredGroup;
import io.gantry.proto.storage.StoredGroupEdge;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static io.gantry.persistence.RocksKeys.ID;
import static io.gantry.persistence.RocksKeys.micros;
import static io.gantry.persistence.RocksKeys.uuidBytes;
import static io.gantry.persistence.RocksKeys.uuidText;

/**
 * {@link GroupStore} on two tables of a {@link PostgresStore} ({@code V7__groups.sql}): {@code groups}
 * (one row per group, its name unique by constraint, {@code name_lower} the Java-lower-cased name in
 * collation "C" for the name order and the pattern filter) and {@code group_edges} (one row per
 * membership, with one index per list: a group's users and a user's groups, both by state then
 * position).
 *
 * <p>{@link #change} is one transaction that first locks the group's row ({@code SELECT ... FOR
 * UPDATE}), so changes of one group are serialized across every node sharing the database; the
 * caller decides over a view that reads edges lazily and keeps its own writes in an overlay, and
 * everything decided is written by one statement (edges upserted and deleted from arrays, the
 * group's row updated) before the commit. The edge count moves by the edges entering or leaving
 * states 0–2 compared with the edges as stored under the lock, so it never drifts. A rename onto a
 * taken name violates {@code groups_name_key}: the transaction rolls back and the change throws
 * {@link GroupNameTakenException}.
 *
 * <p>Positions are epoch microseconds of the change, strictly increasing on this node; edges set
 * by two nodes in the same microsecond may share one, and lists then order them by id, so every
 * list still has a total order.
 *
 * <p>Cursors are those of {@link RocksGroupStore} (the same layout and a key derived for group
 * cursors): base64url of {@code tag | what the listing is bound to | the last row's sort key |
 * HMAC}, refused when forged or made for another listing.
 *
 * <p>Threads: any blocking thread. A {@link Change} runs inside the transaction holding the group's
 * row lock (and may run again if PostgreSQL reports a deadlock), so it must not wait for another
 * thread nor change another group.
 */
final class PostgresGroupStore implements GroupStore, StoreTransfer, PostgresUserOwned {

    private static final byte USERS_CURSOR = 'U';
    private static final byte USER_GROUPS_CURSOR = 'M';
    private static final byte LIST_CURSOR = 'L';
    private static final int MAX_CURSOR_CHARS = 4096;
    /** An edge that is not there: {@link Membership#state} {@link #NONE}. */
    private static final Edge ABSENT = new Edge(NONE, 0, 0);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String NAME_CONSTRAINT = "groups_name_key";
    /** PostgreSQL's "LIKE pattern must not end with escape character". */
    private static final String INVALID_ESCAPE_SEQUENCE = "22025";

    private static final String GROUP_COLUMNS = "id, creator_id, name, description, lang_tag, metadata, avatar_url,"
            + " open, edge_count, max_count, create_time_us, update_time_us";

    // Plan: Insert on groups (ON CONFLICT DO NOTHING over groups_pkey and groups_name_key), then
    // Insert on group_edges from the CTE's row: one statement, so a group never exists without its creator.
    static final String CREATE = "WITH g AS (INSERT INTO groups (" + GROUP_COLUMNS + ", name_lower)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id)"
            + " INSERT INTO group_edges (group_id, user_id, state, position, update_time_us)"
            + " SELECT id, ?, 0, ?, ? FROM g";
    // Plan: Bitmap Heap Scan on groups (BitmapOr of groups_pkey and groups_name_key).
    static final String WHO_HAS = "SELECT id = ? FROM groups WHERE id = ? OR name = ?";
    // Plan: Index Scan using groups_pkey on groups.
    static final String GET = "SELECT " + GROUP_COLUMNS + " FROM groups WHERE id = ?";
    // Plan: LockRows, Index Scan using groups_pkey on groups.
    static final String LOCK = GET + " FOR UPDATE";
    // Plan: Index Scan using group_edges_pkey on group_edges (or, on a vacuumed table, Index Only
    // Scan using group_edges_user_order: user_id and group_id are both in it).
    static final String EDGE = "SELECT state, position, update_time_us FROM group_edges"
            + " WHERE group_id = ? AND user_id = ?";
    // Plan: Sort, Bitmap Heap Scan on group_edges, Bitmap Index Scan on group_edges_group_order
    // (Index Cond: group_id, state); on a large group, Index Only Scan using the same index.
    static final String USERS_IN = "SELECT user_id, position FROM group_edges WHERE group_id = ? AND state = ?"
            + " ORDER BY position, user_id";
    // Plan: Update on groups (Index Scan using groups_pkey), with CTEs: Insert on group_edges
    // (Function Scan on unnest, Conflict Arbiter Indexes: group_edges_pkey) and Delete on
    // group_edges (Index Scan using group_edges_pkey, user_id = ANY).
    static final String WRITE = "WITH upserted AS (INSERT INTO group_edges"
            + " (group_id, user_id, state, position, update_time_us)"
            + " SELECT ?, x.u, x.s::smallint, x.p, x.t FROM unnest(?::uuid[], ?::int[], ?::bigint[], ?::bigint[]) AS x(u, s, p, t)"
            + " ON CONFLICT (group_id, user_id) DO UPDATE SET state = excluded.state, position = excluded.position,"
            + " update_time_us = excluded.update_time_us),"
            + " removed AS (DELETE FROM group_edges WHERE group_id = ? AND user_id = ANY (?::uuid[]))"
            + " UPDATE groups SET name = ?, name_lower = ?, description = ?, lang_tag = ?, metadata = ?, avatar_url = ?,"
            + " open = ?, edge_count = ?, max_count = ?, update_time_us = ? WHERE id = ? AND ?";
    // Plan: Delete on groups (Index Scan using groups_pkey), with a CTE: Delete on group_edges
    // (Bitmap Heap Scan, Bitmap Index Scan on group_edges_group_order, Index Cond: group_id).
    static final String DELETE_GROUP = "WITH e AS (DELETE FROM group_edges WHERE group_id = ?)"
            + " DELETE FROM groups WHERE id = ?";
    // Plan: Limit, Sort, Bitmap Heap Scan on group_edges, Bitmap Index Scan on group_edges_group_order
    // (Index Cond: group_id = $1, state < 4, ROW(state, position, user_id) > ROW(...)) for a group of
    // tens of users; Limit, Index Only Scan using the same index when the group is large.
    static final String LIST_USERS_ALL = "SELECT state, position, user_id, update_time_us FROM group_edges"
            + " WHERE group_id = ? AND state < 4 AND (state, position, user_id) > (?, ?, ?)"
            + " ORDER BY state, position, user_id LIMIT ?";
    // Plan: Limit, Sort, Bitmap Index Scan on group_edges_group_order (Index Cond: group_id = $1,
    // state = $2, ROW(position, user_id) > ROW(...)); Index Only Scan using it on a large group.
    static final String LIST_USERS_IN = "SELECT state, position, user_id, update_time_us FROM group_edges"
            + " WHERE group_id = ? AND state = ? AND (position, user_id) > (?, ?)"
            + " ORDER BY position, user_id LIMIT ?";
    // Plan: Limit, Sort, Bitmap Heap Scan on group_edges, Bitmap Index Scan on group_edges_user_order
    // (Index Cond: user_id = $1, state < 4, ROW(state, position, group_id) > ROW(...)); Index Only
    // Scan using it for a user of many groups.
    static final String LIST_GROUPS_ALL = "SELECT state, position, group_id, update_time_us FROM group_edges"
            + " WHERE user_id = ? AND state < 4 AND (state, position, group_id) > (?, ?, ?)"
            + " ORDER BY state, position, group_id LIMIT ?";
    // Plan: Limit, Index Only Scan using group_edges_user_order on group_edges
    // (Index Cond: user_id = $1, state = $2, ROW(position, group_id) > ROW(...)).
    static final String LIST_GROUPS_IN = "SELECT state, position, group_id, update_time_us FROM group_edges"
            + " WHERE user_id = ? AND state = ? AND (position, group_id) > (?, ?)"
            + " ORDER BY position, group_id LIMIT ?";
    // Plan: LockRows, Sort by id, Nested Loop (Bitmap Index Scan on group_edges_user_order, Index
    // Scan using groups_pkey on groups): the groups of the user, locked in id order.
    static final String LOCK_USER_GROUPS = "SELECT g.id FROM groups g"
            + " WHERE g.id IN (SELECT group_id FROM group_edges WHERE user_id = ?) ORDER BY g.id FOR UPDATE OF g";
    // Plan: Update on groups (Nested Loop over the CTE "mine", Index Scan using groups_pkey), with
    // CTEs: doomed (Nested Loop Anti Join of an Index Only Scan using group_edges_user_order and a
    // Bitmap Index Scan on group_edges_group_order), doomed_edges and doomed_groups (Nested Loops
    // over doomed: Bitmap Index Scan on group_edges_group_order, Index Scan using groups_pkey), mine
    // (Delete on group_edges, Bitmap Index Scan on group_edges_user_order, hashed SubPlan of doomed).
    static final String DELETE_USER = "WITH doomed AS (SELECT e.group_id FROM group_edges e"
            + " WHERE e.user_id = ? AND e.state = 0 AND NOT EXISTS (SELECT 1 FROM group_edges o"
            + " WHERE o.group_id = e.group_id AND o.state = 0 AND o.user_id <> e.user_id)),"
            + " doomed_edges AS (DELETE FROM group_edges WHERE group_id IN (SELECT group_id FROM doomed)),"
            + " doomed_groups AS (DELETE FROM groups WHERE id IN (SELECT group_id FROM doomed)),"
            + " mine AS (DELETE FROM group_edges WHERE user_id = ? AND group_id NOT IN (SELECT group_id FROM doomed)"
            + " RETURNING group_id, state)"
            + " UPDATE groups g SET edge_count = g.edge_count - 1, update_time_us = ?"
            + " FROM mine WHERE g.id = mine.group_id AND mine.state <= 2";
    private static final String EXPORT_GROUPS = "SELECT " + GROUP_COLUMNS + " FROM groups ORDER BY id";
    private static final String EXPORT_EDGES = "SELECT group_id, user_id, state, position, update_time_us"
            + " FROM group_edges ORDER BY group_id, user_id";
    private static final String IMPORT_GROUP = "INSERT INTO groups (" + GROUP_COLUMNS + ", name_lower)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String IMPORT_EDGE = "INSERT INTO group_edges (group_id, user_id, state, position, update_time_us)"
            + " VALUES (?, ?, ?, ?, ?)";

    private final PostgresStore store;
    private final PostgresDatabase db;
    private final CursorMac cursorMac;
    /** The last position given on this node. */
    private final AtomicLong lastPosition = new AtomicLong();

    PostgresGroupStore(PostgresStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.cursorMac = new CursorMac(CursorMac.derive(cursorKey, "gantry group cursors"));
    }

    private record Edge(int state, long position, long updateMicros) {
    }

    // ---- writes ----

    @Override
    public StoredGroup create(StoredGroup group) {
        Objects.requireNonNull(group, "group");
        UUID id = uuid(group.getId());
        UUID creator = uuid(group.getCreatorId());
        String name = group.getName();
        requireName(name);
        long now = nowMicros();
        StoredGroup stored = group.toBuilder().setId(id.toString()).setCreatorId(creator.toString())
                .setEdgeCount(1).setCreateTimeUs(now).setUpdateTimeUs(now).build();
        long position = nextPosition(now);
        // Both conflicts (id, name) make the insert do nothing; which one it was takes a second read.
        // A conflicting group deleted in between leaves neither: then the insert is tried again.
        for (int attempt = 0; attempt < 8; attempt++) {
            boolean created = db.read(c -> {
                try (PreparedStatement s = c.prepareStatement(CREATE)) {
                    int i = setGroup(s, 1, stored);
                    s.setObject(i++, creator);
                    s.setLong(i++, position);
                    s.setLong(i, now);
                    return s.executeUpdate() == 1;
                }
            });
            if (created) {
                return stored;
            }
            Boolean idTaken = db.read(c -> {
                try (PreparedStatement s = c.prepareStatement(WHO_HAS)) {
                    s.setObject(1, id);
                    s.setObject(2, id);
                    s.setString(3, name);
                    try (ResultSet r = s.executeQuery()) {
                        boolean any = false;
                        while (r.next()) {
                            if (r.getBoolean(1)) {
                                return true;
                            }
                            any = true;
                        }
                        return any ? false : null;
                    }
                }
            });
            if (idTaken != null) {
                if (idTaken) {
                    throw new IllegalArgumentException("group " + stored.getId() + " already exists");
                }
                throw new GroupNameTakenException(name);
            }
        }
        throw new StoreException("cannot create group " + stored.getId() + ": its id or name keeps changing hands", null);
    }

    /** Thrown out of a transaction to carry the checked exception a {@link Change} threw. */
    private static final class Decided extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Decided(Exception cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    @Override
    public <T, E extends Exception> T change(String groupId, Change<T, E> change) throws E {
        Objects.requireNonNull(change, "change");
        UUID group = uuid(groupId);
        try {
            return db.transaction(c -> {
                View view = new View(c, group, lock(c, group));
                T result;
                try {
                    result = change.apply(view);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new Decided(e);
                } finally {
                    view.closed = true;
                }
                view.write();
                return result;
            });
        } catch (Decided d) {
            @SuppressWarnings("unchecked")
            E e = (E) d.getCause();
            throw e;
        }
    }

    private static StoredGroup lock(Connection c, UUID group) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOCK)) {
            s.setObject(1, group);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? readGroup(r) : null;
            }
        }
    }

    /**
     * One {@link #change}'s view of its group, inside the transaction that holds the group's row lock:
     * each user's edge is read once ({@link #stored}), the change's own writes are kept in
     * {@link #staged}, and {@link #write} writes them all in one statement.
     */
    private final class View implements Membership {

        private final Connection connection;
        private final UUID group;
        private final StoredGroup original;
        private StoredGroup updated;
        private boolean deleted;
        private boolean closed;
        private int countDelta;
        private final Map<String, Edge> stored = new HashMap<>();
        private final Map<String, Edge> staged = new LinkedHashMap<>();

        View(Connection connection, UUID group, StoredGroup original) {
            this.connection = connection;
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
            try (PreparedStatement s = connection.prepareStatement(USERS_IN)) {
                s.setObject(1, group);
                s.setShort(2, (short) state);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        String user = r.getObject(1, UUID.class).toString();
                        if (!staged.containsKey(user)) {
                            ranked.add(new Ranked(r.getLong(2), user));
                        }
                    }
                }
            } catch (SQLException e) {
                throw db.translate(e);
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
            // As Nakama: a new edge gets a position, a changed one keeps its own, except a ban,
            // which Nakama writes as a new edge at the end of the list.
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
            requireName(fields.getName());
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
                try (PreparedStatement s = connection.prepareStatement(EDGE)) {
                    s.setObject(1, group);
                    s.setObject(2, UUID.fromString(user));
                    try (ResultSet r = s.executeQuery()) {
                        edge = r.next() ? new Edge(r.getShort(1), r.getLong(2), r.getLong(3)) : ABSENT;
                    }
                } catch (SQLException e) {
                    throw db.translate(e);
                }
                stored.put(user, edge);
            }
            return edge;
        }

        /** Writes everything this change decided, in one statement; throws when a new name is taken. */
        void write() throws SQLException {
            if (original == null) {
                return;
            }
            if (deleted) {
                try (PreparedStatement s = connection.prepareStatement(DELETE_GROUP)) {
                    s.setObject(1, group);
                    s.setObject(2, group);
                    s.executeUpdate();
                }
                return;
            }
            List<UUID> putUsers = new ArrayList<>();
            List<Integer> putStates = new ArrayList<>();
            List<Long> putPositions = new ArrayList<>();
            List<Long> putTimes = new ArrayList<>();
            List<UUID> removedUsers = new ArrayList<>();
            for (Map.Entry<String, Edge> entry : staged.entrySet()) {
                Edge now = entry.getValue();
                if (now != ABSENT) {
                    putUsers.add(UUID.fromString(entry.getKey()));
                    putStates.add(now.state());
                    putPositions.add(now.position());
                    putTimes.add(now.updateMicros());
                } else if (stored(entry.getKey()) != ABSENT) {
                    removedUsers.add(UUID.fromString(entry.getKey()));
                }
            }
            boolean groupChanged = updated != null || countDelta != 0;
            if (putUsers.isEmpty() && removedUsers.isEmpty() && !groupChanged) {
                return;
            }
            StoredGroup next = (updated != null ? updated : original).toBuilder()
                    .setEdgeCount(original.getEdgeCount() + countDelta).setUpdateTimeUs(nowMicros()).build();
            try (PreparedStatement s = connection.prepareStatement(WRITE)) {
                s.setObject(1, group);
                s.setArray(2, connection.createArrayOf("uuid", putUsers.toArray()));
                s.setArray(3, connection.createArrayOf("int4", putStates.toArray()));
                s.setArray(4, connection.createArrayOf("int8", putPositions.toArray()));
                s.setArray(5, connection.createArrayOf("int8", putTimes.toArray()));
                s.setObject(6, group);
                s.setArray(7, connection.createArrayOf("uuid", removedUsers.toArray()));
                s.setString(8, next.getName());
                s.setString(9, RocksGroupStore.lower(next.getName()));
                s.setString(10, next.getDescription());
                s.setString(11, next.getLangTag());
                s.setString(12, next.getMetadata());
                s.setString(13, next.getAvatarUrl());
                s.setBoolean(14, next.getOpen());
                s.setInt(15, next.getEdgeCount());
                s.setInt(16, next.getMaxCount());
                s.setLong(17, next.getUpdateTimeUs());
                s.setObject(18, group);
                s.setBoolean(19, groupChanged);
                s.executeUpdate();
            } catch (SQLException e) {
                if (nameTaken(e)) {
                    throw new GroupNameTakenException(next.getName());
                }
                throw e;
            }
        }
    }

    private static boolean nameTaken(SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
            return false;
        }
        ServerErrorMessage detail = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        return detail == null || detail.getConstraint() == null || NAME_CONSTRAINT.equals(detail.getConstraint());
    }

    /** The name in a violation of {@link #NAME_CONSTRAINT} ("Key (name)=(Knights) already exists."). */
    private static String nameOf(SQLException e) {
        ServerErrorMessage detail = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String text = detail == null || detail.getDetail() == null ? "" : detail.getDetail();
        int start = text.indexOf(")=(");
        int end = text.lastIndexOf(") already exists");
        return start >= 0 && end > start ? text.substring(start + 3, end) : "(a name of the import)";
    }

    /**
     * Removes the user's edges in both directions and fixes each group's edge count, as
     * {@link RocksGroupStore#deleteAllOf} does: a group whose only superadmin is this user is deleted
     * whole. The user's groups are locked first, in id order (as no change locks more than one group,
     * no two deletions nor a deletion and a change can wait on each other in a cycle), then one
     * statement does the rest.
     */
    @Override
    public void deleteAllOf(Connection connection, String userId) throws SQLException {
        UUID user = uuid(userId);
        try (PreparedStatement s = connection.prepareStatement(LOCK_USER_GROUPS)) {
            s.setObject(1, user);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    // locked
                }
            }
        }
        try (PreparedStatement s = connection.prepareStatement(DELETE_USER)) {
            s.setObject(1, user);
            s.setObject(2, user);
            s.setLong(3, nowMicros());
            s.executeUpdate();
        }
    }

    // ---- reads ----

    @Override
    public Optional<StoredGroup> get(String groupId) {
        UUID group = uuid(groupId);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(GET)) {
                s.setObject(1, group);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(readGroup(r)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public int state(String groupId, String userId) {
        UUID group = uuid(groupId);
        UUID user = uuid(userId);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(EDGE)) {
                s.setObject(1, group);
                s.setObject(2, user);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getShort(1) : NONE;
                }
            }
        });
    }

    @Override
    public MemberPage listUsers(String groupId, int state, int limit, String cursor) throws InvalidCursorException {
        requireLimit(limit);
        requireListState(state);
        byte[] group = uuidBytes(groupId);
        byte[] bound = bound(group, state);
        byte[] after = cursor == null || cursor.isEmpty() ? null : decodeCursor(USERS_CURSOR, bound, 1 + 8 + ID, cursor);
        return listEdges(state < 0 ? LIST_USERS_ALL : LIST_USERS_IN, USERS_CURSOR, bound, group, state, after, limit, true);
    }

    @Override
    public MemberPage listUserGroups(String userId, int state, int limit, String cursor) throws InvalidCursorException {
        requireLimit(limit);
        requireListState(state);
        byte[] user = uuidBytes(userId);
        byte[] bound = bound(user, state);
        byte[] after = cursor == null || cursor.isEmpty() ? null
                : decodeCursor(USER_GROUPS_CURSOR, bound, 1 + 8 + ID, cursor);
        if (state == BANNED) {
            return new MemberPage(List.of(), null);
        }
        return listEdges(state < 0 ? LIST_GROUPS_ALL : LIST_GROUPS_IN, USER_GROUPS_CURSOR, bound, user, state, after,
                limit, false);
    }

    /**
     * A keyset page of edges by (state, position, other id) after {@code after} (state (1) | position
     * (8) | other id (16)), of the group's users ({@code byGroup}) or of the user's groups.
     */
    private MemberPage listEdges(String sql, byte tag, byte[] bound, byte[] owner, int state, byte[] after, int limit,
                                 boolean byGroup) {
        UUID ownerId = uuid(owner);
        String ownerText = ownerId.toString();
        ByteBuffer from = after == null ? null : ByteBuffer.wrap(after);
        int fromState = from == null ? -1 : from.get();
        long fromPosition = from == null ? Long.MIN_VALUE : from.getLong();
        UUID fromOther = from == null ? new UUID(0, 0) : new UUID(from.getLong(), from.getLong());
        if (state >= 0 && from != null && fromState != state) {
            return new MemberPage(List.of(), null);
        }
        if (from == null && state < 0) {
            // before every edge: state -1 sorts first
            fromState = -1;
        }
        int fetch = fetchSize(limit);
        final int startState = fromState;
        List<Member> page = db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                s.setObject(i++, ownerId);
                if (state < 0) {
                    s.setShort(i++, (short) startState);
                } else {
                    s.setShort(i++, (short) state);
                }
                s.setLong(i++, fromPosition);
                s.setObject(i++, fromOther);
                s.setInt(i, fetch);
                List<Member> out = new ArrayList<>(Math.min(fetch, 64));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        String other = r.getObject(3, UUID.class).toString();
                        out.add(byGroup
                                ? new Member(ownerText, other, r.getShort(1), r.getLong(2), micros(r.getLong(4)))
                                : new Member(other, ownerText, r.getShort(1), r.getLong(2), micros(r.getLong(4))));
                    }
                }
                return out;
            }
        });
        if (page.size() <= limit) {
            return new MemberPage(page, null);
        }
        List<Member> shown = page.subList(0, limit);
        Member last = shown.get(limit - 1);
        byte[] tail = ByteBuffer.allocate(1 + 8 + ID).put((byte) last.state()).putLong(last.position())
                .put(uuidBytes(byGroup ? last.userId() : last.groupId())).array();
        return new MemberPage(List.copyOf(shown), encodeCursor(tag, bound, tail));
    }

    @Override
    public GroupPage list(Filter filter, int limit, String cursor) throws InvalidCursorException {
        Objects.requireNonNull(filter, "filter");
        requireLimit(limit);
        byte[] bound = digest(filter);
        byte[] after = cursor == null || cursor.isEmpty() ? null : decodeCursor(LIST_CURSOR, bound, -1, cursor);
        if (filter.namePattern() == null && (filter.langTag() != null || filter.maxMembers() != null)) {
            return listByCount(filter, limit, bound, after);
        }
        String pattern = filter.namePattern() == null ? null : RocksGroupStore.lower(filter.namePattern());
        if (pattern != null && pattern.indexOf('\0') >= 0) {
            return new GroupPage(List.of(), null);   // no name holds a NUL on PostgreSQL
        }
        if (pattern != null && danglingEscape(pattern)) {
            return danglingEscapeListing(pattern);
        }
        String lowerAfter = null;
        UUID idAfter = null;
        if (after != null) {
            if (after.length < 1 + ID || after[after.length - ID - 1] != 0) {
                throw new InvalidCursorException();
            }
            lowerAfter = new String(after, 0, after.length - ID - 1, StandardCharsets.UTF_8);
            idAfter = uuid(Arrays.copyOfRange(after, after.length - ID, after.length));
        }
        List<StoredGroup> page = queryGroups(byName(filter, pattern, lowerAfter, idAfter), fetchSize(limit));
        if (page.size() <= limit) {
            return new GroupPage(page, null);
        }
        StoredGroup last = page.get(limit - 1);
        byte[] lower = RocksGroupStore.lower(last.getName()).getBytes(StandardCharsets.UTF_8);
        byte[] tail = ByteBuffer.allocate(lower.length + 1 + ID).put(lower).put((byte) 0).put(uuidBytes(last.getId())).array();
        return new GroupPage(List.copyOf(page.subList(0, limit)), encodeCursor(LIST_CURSOR, bound, tail));
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
        Integer countAfter = null;
        UUID idAfter = null;
        if (after != null) {
            ByteBuffer b = ByteBuffer.wrap(after);
            countAfter = b.getInt();
            idAfter = new UUID(b.getLong(), b.getLong());
        }
        List<StoredGroup> page = queryGroups(byCount(filter, countAfter, idAfter), fetchSize(limit));
        if (page.size() <= limit) {
            return new GroupPage(page, null);
        }
        StoredGroup last = page.get(limit - 1);
        byte[] tail = ByteBuffer.allocate(4 + ID).putInt(last.getEdgeCount()).put(uuidBytes(last.getId())).array();
        return new GroupPage(List.copyOf(page.subList(0, limit)), encodeCursor(LIST_CURSOR, bound, tail));
    }

    /** A listing's SQL and its arguments but the last, the LIMIT. */
    record Query(String sql, List<Object> args) {
    }

    /**
     * The listing by lower-cased name then id: the pattern's literal prefix as a range of the name
     * index, the pattern itself, the cursor's row (null: the first page) and the other filters.
     */
    static Query byName(Filter filter, String lowerPattern, String lowerAfter, UUID idAfter) {
        String prefix = lowerPattern == null ? "" : literalPrefix(lowerPattern);
        String prefixEnd = prefix.isEmpty() ? null : prefixEnd(prefix);
        // Plan: Limit, Index Scan using groups_name_lower_id on groups (Index Cond: name_lower >= prefix
        // AND name_lower < its end AND ROW(name_lower, id) > ROW(cursor); Filter: name_lower ~~ pattern
        // and the other filters); for a narrow prefix, Sort over a Bitmap Index Scan on the same index.
        // A pattern starting with a wildcard has no range: Sort (top-N) over a Seq Scan on groups, as
        // the RocksDB store scans its whole name order for it.
        StringBuilder sql = new StringBuilder("SELECT ").append(GROUP_COLUMNS).append(" FROM groups WHERE true");
        List<Object> args = new ArrayList<>();
        if (!prefix.isEmpty()) {
            sql.append(" AND name_lower >= ?");
            args.add(prefix);
            if (prefixEnd != null) {
                sql.append(" AND name_lower < ?");
                args.add(prefixEnd);
            }
        }
        if (lowerPattern != null) {
            sql.append(" AND name_lower LIKE ?");
            args.add(lowerPattern);
        }
        if (lowerAfter != null) {
            sql.append(" AND (name_lower, id) > (?, ?)");
            args.add(lowerAfter);
            args.add(idAfter);
        }
        otherFilters(filter, sql, args);
        sql.append(" ORDER BY name_lower, id LIMIT ?");
        return new Query(sql.toString(), args);
    }

    /**
     * The listing by edge count then id: descending from the member bound when there is one, else
     * ascending within the language; after the cursor's row (null: the first page).
     */
    static Query byCount(Filter filter, Integer countAfter, UUID idAfter) {
        boolean descending = filter.maxMembers() != null;
        StringBuilder sql = new StringBuilder("SELECT ").append(GROUP_COLUMNS).append(" FROM groups WHERE true");
        List<Object> args = new ArrayList<>();
        if (countAfter != null) {
            sql.append(descending ? " AND (edge_count, id) < (?, ?)" : " AND (edge_count, id) > (?, ?)");
            args.add(countAfter);
            args.add(idAfter);
        }
        otherFilters(filter, sql, args);
        // Plan, by language: Limit, Index Scan using groups_lang_edge_count_id on groups (Index Cond:
        // lang_tag = $1 AND ROW(edge_count, id) > ROW(cursor)). With a member bound: Limit, Index
        // Scan Backward using groups_edge_count_id (Index Cond: edge_count <= $1 AND ROW(edge_count,
        // id) < ROW(cursor)), or using groups_lang_edge_count_id with a language too.
        sql.append(descending ? " ORDER BY edge_count DESC, id DESC LIMIT ?" : " ORDER BY edge_count, id LIMIT ?");
        return new Query(sql.toString(), args);
    }

    private static void otherFilters(Filter filter, StringBuilder sql, List<Object> args) {
        if (filter.langTag() != null) {
            sql.append(" AND lang_tag = ?");
            args.add(filter.langTag());
        }
        if (filter.open() != null) {
            sql.append(" AND open = ?");
            args.add(filter.open());
        }
        if (filter.maxMembers() != null) {
            sql.append(" AND edge_count <= ?");
            args.add(filter.maxMembers());
        }
    }

    private List<StoredGroup> queryGroups(Query query, int fetch) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(query.sql())) {
                int i = 1;
                for (Object arg : query.args()) {
                    s.setObject(i++, arg);
                }
                s.setInt(i, fetch);
                List<StoredGroup> out = new ArrayList<>(Math.min(fetch, 64));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(readGroup(r));
                    }
                }
                return out;
            } catch (SQLException e) {
                if (INVALID_ESCAPE_SEQUENCE.equals(e.getSQLState())) {
                    throw new IllegalArgumentException("LIKE pattern must not end with escape character");
                }
                throw e;
            }
        });
    }

    /** Whether the pattern ends with a {@code \} that escapes nothing (an odd run of them at its end). */
    static boolean danglingEscape(String pattern) {
        int run = 0;
        for (int i = pattern.length() - 1; i >= 0 && pattern.charAt(i) == '\\'; i--) {
            run++;
        }
        return run % 2 == 1;
    }

    /**
     * A listing whose (lower-cased) pattern ends with a lone escape matches no name; it fails as
     * PostgreSQL's matcher fails when it reaches that escape with characters left, which is when a
     * name within the pattern's literal prefix matches the pattern before the escape followed by at
     * least one character. Decided here rather than by the listing's own {@code LIKE}, since the
     * planner turns a pattern without wildcards into an equality and would never reach the escape.
     */
    private GroupPage danglingEscapeListing(String pattern) {
        String before = pattern.substring(0, pattern.length() - 1);
        String prefix = literalPrefix(before);
        String prefixEnd = prefix.isEmpty() ? null : prefixEnd(prefix);
        // Plan: Result, InitPlan: Index Only Scan using groups_name_lower_id on groups (Index Cond:
        // name_lower >= prefix AND name_lower < its end; Filter: name_lower ~~ pattern).
        String sql = "SELECT EXISTS (SELECT 1 FROM groups WHERE name_lower >= ?"
                + (prefixEnd == null ? "" : " AND name_lower < ?") + " AND name_lower LIKE ?)";
        boolean reached = db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                s.setString(i++, prefix);
                if (prefixEnd != null) {
                    s.setString(i++, prefixEnd);
                }
                s.setString(i, before + "_%");
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getBoolean(1);
                }
            }
        });
        if (reached) {
            throw new IllegalArgumentException("LIKE pattern must not end with escape character");
        }
        return new GroupPage(List.of(), null);
    }

    /** The literal characters of a lower-cased pattern before its first wildcard, escapes resolved. */
    static String literalPrefix(String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); ) {
            int c = pattern.codePointAt(i);
            if (c == '%' || c == '_') {
                break;
            }
            if (c == '\\') {
                i += Character.charCount(c);
                if (i >= pattern.length()) {
                    break;
                }
                c = pattern.codePointAt(i);
            }
            out.appendCodePoint(c);
            i += Character.charCount(c);
        }
        return out.toString();
    }

    /**
     * The least string after every string that starts with {@code prefix}, in code point order (the
     * last code point that can grow, grown), or null when there is none.
     */
    static String prefixEnd(String prefix) {
        int[] cps = prefix.codePoints().toArray();
        for (int n = cps.length; n > 0; n--) {
            int last = cps[n - 1];
            if (last < Character.MAX_CODE_POINT) {
                int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
                cps[n - 1] = next;
                return new String(cps, 0, n);
            }
        }
        return null;
    }

    // ---- export and import ----

    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(EXPORT_GROUPS)) {
                s.setFetchSize(1_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setGroup(readGroup(r)).build());
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(EXPORT_EDGES)) {
                s.setFetchSize(1_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setGroupEdge(StoredGroupEdge.newBuilder()
                                .setGroupId(r.getObject(1, UUID.class).toString())
                                .setUserId(r.getObject(2, UUID.class).toString())
                                .setState(r.getShort(3)).setPosition(r.getLong(4)).setUpdateTimeUs(r.getLong(5))
                                .build()).build());
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void importRecords(List<DumpRecord> records) {
        Objects.requireNonNull(records, "records");
        long maxPosition = 0;
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("not a group record: " + record.getRecordCase());
            }
            if (record.hasGroup()) {
                uuid(record.getGroup().getId());
                uuid(record.getGroup().getCreatorId());
                requireName(record.getGroup().getName());
            } else {
                StoredGroupEdge edge = record.getGroupEdge();
                uuid(edge.getGroupId());
                uuid(edge.getUserId());
                if (edge.getState() < SUPERADMIN || edge.getState() > BANNED) {
                    throw new IllegalArgumentException("group edge state must be 0..4, was " + edge.getState());
                }
                maxPosition = Math.max(maxPosition, edge.getPosition());
            }
        }
        db.transaction(c -> {
            try (PreparedStatement groups = c.prepareStatement(IMPORT_GROUP);
                 PreparedStatement edges = c.prepareStatement(IMPORT_EDGE)) {
                int pendingGroups = 0;
                int pendingEdges = 0;
                for (DumpRecord record : records) {
                    if (record.hasGroup()) {
                        setGroup(groups, 1, record.getGroup());
                        groups.addBatch();
                        if (++pendingGroups == 1_000) {
                            groups.executeBatch();
                            pendingGroups = 0;
                        }
                    } else {
                        StoredGroupEdge edge = record.getGroupEdge();
                        edges.setObject(1, uuid(edge.getGroupId()));
                        edges.setObject(2, uuid(edge.getUserId()));
                        edges.setShort(3, (short) edge.getState());
                        edges.setLong(4, edge.getPosition());
                        edges.setLong(5, edge.getUpdateTimeUs());
                        edges.addBatch();
                        if (++pendingEdges == 1_000) {
                            edges.executeBatch();
                            pendingEdges = 0;
                        }
                    }
                }
                if (pendingGroups > 0) {
                    groups.executeBatch();
                }
                if (pendingEdges > 0) {
                    edges.executeBatch();
                }
            } catch (SQLException e) {
                SQLException cause = e.getNextException() != null ? e.getNextException() : e;
                if (UNIQUE_VIOLATION.equals(cause.getSQLState())) {
                    if (nameTaken(cause)) {
                        throw new GroupNameTakenException(nameOf(cause));
                    }
                    throw new IllegalArgumentException("a group or a group edge imported is already stored: "
                            + cause.getMessage());
                }
                throw e;
            }
            return null;
        });
        long highest = maxPosition;
        lastPosition.accumulateAndGet(highest, Math::max);
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasGroup() || record.hasGroupEdge();
    }

    // ---- rows ----

    /** Sets a group's columns (as {@link #GROUP_COLUMNS}, then name_lower) from {@code index}; returns the next index. */
    private static int setGroup(PreparedStatement s, int index, StoredGroup g) throws SQLException {
        int i = index;
        s.setObject(i++, uuid(g.getId()));
        s.setObject(i++, uuid(g.getCreatorId()));
        s.setString(i++, g.getName());
        s.setString(i++, g.getDescription());
        s.setString(i++, g.getLangTag());
        s.setString(i++, g.getMetadata());
        s.setString(i++, g.getAvatarUrl());
        s.setBoolean(i++, g.getOpen());
        s.setInt(i++, g.getEdgeCount());
        s.setInt(i++, g.getMaxCount());
        s.setLong(i++, g.getCreateTimeUs());
        s.setLong(i++, g.getUpdateTimeUs());
        s.setString(i++, RocksGroupStore.lower(g.getName()));
        return i;
    }

    private static StoredGroup readGroup(ResultSet r) throws SQLException {
        return StoredGroup.newBuilder()
                .setId(r.getObject(1, UUID.class).toString())
                .setCreatorId(r.getObject(2, UUID.class).toString())
                .setName(r.getString(3))
                .setDescription(r.getString(4))
                .setLangTag(r.getString(5))
                .setMetadata(r.getString(6))
                .setAvatarUrl(r.getString(7))
                .setOpen(r.getBoolean(8))
                .setEdgeCount(r.getInt(9))
                .setMaxCount(r.getInt(10))
                .setCreateTimeUs(r.getLong(11))
                .setUpdateTimeUs(r.getLong(12))
                .build();
    }

    // ---- cursors (as RocksGroupStore's) ----

    private static byte[] bound(byte[] id, int state) {
        return ByteBuffer.allocate(ID + 1).put(id).put((byte) state).array();
    }

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
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
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

    // ---- ids, states and time ----

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    private static void requireListState(int state) {
        if (state < ALL_BUT_BANNED || state > BANNED) {
            throw new IllegalArgumentException("state must be -1..4, was " + state);
        }
    }

    private static void requireName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a group needs a name");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a group name cannot hold a NUL character");
        }
    }

    /** One row more than the page, to know whether another follows. */
    private static int fetchSize(int limit) {
        return limit == Integer.MAX_VALUE ? limit : limit + 1;
    }

    private static int counted(int state) {
        return state >= SUPERADMIN && state <= MEMBER ? 1 : 0;
    }

    private long nextPosition(long nowMicros) {
        return lastPosition.accumulateAndGet(nowMicros, (last, now) -> Math.max(last + 1, now));
    }

    private long nowMicros() {
        return RocksKeys.nowMicros(store.clock());
    }

    /** The UUID of a canonical id string; {@link IllegalArgumentException} if it is not one. */
    private static UUID uuid(String id) {
        return uuid(uuidBytes(id));
    }

    private static UUID uuid(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong());
    }

    private static String canonical(String id) {
        return uuidText(uuidBytes(id));
    }
}
