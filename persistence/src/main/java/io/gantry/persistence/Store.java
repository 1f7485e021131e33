package io.gantry.persistence;

/**
 * Everything Gantry keeps. {@link RocksStore} is the embedded implementation, {@link PostgresStore}
 * the shared one.
 *
 * <pre>{@code
 * try (Store store = RocksStore.open(Path.of("data"), StoreOptions.defaults())) {
 *     CreateResult r = store.accounts().createWithDevice("device-1234567", null);
 * }
 * }</pre>
 *
 * <p>Threads: the sub-stores are thread-safe and may block on disk I/O, so they are called
 * from a blocking executor, never from a Netty event loop or the router thread. {@link #close()}
 * is called once, by the thread that shuts the server down, after every caller has stopped.
 */
public interface Store extends AutoCloseable {

    /** Accounts, their credential indexes, and revoked session tokens. */
    AccountStore accounts();

    /** Channel message history and retry-safe send entries: reads, from any thread. */
    HistoryStore history();

    /** Persistent notifications per user: saves, listings and deletes, from a blocking thread. */
    NotificationStore notifications();

    /** Storage objects: reads, atomic writes and deletes with versions and permissions, listings. */
    StorageStore storage();

    /** Friend edges: invites, friends, blocks, in both directions at once; lists by state. */
    FriendStore friends();

    /** Groups and their memberships: atomic changes under a group's lock, listings. */
    GroupStore groups();

    /**
     * Leaderboards, tournaments and their records: atomic record changes under a board's lock, reads
     * by key, and the start-up scan that rebuilds ranks.
     */
    LeaderboardStore leaderboards();

    /**
     * The single writer of channel history and of the server's notifications: offer it
     * {@link WriteOp}s and {@link NotificationWrite}s, from any thread.
     */
    StoreWriter writer();

    /**
     * Every sub-store's part of export and import, in the order an export writes them: accounts
     * first, since the other records name their users. See {@link StoreDump}.
     */
    java.util.List<StoreTransfer> transfers();

    /**
     * Deletes the account, its credential indexes, its wallet ledger and everything else the user
     * owns (storage objects, friend and group edges, the groups it was the last superadmin of) in
     * one write. Returns whether there was such an account. Blocking thread.
     */
    boolean deleteUser(String userId);

    /**
     * Flushes and releases the store. Call it once, after every user of the store has stopped:
     * a call racing with it may fail with {@link IllegalStateException}.
     */
    @Override
    void close();
}
