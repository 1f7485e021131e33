package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link LeaderboardStore} on PostgreSQL: the tables {@code leaderboards} and
 * {@code leaderboard_records} of {@code V8__leaderboards.sql}, every field a typed column.
 *
 * <p>A {@link #change} is atomic with no lock held across the decision, since several Gantry nodes
 * may write one board at once. It is optimistic first, two round trips on an auto-committing
 * connection:
 * <ol>
 *   <li>one statement reads the board and the owner's record with its version ({@code xmin}: the
 *       transaction that last wrote the row);</li>
 *   <li>the decision runs; {@link RecordView#growSize} answers from the size read (a size never
 *       shrinks, so a "full" stays true) and remembers the least limit it was given;</li>
 *   <li>one statement writes the decision only if the record is still the version read: an update
 *       or delete {@code WHERE ... AND xmin = version}, or an insert {@code ON CONFLICT DO NOTHING}
 *       of a new one. When the size grew, that write and {@code UPDATE leaderboards SET size = size
 *       + n WHERE ... AND size <= limit - n} are one short transaction, both or neither, so two
 *       nodes never both take a tournament's last place.</li>
 * </ol>
 * If another change came between (no row written), nothing was written and the change is decided
 * again on what is there now. After {@value #OPTIMISTIC_ATTEMPTS} lost races the record is hot and
 * the change waits its turn instead ({@link #locking}): one transaction that locks the record
 * ({@code FOR UPDATE}) when it reads it, and the board's row ({@code FOR NO KEY UPDATE}, which
 * record inserts' foreign-key checks do not wait for) only if the decision grows the size; a first
 * record inserted meanwhile by another transaction rolls it back and runs it again (as a
 * serialization failure, which {@link PostgresDatabase#transaction} retries). No update is lost
 * either way.
 *
 * <p>{@link RecordChange#written}: called once, after the write, while this node still holds one
 * of {@value #STRIPES} striped locks chosen by the record's key (taken before any row lock, for the
 * write and the call only on the optimistic path, for the whole transaction on the locking one,
 * where the call comes before the commit, under the row lock). So one node's calls for a record
 * come in the order of its writes, which is what the caller's ranks need; the stripes order local
 * callbacks only, and what keeps nodes apart is PostgreSQL's. Changes of different owners of one
 * board run in parallel (Nakama's writes do too). A commit that fails on the locking path (the
 * connection lost) may or may not have happened; the ranks keep what the change meant to write until
 * the record is written again or the node restarts.
 *
 * <p>{@link #forEachRecord} and {@link #exportTo} stream their rows through a server-side cursor
 * ({@value #FETCH_SIZE} rows a round trip) instead of loading a board at once.
 *
 * <p>Query plans (EXPLAIN on a database with thousands of records, asserted by
 * {@code PostgresLeaderboardPlanTest}) are written above each statement.
 *
 * <p>Threads: any blocking thread. A {@link RecordChange} holds a pooled connection (and, on the
 * locking path, the record's lock), so it must not wait for another thread nor call this store;
 * it may be decided more than once, {@link RecordChange#written} is called at most once.
 */
final class PostgresLeaderboardStore implements LeaderboardStore, StoreTransfer, PostgresUserOwned {

    /** Rows a streaming read fetches a round trip. */
    static final int FETCH_SIZE = 4096;
    /** Rows an import sends a batch. */
    private static final int IMPORT_BATCH = 1000;

    private static final String BOARD_COLUMNS = "id, authoritative, sort_order, operator, reset_schedule, metadata,"
            + " create_time, category, title, description, duration, start_time, end_time, max_size, max_num_score,"
            + " join_required, size";
    private static final int BOARD_COLUMN_COUNT = 17;
    private static final int RECORD_COLUMN_COUNT = 11;
    /** Optimistic attempts of a change before it waits for the record's row lock. */
    private static final int OPTIMISTIC_ATTEMPTS = 2;
    /** Locks that order one node's {@link RecordChange#written} calls of a record; by the record key's hash. */
    private static final int STRIPES = 256;
    private static final String RECORD_COLUMNS = "leaderboard_id, expiry_time, owner_id, username, score, subscore,"
            + " num_score, max_num_score, metadata, create_time_us, update_time_us";

    /** Index Scan using leaderboards_pkey on leaderboards (Seq Scan while the table fits a page or two). */
    static final String SELECT_BOARD = "SELECT " + BOARD_COLUMNS + " FROM leaderboards WHERE id = ?";
    /** Index Scan using leaderboards_pkey (the key's order is the id's byte order: COLLATE "C"). */
    static final String SELECT_BOARDS = "SELECT " + BOARD_COLUMNS + " FROM leaderboards ORDER BY id";
    /** Insert on leaderboards, Conflict Arbiter Indexes: leaderboards_pkey. */
    static final String INSERT_BOARD = "INSERT INTO leaderboards (" + BOARD_COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Delete on leaderboards, Index Scan using leaderboards_pkey; its records go by the cascade (Index Scan on leaderboard_records_pkey). */
    static final String DELETE_BOARD = "DELETE FROM leaderboards WHERE id = ?";
    /**
     * The change's read, one round trip: Nested Loop Left Join of (Index Scan using
     * leaderboards_pkey; a Seq Scan while the boards fit a page) and (Subquery Scan on r, LockRows,
     * Index Scan using leaderboard_records_pkey).
     */
    static final String SELECT_FOR_CHANGE = "SELECT " + prefixed("b", BOARD_COLUMNS) + ", " + prefixed("r", RECORD_COLUMNS)
            + " FROM leaderboards b LEFT JOIN LATERAL (SELECT " + RECORD_COLUMNS + " FROM leaderboard_records"
            + " WHERE leaderboard_id = b.id AND expiry_time = ? AND owner_id = ? FOR UPDATE) r ON true WHERE b.id = ?";
    /**
     * The optimistic change's read, with the record's version (the transaction that last wrote it):
     * Nested Loop Left Join of (Index Scan using leaderboards_pkey; a Seq Scan while the boards fit a
     * page) and Index Scan using leaderboard_records_pkey.
     */
    static final String SELECT_FOR_OPTIMISTIC_CHANGE = "SELECT " + prefixed("b", BOARD_COLUMNS) + ", "
            + prefixed("r", RECORD_COLUMNS) + ", r.xmin::text FROM leaderboards b LEFT JOIN leaderboard_records r"
            + " ON r.leaderboard_id = b.id AND r.expiry_time = ? AND r.owner_id = ? WHERE b.id = ?";
    /** The record is still the version read: appended to {@link #UPDATE_RECORD} and {@link #DELETE_RECORD}. */
    static final String IF_VERSION = " AND xmin = ?::xid";
    /** Update on leaderboards, Index Scan using leaderboards_pkey (Filter: size <= limit). */
    static final String GROW_SIZE = "UPDATE leaderboards SET size = size + ? WHERE id = ? AND size <= ?";
    /** LockRows, Index Scan using leaderboards_pkey. */
    static final String LOCK_BOARD_SIZE = "SELECT size FROM leaderboards WHERE id = ? FOR NO KEY UPDATE";
    /** Update on leaderboards, Index Scan using leaderboards_pkey. */
    static final String UPDATE_SIZE = "UPDATE leaderboards SET size = ? WHERE id = ?";
    /** Insert on leaderboard_records, Conflict Arbiter Indexes: leaderboard_records_pkey. */
    static final String INSERT_RECORD = "INSERT INTO leaderboard_records (" + RECORD_COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_RECORD_IF_NONE = INSERT_RECORD
            + " ON CONFLICT (leaderboard_id, expiry_time, owner_id) DO NOTHING";
    /** Update on leaderboard_records, Index Scan using leaderboard_records_pkey. */
    static final String UPDATE_RECORD = "UPDATE leaderboard_records SET username = ?, score = ?, subscore = ?,"
            + " num_score = ?, max_num_score = ?, metadata = ?, create_time_us = ?, update_time_us = ?"
            + " WHERE leaderboard_id = ? AND expiry_time = ? AND owner_id = ?";
    /** Delete on leaderboard_records, Index Scan using leaderboard_records_pkey. */
    static final String DELETE_RECORD = "DELETE FROM leaderboard_records"
            + " WHERE leaderboard_id = ? AND expiry_time = ? AND owner_id = ?";
    /** Index Scan using leaderboard_records_pkey. */
    static final String SELECT_RECORD = "SELECT " + RECORD_COLUMNS + " FROM leaderboard_records"
            + " WHERE leaderboard_id = ? AND expiry_time = ? AND owner_id = ?";
    /** Bitmap Heap Scan on leaderboard_records, Bitmap Index Scan on leaderboard_records_pkey (Index Cond: ... AND owner_id = ANY ($3)). */
    static final String SELECT_RECORDS = "SELECT " + RECORD_COLUMNS + " FROM leaderboard_records"
            + " WHERE leaderboard_id = ? AND expiry_time = ? AND owner_id = ANY (?)";
    /**
     * The start-up scan of one period: Bitmap Heap Scan on leaderboard_records, Bitmap Index Scan on
     * leaderboard_records_pkey (Index Cond: leaderboard_id = $1 AND expiry_time = $2).
     */
    static final String SCAN_PERIOD = "SELECT owner_id, score, subscore FROM leaderboard_records"
            + " WHERE leaderboard_id = ? AND expiry_time = ?";
    /**
     * A loose index scan: one index probe per period, not one row per record. CTE Scan on p,
     * Recursive Union of (Limit, Index Only Scan using leaderboard_records_pkey) and (WorkTable
     * Scan on p, whose sub-select is the same probe above the last expiry).
     */
    static final String SELECT_PERIODS = "WITH RECURSIVE p (e) AS ("
            + " (SELECT expiry_time FROM leaderboard_records WHERE leaderboard_id = ? ORDER BY expiry_time LIMIT 1)"
            + " UNION ALL SELECT (SELECT expiry_time FROM leaderboard_records WHERE leaderboard_id = ?"
            + " AND expiry_time > p.e ORDER BY expiry_time LIMIT 1) FROM p WHERE p.e IS NOT NULL)"
            + " SELECT e FROM p WHERE e IS NOT NULL";
    /** Delete on leaderboard_records, Bitmap Heap Scan, Bitmap Index Scan on leaderboard_records_owner. */
    static final String DELETE_OWNER = "DELETE FROM leaderboard_records WHERE owner_id = ?";
    static final String DELETE_OWNER_RETURNING = DELETE_OWNER + " RETURNING " + RECORD_COLUMNS;
    /**
     * Export, offline: Sort of a Seq Scan on leaderboard_records (the planner's choice for a whole
     * table; streamed to the client through a cursor either way).
     */
    static final String SELECT_ALL_RECORDS = "SELECT " + RECORD_COLUMNS + " FROM leaderboard_records"
            + " ORDER BY leaderboard_id, expiry_time, owner_id";

    /** SQLSTATE of a serialization failure: what {@link PostgresDatabase#transaction} runs again. */
    private static final String RETRY = "40001";
    /** SQLSTATE of a foreign-key violation: the board went away during the change. */
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final PostgresStore store;
    private final PostgresDatabase db;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    PostgresLeaderboardStore(PostgresStore store) {
        this.store = store;
        this.db = store.db();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    private static String prefixed(String alias, String columns) {
        StringBuilder out = new StringBuilder();
        for (String column : columns.split(",")) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(alias).append('.').append(column.trim());
        }
        return out.toString();
    }

    // ---- boards ----

    @Override
    public Created create(StoredLeaderboard board) {
        Objects.requireNonNull(board, "board");
        String id = checkId(board.getId());
        long createTime = board.getCreateTime() != 0 ? board.getCreateTime() : store.clock().instant().getEpochSecond();
        StoredLeaderboard wanted = board.toBuilder().setCreateTime(createTime).setSize(0).build();
        return db.read(c -> {
            // a board deleted between the insert's conflict and the read is asked for again
            while (true) {
                try (PreparedStatement s = c.prepareStatement(INSERT_BOARD + " ON CONFLICT (id) DO NOTHING")) {
                    bindBoard(s, 1, wanted);
                    if (s.executeUpdate() == 1) {
                        return new Created(wanted, true);
                    }
                }
                Optional<StoredLeaderboard> existing = selectBoard(c, id);
                if (existing.isPresent()) {
                    return new Created(existing.get(), false);
                }
            }
        });
    }

    @Override
    public Optional<StoredLeaderboard> board(String id) {
        checkId(id);
        return db.read(c -> selectBoard(c, id));
    }

    private static Optional<StoredLeaderboard> selectBoard(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SELECT_BOARD)) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(readBoard(r, 1)) : Optional.empty();
            }
        }
    }

    @Override
    public List<StoredLeaderboard> boards() {
        return db.read(c -> {
            List<StoredLeaderboard> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT_BOARDS); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(readBoard(r, 1));
                }
            }
            return out;
        });
    }

    @Override
    public boolean delete(String id) {
        checkId(id);
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(DELETE_BOARD)) {
                s.setString(1, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    // ---- records: reads ----

    @Override
    public Optional<StoredLeaderboardRecord> record(String boardId, long expiry, String ownerId) {
        checkId(boardId);
        requireExpiry(expiry);
        UUID owner = owner(ownerId);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT_RECORD)) {
                s.setString(1, boardId);
                s.setLong(2, expiry);
                s.setObject(3, owner);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(readRecord(r, 1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<StoredLeaderboardRecord> records(String boardId, long expiry, List<String> ownerIds) {
        checkId(boardId);
        requireExpiry(expiry);
        Objects.requireNonNull(ownerIds, "ownerIds");
        UUID[] owners = new UUID[ownerIds.size()];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = owner(ownerIds.get(i));
        }
        if (owners.length == 0) {
            return List.of();
        }
        Map<UUID, StoredLeaderboardRecord> found = db.read(c -> {
            Map<UUID, StoredLeaderboardRecord> out = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(SELECT_RECORDS)) {
                s.setString(1, boardId);
                s.setLong(2, expiry);
                Array array = c.createArrayOf("uuid", owners);
                s.setArray(3, array);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        StoredLeaderboardRecord record = readRecord(r, 1);
                        out.put(r.getObject(3, UUID.class), record);
                    }
                } finally {
                    array.free();
                }
            }
            return out;
        });
        List<StoredLeaderboardRecord> out = new ArrayList<>(owners.length);
        for (UUID owner : owners) {
            StoredLeaderboardRecord record = found.get(owner);
            if (record != null) {
                out.add(record);
            }
        }
        return out;
    }

    @Override
    public void forEachRecord(String boardId, long expiry, RankVisitor visitor) {
        checkId(boardId);
        requireExpiry(expiry);
        Objects.requireNonNull(visitor, "visitor");
        streaming(c -> {
            try (PreparedStatement s = c.prepareStatement(SCAN_PERIOD)) {
                s.setFetchSize(FETCH_SIZE);
                s.setString(1, boardId);
                s.setLong(2, expiry);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        visitor.visit(r.getObject(1, UUID.class).toString(), r.getLong(2), r.getLong(3));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public List<Long> periods(String boardId) {
        checkId(boardId);
        return db.read(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT_PERIODS)) {
                s.setString(1, boardId);
                s.setString(2, boardId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Runs {@code work} with auto-commit off, which the driver needs to fetch a query's rows
     * {@link #FETCH_SIZE} at a time through a cursor instead of all at once; read-only, rolled back.
     */
    private <T> T streaming(PostgresDatabase.Work<T> work) {
        return db.read(c -> {
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } finally {
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is broken; the pool drops it
                }
            }
        });
    }

    // ---- records: changes ----

    @Override
    public <T, E extends Exception> T change(String boardId, long expiry, String ownerId,
                                             RecordChange<T, E> change) throws E {
        Objects.requireNonNull(change, "change");
        checkId(boardId);
        requireExpiry(expiry);
        UUID owner = owner(ownerId);
        ReentrantLock stripe = stripeOf(boardId, expiry, owner);
        try {
            Done<T> done = db.read(c -> {
                for (int i = 0; i < OPTIMISTIC_ATTEMPTS; i++) {
                    Done<T> d = optimistic(c, boardId, expiry, owner, change, stripe);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            });
            if (done != null) {
                return done.result;
            }
        } catch (Decided d) {
            throw d.<E>cause();
        }
        // lost every optimistic race: the record is hot; wait for its row lock instead
        return locking(boardId, expiry, owner, change);
    }

    /**
     * A change in one transaction holding the record's row lock from the read to the commit (and
     * this node's stripe of it): what {@link #change} falls back to; package-private so that
     * {@code PostgresLeaderboardTiming} can compare the two.
     */
    <T, E extends Exception> T locking(String boardId, long expiry, UUID owner, RecordChange<T, E> change) throws E {
        ReentrantLock stripe = stripeOf(boardId, expiry, owner);
        stripe.lock();
        try {
            return db.transaction(c -> attempt(c, boardId, expiry, owner, change));
        } catch (Decided d) {
            throw d.<E>cause();
        } finally {
            stripe.unlock();
        }
    }

    /** A change's result, or (null instead of one) a lost race. */
    private record Done<T>(T result) {
    }

    /**
     * One optimistic attempt, on an auto-committing connection: read (no lock), decide, then write
     * only if the record is still the one read (its {@code xmin}, the transaction that last wrote
     * it), in one statement, or, when the size grew, in one short transaction with the size's
     * conditional update. Answers null if another change came between (nothing is written).
     */
    private <T, E extends Exception> Done<T> optimistic(Connection c, String boardId, long expiry, UUID owner,
                                                        RecordChange<T, E> change, ReentrantLock stripe)
            throws SQLException {
        StoredLeaderboard board;
        StoredLeaderboardRecord original = null;
        String version = null;
        try (PreparedStatement s = c.prepareStatement(SELECT_FOR_OPTIMISTIC_CHANGE)) {
            s.setLong(1, expiry);
            s.setObject(2, owner);
            s.setString(3, boardId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new NoSuchElementException("no leaderboard " + boardId);
                }
                board = readBoard(r, 1);
                if (r.getString(BOARD_COLUMN_COUNT + 1) != null) {
                    original = readRecord(r, BOARD_COLUMN_COUNT + 1);
                    version = r.getString(BOARD_COLUMN_COUNT + RECORD_COLUMN_COUNT + 1);
                }
            }
        }
        View view = new View(null, board, original, boardId, expiry, owner.toString());
        T result = decide(change, view);
        if (!view.writes()) {
            return new Done<>(result);
        }
        // the stripe orders this node's written() calls of one record as their writes
        stripe.lock();
        try {
            boolean wrote;
            if (view.grown) {
                wrote = growing(c, view, boardId, expiry, owner, version);
            } else {
                wrote = view.writeRecordIf(c, boardId, expiry, owner, version);
            }
            if (!wrote) {
                return null;
            }
            change.written(view.current());
            return new Done<>(result);
        } finally {
            stripe.unlock();
        }
    }

    /** The record's write and the size's growth, both or neither: one transaction. */
    private static boolean growing(Connection c, View view, String boardId, long expiry, UUID owner, String version)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            boolean ok = view.writeRecordIf(c, boardId, expiry, owner, version);
            if (ok) {
                try (PreparedStatement s = c.prepareStatement(GROW_SIZE)) {
                    s.setInt(1, view.grownBy);
                    s.setString(2, boardId);
                    s.setInt(3, view.limit - view.grownBy);
                    ok = s.executeUpdate() == 1;
                }
            }
            if (ok) {
                c.commit();
            } else {
                c.rollback();
            }
            return ok;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; the pool drops it
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Runs the decision; a checked exception it throws leaves as {@link Decided}, an SQL one as itself. */
    private static <T, E extends Exception> T decide(RecordChange<T, E> change, View view) throws SQLException {
        try {
            return change.decide(view);
        } catch (SqlFailure e) {
            throw e.getCause();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new Decided(e);
        } finally {
            view.closed = true;
        }
    }

    private ReentrantLock stripeOf(String boardId, long expiry, UUID owner) {
        int h = boardId.hashCode() * 31 + Long.hashCode(expiry);
        h = h * 31 + owner.hashCode();
        return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }

    /** One attempt of a {@link #change}, inside its transaction; may be run again (see the class's Javadoc). */
    private <T, E extends Exception> T attempt(Connection c, String boardId, long expiry, UUID owner,
                                               RecordChange<T, E> change) throws SQLException {
        StoredLeaderboard board;
        StoredLeaderboardRecord original = null;
        try (PreparedStatement s = c.prepareStatement(SELECT_FOR_CHANGE)) {
            s.setLong(1, expiry);
            s.setObject(2, owner);
            s.setString(3, boardId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new NoSuchElementException("no leaderboard " + boardId);
                }
                board = readBoard(r, 1);
                if (r.getString(BOARD_COLUMN_COUNT + 1) != null) {
                    original = readRecord(r, BOARD_COLUMN_COUNT + 1);
                }
            }
        }
        View view = new View(c, board, original, boardId, expiry, owner.toString());
        T result = decide(change, view);
        if (view.write(c, boardId, expiry, owner)) {
            change.written(view.current());
        }
        return result;
    }

    /** One {@link #change}'s view of its record; nothing is written until {@link #write}. */
    private static final class View implements RecordView {

        private final Connection connection;
        private final String boardId;
        private final long expiry;
        private final String owner;
        /** The record as stored (and locked) when the change began, or null. */
        private final StoredLeaderboardRecord original;
        /** The board; once {@link #locked}, its size is the locked row's, grown by {@link #growSize}. */
        private StoredLeaderboard board;
        private boolean locked;
        private boolean grown;
        /** How many places {@link #growSize} took, and the least limit it was given (for the optimistic write). */
        private int grownBy;
        private int limit = Integer.MAX_VALUE;
        /** Whether the change put or deleted the record; {@link #next} is what it put (null: deleted). */
        private boolean touched;
        private StoredLeaderboardRecord next;
        private boolean closed;

        View(Connection connection, StoredLeaderboard board, StoredLeaderboardRecord original, String boardId,
             long expiry, String owner) {
            this.connection = connection;
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
            if (!locked && connection != null) {
                lockSize();
            }
            int size = board.getSize();
            if ((maxSize != 0 && size >= maxSize) || size == Integer.MAX_VALUE) {
                // a size never shrinks, so a "no" on a size read without a lock stays true
                return false;
            }
            board = board.toBuilder().setSize(size + 1).build();
            grown = true;
            grownBy++;
            limit = Math.min(limit, maxSize == 0 ? Integer.MAX_VALUE : maxSize);
            return true;
        }

        /** Whether the decision writes anything: a record put, a record deleted that exists, a size grown. */
        boolean writes() {
            return grown || (touched && (next != null || original != null));
        }

        /**
         * The optimistic write of the record, if the decision changed it: an insert if there was none,
         * else an update or delete of the version read. Answers false if another change came between.
         */
        boolean writeRecordIf(Connection c, String boardId, long expiry, UUID owner, String version)
                throws SQLException {
            if (!touched || (next == null && original == null)) {
                return true;
            }
            if (next != null && original == null) {
                try (PreparedStatement s = c.prepareStatement(INSERT_RECORD_IF_NONE)) {
                    bindRecord(s, next, owner);
                    return s.executeUpdate() == 1;
                } catch (SQLException e) {
                    throw foreignKey(e, boardId);
                }
            }
            if (next != null) {
                try (PreparedStatement s = c.prepareStatement(UPDATE_RECORD + IF_VERSION)) {
                    bindUpdate(s, next, boardId, expiry, owner);
                    s.setString(12, version);
                    return s.executeUpdate() == 1;
                }
            }
            try (PreparedStatement s = c.prepareStatement(DELETE_RECORD + IF_VERSION)) {
                s.setString(1, boardId);
                s.setLong(2, expiry);
                s.setObject(3, owner);
                s.setString(4, version);
                return s.executeUpdate() == 1;
            }
        }

        /** Locks the board's row and reads its size again: until the commit no other change can grow it. */
        private void lockSize() {
            try (PreparedStatement s = connection.prepareStatement(LOCK_BOARD_SIZE)) {
                s.setString(1, boardId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new NoSuchElementException("no leaderboard " + boardId);
                    }
                    board = board.toBuilder().setSize(r.getInt(1)).build();
                }
            } catch (SQLException e) {
                throw new SqlFailure(e);
            }
            locked = true;
        }

        /** Writes what the change decided; answers whether anything was written. */
        boolean write(Connection c, String boardId, long expiry, UUID owner) throws SQLException {
            boolean wrote = false;
            if (touched && next != null) {
                if (original == null) {
                    try (PreparedStatement s = c.prepareStatement(INSERT_RECORD_IF_NONE)) {
                        bindRecord(s, next, owner);
                        if (s.executeUpdate() == 0) {
                            // inserted by another transaction since this one read: decide again on it
                            throw new SQLException("leaderboard record inserted concurrently", RETRY);
                        }
                    } catch (SQLException e) {
                        throw foreignKey(e, boardId);
                    }
                } else {
                    try (PreparedStatement s = c.prepareStatement(UPDATE_RECORD)) {
                        bindUpdate(s, next, boardId, expiry, owner);
                        s.executeUpdate();
                    }
                }
                wrote = true;
            } else if (touched && original != null) {
                try (PreparedStatement s = c.prepareStatement(DELETE_RECORD)) {
                    s.setString(1, boardId);
                    s.setLong(2, expiry);
                    s.setObject(3, owner);
                    s.executeUpdate();
                }
                wrote = true;
            }
            if (grown) {
                try (PreparedStatement s = c.prepareStatement(UPDATE_SIZE)) {
                    s.setInt(1, board.getSize());
                    s.setString(2, boardId);
                    s.executeUpdate();
                }
                wrote = true;
            }
            return wrote;
        }
    }

    /** Binds {@link #UPDATE_RECORD}'s eleven parameters. */
    private static void bindUpdate(PreparedStatement s, StoredLeaderboardRecord next, String boardId, long expiry,
                                   UUID owner) throws SQLException {
        int i = 1;
        if (next.hasUsername()) {
            s.setString(i++, next.getUsername());
        } else {
            s.setNull(i++, Types.VARCHAR);
        }
        s.setLong(i++, next.getScore());
        s.setLong(i++, next.getSubscore());
        s.setInt(i++, next.getNumScore());
        s.setInt(i++, next.getMaxNumScore());
        s.setString(i++, next.getMetadata());
        s.setLong(i++, next.getCreateTimeUs());
        s.setLong(i++, next.getUpdateTimeUs());
        s.setString(i++, boardId);
        s.setLong(i++, expiry);
        s.setObject(i, owner);
    }

    /** A foreign-key violation on a record insert: the board was deleted meanwhile. */
    private static SQLException foreignKey(SQLException e, String boardId) {
        if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
            throw new NoSuchElementException("no leaderboard " + boardId);
        }
        return e;
    }

    /** A checked exception a decision threw, carried out of the transaction (which rolls back on it). */
    private static final class Decided extends RuntimeException {
        Decided(Exception cause) {
            super(cause);
        }

        @SuppressWarnings("unchecked")
        <E extends Exception> E cause() {
            return (E) getCause();
        }
    }

    /** An SQL error inside a decision (the size's lock), carried out of it to the transaction. */
    private static final class SqlFailure extends RuntimeException {
        SqlFailure(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    // ---- owners ----

    @Override
    public List<StoredLeaderboardRecord> deleteAllOf(String ownerId) {
        UUID owner = owner(ownerId);
        return db.transaction(c -> {
            List<StoredLeaderboardRecord> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(DELETE_OWNER_RETURNING)) {
                s.setObject(1, owner);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(readRecord(r, 1));
                    }
                }
            }
            return out;
        });
    }

    /** An account deletion: the owner's records go in the account's transaction. */
    @Override
    public void deleteAllOf(Connection connection, String userId) throws SQLException {
        UUID owner = owner(userId);
        try (PreparedStatement s = connection.prepareStatement(DELETE_OWNER)) {
            s.setObject(1, owner);
            s.executeUpdate();
        }
    }

    // ---- export and import ----

    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        for (StoredLeaderboard board : boards()) {
            sink.accept(DumpRecord.newBuilder().setLeaderboard(board).build());
        }
        streaming(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT_ALL_RECORDS)) {
                s.setFetchSize(FETCH_SIZE);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setLeaderboardRecord(readRecord(r, 1)).build());
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void importRecords(List<DumpRecord> records) {
        Objects.requireNonNull(records, "records");
        List<StoredLeaderboard> boards = new ArrayList<>();
        List<StoredLeaderboardRecord> rows = new ArrayList<>();
        List<UUID> owners = new ArrayList<>();
        for (DumpRecord record : records) {
            if (record.hasLeaderboard()) {
                checkId(record.getLeaderboard().getId());
                boards.add(record.getLeaderboard());
            } else if (record.hasLeaderboardRecord()) {
                StoredLeaderboardRecord row = record.getLeaderboardRecord();
                checkId(row.getLeaderboardId());
                requireExpiry(row.getExpiryTime());
                owners.add(owner(row.getOwnerId()));
                rows.add(row);
            } else {
                throw new IllegalArgumentException("not a leaderboard or leaderboard record: " + record.getRecordCase());
            }
        }
        db.transaction(c -> {
            // boards first: the records' foreign key names them
            try (PreparedStatement s = c.prepareStatement(INSERT_BOARD)) {
                for (int i = 0; i < boards.size(); i++) {
                    bindBoard(s, 1, boards.get(i));
                    s.addBatch();
                    if ((i + 1) % IMPORT_BATCH == 0) {
                        s.executeBatch();
                    }
                }
                s.executeBatch();
            }
            try (PreparedStatement s = c.prepareStatement(INSERT_RECORD)) {
                for (int i = 0; i < rows.size(); i++) {
                    bindRecord(s, rows.get(i), owners.get(i));
                    s.addBatch();
                    if ((i + 1) % IMPORT_BATCH == 0) {
                        s.executeBatch();
                    }
                }
                s.executeBatch();
            }
            return null;
        });
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasLeaderboard() || record.hasLeaderboardRecord();
    }

    // ---- rows ----

    private static void bindBoard(PreparedStatement s, int from, StoredLeaderboard b) throws SQLException {
        int i = from;
        s.setString(i++, b.getId());
        s.setBoolean(i++, b.getAuthoritative());
        s.setInt(i++, b.getSortOrder());
        s.setInt(i++, b.getOperator());
        s.setString(i++, b.getResetSchedule());
        s.setString(i++, b.getMetadata());
        s.setLong(i++, b.getCreateTime());
        s.setInt(i++, b.getCategory());
        s.setString(i++, b.getTitle());
        s.setString(i++, b.getDescription());
        s.setInt(i++, b.getDuration());
        s.setLong(i++, b.getStartTime());
        s.setLong(i++, b.getEndTime());
        s.setInt(i++, b.getMaxSize());
        s.setInt(i++, b.getMaxNumScore());
        s.setBoolean(i++, b.getJoinRequired());
        s.setInt(i, b.getSize());
    }

    private static StoredLeaderboard readBoard(ResultSet r, int from) throws SQLException {
        int i = from;
        return StoredLeaderboard.newBuilder()
                .setId(r.getString(i++))
                .setAuthoritative(r.getBoolean(i++))
                .setSortOrder(r.getInt(i++))
                .setOperator(r.getInt(i++))
                .setResetSchedule(r.getString(i++))
                .setMetadata(r.getString(i++))
                .setCreateTime(r.getLong(i++))
                .setCategory(r.getInt(i++))
                .setTitle(r.getString(i++))
                .setDescription(r.getString(i++))
                .setDuration(r.getInt(i++))
                .setStartTime(r.getLong(i++))
                .setEndTime(r.getLong(i++))
                .setMaxSize(r.getInt(i++))
                .setMaxNumScore(r.getInt(i++))
                .setJoinRequired(r.getBoolean(i++))
                .setSize(r.getInt(i))
                .build();
    }

    /** Binds the record's eleven columns, in {@link #RECORD_COLUMNS}' order, from parameter 1. */
    private static void bindRecord(PreparedStatement s, StoredLeaderboardRecord record, UUID owner) throws SQLException {
        s.setString(1, record.getLeaderboardId());
        s.setLong(2, record.getExpiryTime());
        s.setObject(3, owner);
        if (record.hasUsername()) {
            s.setString(4, record.getUsername());
        } else {
            s.setNull(4, Types.VARCHAR);
        }
        s.setLong(5, record.getScore());
        s.setLong(6, record.getSubscore());
        s.setInt(7, record.getNumScore());
        s.setInt(8, record.getMaxNumScore());
        s.setString(9, record.getMetadata());
        s.setLong(10, record.getCreateTimeUs());
        s.setLong(11, record.getUpdateTimeUs());
    }

    private static StoredLeaderboardRecord readRecord(ResultSet r, int from) throws SQLException {
        StoredLeaderboardRecord.Builder b = StoredLeaderboardRecord.newBuilder()
                .setLeaderboardId(r.getString(from))
                .setExpiryTime(r.getLong(from + 1))
                .setOwnerId(r.getObject(from + 2, UUID.class).toString());
        String username = r.getString(from + 3);
        if (username != null) {
            b.setUsername(username);
        }
        return b.setScore(r.getLong(from + 4))
                .setSubscore(r.getLong(from + 5))
                .setNumScore(r.getInt(from + 6))
                .setMaxNumScore(r.getInt(from + 7))
                .setMetadata(r.getString(from + 8))
                .setCreateTimeUs(r.getLong(from + 9))
                .setUpdateTimeUs(r.getLong(from + 10))
                .build();
    }

    // ---- input ----

    /**
     * The board id, checked as the RocksDB store checks it (not empty, at most
     * {@link RocksLeaderboardStore#MAX_ID_BYTES} UTF-8 bytes, valid Unicode), and without NUL, which
     * PostgreSQL's text cannot hold.
     */
    private static String checkId(String boardId) {
        RocksLeaderboardStore.idBytes(boardId);
        if (boardId.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a leaderboard id must not contain NUL");
        }
        return boardId;
    }

    private static UUID owner(String ownerId) {
        RocksKeys.uuidBytes(ownerId);
        return UUID.fromString(ownerId);
    }

    private static void requireExpiry(long expiry) {
        if (expiry < 0) {
            throw new IllegalArgumentException("expiry must be 0 or positive epoch seconds, was " + expiry);
        }
    }
}
