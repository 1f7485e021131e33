package io.gantry.persistence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The shared {@link Store}: every sub-store on one PostgreSQL database, reached through a
 * connection pool, its schema created and migrated by Flyway at {@link #open}. Many Gantry nodes may
 * share one database; what each node keeps in memory (caches, ranks) is rebuilt from it.
 *
 * <pre>{@code
 * try (PostgresStore store = PostgresStore.open(PostgresSettings.parse("postgres://gantry@127.0.0.1:5432/gantry"),
 *                                               StoreOptions.defaults())) {
 *     store.accounts().createWithCustom("custom-id-1", "alice");
 * }
 * }</pre>
 *
 * <p>Durability: every write is a committed transaction before the call that made it returns, and
 * the {@link #writer()}'s round of history and notifications is one transaction, committed before
 * any of its callbacks run. PostgreSQL's own {@code synchronous_commit} decides what a commit
 * means on a crash; {@link StoreOptions#syncWrites()} does not apply here.
 *
 * <p>Errors: while the database is away every call throws {@link StoreUnavailableException}, and
 * the writer answers its ops {@link WriteResult.Failed}; the pool reconnects by itself.
 *
 * <p>Threads: {@link #open} and {@link #close} by the thread that starts and stops the server;
 * everything else from blocking executors, except {@link StoreWriter#offer}, which never blocks.
 */
public final class PostgresStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);

    private final PostgresDatabase db;
    private final Clock clock;
    private final PostgresAccountStore accounts;
    private final PostgresHistoryStore history;
    private final PostgresNotificationStore notifications;
    private final PostgresCommitWriter writer;
    private final PostgresStorageStore storage;
    private final PostgresFriendStore friends;
    private final PostgresGroupStore groups;
    private final PostgresLeaderboardStore leaderboards;
    private volatile boolean closed;

    private PostgresStore(PostgresDatabase db, StoreOptions options, Clock clock) {
        this.db = db;
        this.clock = clock;
        byte[] cursorKey = options.cursorKey();
        if (cursorKey == null) {
            LOG.info("No cursor key configured: using a random one, so cursors will not be accepted after a restart");
            cursorKey = new byte[32];
            new SecureRandom().nextBytes(cursorKey);
        }
        // sub-stores: each constructed here from (this, options, cursorKey)
        this.accounts = new PostgresAccountStore(this, options.bcryptCost(), cursorKey);
        this.history = new PostgresHistoryStore(this, cursorKey);
        this.notifications = new PostgresNotificationStore(this, cursorKey);
        this.writer = new PostgresCommitWriter(this, notifications, options);
        this.storage = new PostgresStorageStore(this, cursorKey);
        this.friends = new PostgresFriendStore(this, cursorKey);
        this.groups = new PostgresGroupStore(this, cursorKey);
        this.leaderboards = new PostgresLeaderboardStore(this);
    }

    /** {@link #open(PostgresSettings, StoreOptions, Clock)} on the system clock. */
    public static PostgresStore open(PostgresSettings settings, StoreOptions options) {
        return open(settings, options, Clock.systemUTC());
    }

    /**
     * Connects, applies the migrations the database lacks, loads what the stores keep in memory,
     * and starts the writer.
     *
     * @throws StoreUnavailableException if the database cannot be reached
     */
    public static PostgresStore open(PostgresSettings settings, StoreOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        PostgresDatabase db = PostgresDatabase.connect(settings);
        try {
            db.migrate();
            PostgresStore store = new PostgresStore(db, options, clock);
            store.start();
            LOG.info("Store open on PostgreSQL at {}", settings.display());
            return store;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Loads what the sub-stores keep in memory, then starts the writer (last: close stops it first). */
    private void start() {
        int revocations = accounts.loadRevocations();
        LOG.info("{} live token revocations loaded", revocations);
        writer.start();
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

    @Override
    public StoreWriter writer() {
        return writer;
    }

    /** What an account owns besides its own rows: deleting the account deletes these in its transaction. */
    List<PostgresUserOwned> userOwned() {
        return List.of(storage, friends, groups, leaderboards);
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // the writer first (it commits what is queued), then the pool
        writer.close();
        db.close();
        LOG.info("Store on PostgreSQL at {} closed", db.settings().display());
    }

    // ---- for the sub-stores of this package ----

    PostgresDatabase db() {
        return db;
    }

    Clock clock() {
        return clock;
    }
}
