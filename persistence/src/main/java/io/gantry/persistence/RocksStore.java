package io.gantry.persistence;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded {@link Store}: one RocksDB database in {@code <dataDir>/rocksdb}, one column
 * family per kind of record (see {@link StoreColumnFamily}).
 *
 * <pre>{@code
 * try (RocksStore store = RocksStore.open(Path.of("data"), StoreOptions.defaults())) {
 *     store.accounts().createWithCustom("custom-id-1", "alice");
 * }
 * }</pre>
 *
 * <p>Threads: {@link #open} and {@link #close} are called by the thread that starts and stops the
 * server. Everything in between is thread-safe (RocksDB itself is) and is called from blocking
 * executors, except {@link GroupCommitWriter#offer}, which never blocks. History and notification
 * writes all go through the one {@link #writer()} thread, which the store starts when it opens
 * and drains and stops when it closes, before the database closes.
 */
public final class RocksStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(RocksStore.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dbDir;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    /** Every handle RocksDB gave us, the default and unknown ones included: all are closed. */
    private final List<ColumnFamilyHandle> allHandles;
    private final Map<StoreColumnFamily, ColumnFamilyHandle> handles;
    private final WriteOptions writeOptions;
    /** Never synced: for writers that sync the log themselves, in groups ({@link WalSync}). */
    private final WriteOptions unsyncedWriteOptions;
    private final WalSync walSync;
    private final boolean syncWrites;
    private final Clock clock;
    private final RocksAccountStore accounts;
    private final RocksHistoryStore history;
    private final RocksNotificationStore notifications;
    private final RocksStorageStore storage;
    private final RocksFriendStore friends;
    private final RocksGroupStore groups;
    private final RocksLeaderboardStore leaderboards;
    private final GroupCommitWriter writer;
    private volatile boolean closed;

    private RocksStore(Path dbDir, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
                       List<ColumnFamilyHandle> allHandles, Map<StoreColumnFamily, ColumnFamilyHandle> handles,
                       StoreOptions options, Clock clock) {
        this.dbDir = dbDir;
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.allHandles = allHandles;
        this.handles = handles;
        this.writeOptions = new WriteOptions().setSync(options.syncWrites());
        this.unsyncedWriteOptions = new WriteOptions().setSync(false);
        this.syncWrites = options.syncWrites();
        this.walSync = options.syncWrites() ? new WalSync(db::syncWal) : null;
        this.clock = clock;
        byte[] cursorKey = options.cursorKey();
        if (cursorKey == null) {
            // Cursors stay tamper-safe; they just do not outlive this process.
            LOG.info("No history cursor key configured: using a random one, so history cursors "
                    + "will not be accepted after a restart");
            cursorKey = new byte[32];
            new SecureRandom().nextBytes(cursorKey);
        }
        this.accounts = new RocksAccountStore(this, options.bcryptCost(), cursorKey);
        this.history = new RocksHistoryStore(this, cursorKey);
        this.notifications = new RocksNotificationStore(this, cursorKey);
        this.storage = new RocksStorageStore(this, cursorKey);
        this.friends = new RocksFriendStore(this, cursorKey);
        this.groups = new RocksGroupStore(this, cursorKey);
        this.leaderboards = new RocksLeaderboardStore(this);
        this.writer = new GroupCommitWriter(this, history, notifications, options);
    }

    /** Opens (creating when missing) the store in {@code <dataDir>/rocksdb}, on the system clock. */
    public static RocksStore open(Path dataDir, StoreOptions options) {
        return open(dataDir, options, Clock.systemUTC());
    }

    /**
     * As {@link #open(Path, StoreOptions)} with the clock that stamps create/update times and
     * decides which revoked tokens have expired (tests pass a clock they can move).
     *
     * @throws StoreException if RocksDB cannot open the database (another process holds its lock,
     *                        corruption, ...)
     */
    public static RocksStore open(Path dataDir, StoreOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        Path dbDir = dataDir.resolve("rocksdb").toAbsolutePath();
        try {
            Files.createDirectories(dbDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dbDir, e);
        }

        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // RocksDB's own info log rolls forever by default; a handful is enough to debug.
                .setKeepLogFileNum(5);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyHandle> allHandles = new ArrayList<>();
        try {
            List<byte[]> names = familiesToOpen(dbDir);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(names.size());
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
            }
            RocksDB db = RocksDB.open(dbOptions, dbDir.toString(), descriptors, allHandles);

            Map<StoreColumnFamily, ColumnFamilyHandle> handles = new EnumMap<>(StoreColumnFamily.class);
            for (int i = 0; i < names.size(); i++) {
                for (StoreColumnFamily cf : StoreColumnFamily.values()) {
                    if (Arrays.equals(cf.nameBytes(), names.get(i))) {
                        handles.put(cf, allHandles.get(i));
                    }
                }
            }
            RocksStore store = new RocksStore(dbDir, db, dbOptions, cfOptions, allHandles, handles, options, clock);
            int revocations;
            try {
                revocations = store.accounts.loadRevocations();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            // Last: once it runs, close() must stop it before the database goes.
            store.writer.start();
            LOG.info("Store open at {} (sync writes {}, {} live token revocations)",
                    dbDir, options.syncWrites(), revocations);
            return store;
        } catch (RocksDBException e) {
            allHandles.forEach(ColumnFamilyHandle::close);
            cfOptions.close();
            dbOptions.close();
            throw new StoreException("cannot open RocksDB at " + dbDir, e);
        }
    }

    /**
     * The default family (RocksDB requires it), every {@link StoreColumnFamily}, and any family
     * already on disk that this version does not know: RocksDB refuses to open a database unless
     * every existing family is named, and a database written by a newer Gantry must still open.
     */
    private static List<byte[]> familiesToOpen(Path dbDir) throws RocksDBException {
        List<byte[]> names = new ArrayList<>();
        names.add(RocksDB.DEFAULT_COLUMN_FAMILY);
        for (StoreColumnFamily cf : StoreColumnFamily.values()) {
            names.add(cf.nameBytes());
        }
        if (Files.exists(dbDir.resolve("CURRENT"))) {
            try (Options listOptions = new Options()) {
                for (byte[] existing : RocksDB.listColumnFamilies(listOptions, dbDir.toString())) {
                    if (names.stream().noneMatch(n -> Arrays.equals(n, existing))) {
                        LOG.warn("Opening unknown column family '{}' left by another version",
                                new String(existing, StandardCharsets.UTF_8));
                        names.add(existing);
                    }
                }
            }
        }
        return names;
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public HistoryStore history() {
        return history;
    }

    @Override
    public NotificationStore notifications() {
        return notifications;
    }

    @Override
    public StorageStore storage() {
        return storage;
    }

    @Override
    public FriendStore friends() {
        return friends;
    }

    @Override
    public GroupStore groups() {
        return groups;
    }

    @Override
    public LeaderboardStore leaderboards() {
        return leaderboards;
    }

    /**
     * What an account owns besides the account itself and its ledger: deleting the account deletes
     * these in its batch, taking the account store's lock first, then each part's in this order (a
     * part must never take the account store's lock while it holds its own).
     */
    List<RocksUserOwned> userOwned() {
        return List.of(storage, friends, groups, leaderboards);
    }

    @Override
    public GroupCommitWriter writer() {
        return writer;
    }

    @Override
    public List<StoreTransfer> transfers() {
        // accounts first: the other records name their users
        return List.of(accounts, storage, friends, groups, leaderboards, history, notifications);
    }

    @Override
    public boolean deleteUser(String userId) {
        return accounts.delete(userId, userOwned());
    }

    /** The directory RocksDB lives in ({@code <dataDir>/rocksdb}). */
    public Path directory() {
        return dbDir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        // The writer first: it writes what is queued, then nothing touches the database.
        writer.close();
        closed = true;
        try {
            // With syncWrites off the WAL may hold unsynced writes; make them durable on a clean stop.
            db.syncWal();
        } catch (RocksDBException e) {
            LOG.warn("Syncing the RocksDB WAL on close failed", e);
        }
        // Handles before the database, the database before the options it was opened with:
        // the order RocksJava documents.
        allHandles.forEach(ColumnFamilyHandle::close);
        try {
            db.closeE();
        } catch (RocksDBException e) {
            LOG.warn("Closing RocksDB failed", e);
        }
        writeOptions.close();
        unsyncedWriteOptions.close();
        cfOptions.close();
        dbOptions.close();
        LOG.info("Store at {} closed", dbDir);
    }

    // ---- for the sub-stores of this package ----

    RocksDB db() {
        return db;
    }

    ColumnFamilyHandle handle(StoreColumnFamily cf) {
        return handles.get(cf);
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    /**
     * Options of a write that is not synced whatever {@link StoreOptions#syncWrites()} says: the
     * writer makes it durable with a {@link WalSync} when {@link #syncWrites()}.
     */
    /**
     * The one group sync of this store's write-ahead log, shared by every writer that writes
     * unsynced and then waits for durability (storage objects, friend edges, groups, leaderboards), so that one
     * fsync covers all their writes made before it; null when writes are not synced.
     */
    WalSync walSync() {
        return walSync;
    }

    /**
     * Writes {@code batch} unsynced (nothing when it is empty) and returns the {@link WalSync} ticket
     * to pass to {@link #awaitDurable} once the caller has let go of its lock: its own write's, or
     * the last write's if it wrote nothing (so a call that saw a write returns once that is durable).
     * Call it under the writer's lock, so that tickets follow the order of that writer's writes.
     */
    long commitUnsynced(WriteBatch batch) throws RocksDBException {
        if (batch.count() == 0) {
            return walSync == null ? 0 : walSync.last();
        }
        db.write(unsyncedWriteOptions, batch);
        return walSync == null ? 0 : walSync.written();
    }

    /** Returns once the write of {@code ticket} is durable; must not hold a lock a writer needs. */
    void awaitDurable(long ticket) {
        if (walSync != null) {
            walSync.awaitSynced(ticket);
        }
    }

    WriteOptions unsyncedWriteOptions() {
        return unsyncedWriteOptions;
    }

    /** Whether a write must be durable (its WAL synced) before the call that made it returns. */
    boolean syncWrites() {
        return syncWrites;
    }

    Clock clock() {
        return clock;
    }

    /**
     * Turns a use after {@link #close()} into a clean exception instead of a native crash. Not a
     * guarantee (a call racing with close can still slip through), hence the close contract.
     */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }
}
