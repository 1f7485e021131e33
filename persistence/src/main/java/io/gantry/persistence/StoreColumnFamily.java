package io.gantry.persistence;

import java.nio.charset.StandardCharsets;

/**
 * The RocksDB column families of the store: the one list to extend when a new kind of record is
 * added (channel history, notifications, ...). {@link RocksStore} opens (and creates when
 * missing) every constant here, and hands out its handle with {@link RocksStore#handle}.
 *
 * <p>A column family per kind of record, rather than key prefixes in one keyspace, lets each
 * kind have its own compaction and iteration (history is scanned in key order, accounts are
 * point lookups) and lets a kind be dropped whole. The {@code dbName} is on disk: never rename
 * one, and never reuse a removed one for something else.
 */
enum StoreColumnFamily {

    /** user id (UTF-8) → {@code StoredAccount} bytes. */
    ACCOUNTS("accounts"),
    /**
     * one byte naming the credential kind, then the credential (UTF-8) → user id (UTF-8).
     * See {@code RocksAccountStore.IndexKind}.
     */
    ACCOUNT_INDEX("account_index"),
    /** token id (UTF-8) → expiry, epoch seconds, 8 bytes big-endian. */
    REVOKED_TOKENS("revoked_tokens"),
    /**
     * channel id length (2 bytes big-endian) | channel id (UTF-8) | create time, epoch µs (8 bytes
     * big-endian) | message id (16 raw UUID bytes) → {@code StoredChannelMessage} bytes. One
     * channel is one contiguous key range ordered by time, then id; the length prefix keeps
     * "2...lobby" and "2...lobby2" apart. See {@code HistoryKeys}.
     */
    CHANNEL_MESSAGES("channel_messages"),
    /** message id (16 raw UUID bytes) → its full {@link #CHANNEL_MESSAGES} key. */
    CHANNEL_MESSAGE_IDS("channel_message_ids"),
    /**
     * sender id (UTF-8) | 0x00 | client message id (UTF-8) → message id (16 bytes) | create time,
     * epoch µs (8 bytes) | expiry, epoch ms (8 bytes), all big-endian: what a retried send with
     * the same client message id is answered with.
     */
    CHANNEL_DEDUP("channel_dedup"),
    /**
     * Persistent notifications, two kinds of key (see {@code NotificationKeys}):
     * {@code 0x01 | user id (16 raw UUID bytes) | create time, epoch µs (8 bytes big-endian) |
     * notification id (16)} → {@code StoredNotification} bytes, one user's notifications being one
     * contiguous range ordered by time, then id; and {@code 0x02 | user id (16) | notification id
     * (16)} → create time (8), which finds a notification to delete without a scan.
     */
    NOTIFICATIONS("notifications"),
    /** Storage objects by owner, collection and key (see {@code RocksStorageStore}). */
    STORAGE_OBJECTS("storage_objects"),
    /** Index of storage objects for one owner's listings: collection, owner, read permission, key. */
    STORAGE_BY_USER("storage_by_user"),
    /** Index of storage objects for a collection's listings: collection, read permission, key, owner. */
    STORAGE_BY_COLLECTION("storage_by_collection"),
    /** Wallet ledger entries: user, create time, id (see {@code RocksAccountStore}). */
    WALLET_LEDGER("wallet_ledger"),
    /**
     * Friend edges (see {@code RocksFriendStore}): {@code user (16 raw UUID bytes) | other (16)} →
     * state (1) | position (8 big-endian) | update time, epoch µs (8 big-endian); one user's edges
     * are one range.
     */
    FRIEND_EDGES("friend_edges"),
    /**
     * A user's friend list in its order: {@code user (16) | state (1) | position (8) | other (16)} →
     * update time, epoch µs (8 big-endian; empty in entries written before 2026-12-06's issue 14,
     * which a listing reads from {@link #FRIEND_EDGES}).
     */
    FRIEND_ORDER("friend_order"),
    /**
     * Edges by their destination, so that deleting an account finds the edges pointing at it:
     * {@code other (16) | user (16)} → empty.
     */
    FRIEND_INCOMING("friend_incoming"),
    /** Groups by id (see {@code RocksGroupStore}): {@code group (16 raw UUID bytes)} → {@code StoredGroup} bytes. */
    GROUPS("groups"),
    /** Group names, for uniqueness (case-sensitive, as Nakama's): {@code name (UTF-8)} → group (16). */
    GROUP_NAMES("group_names"),
    /**
     * Groups in listing order: {@code lower-cased name (UTF-8, each code point lower-cased alone) |
     * 0x00 | group (16)} → empty. A name pattern's literal prefix is a key prefix here.
     */
    GROUP_NAME_ORDER("group_name_order"),
    /**
     * Group edges by group and user, for a user's state: {@code group (16) | user (16)} →
     * {@code StoredGroupEdge} bytes (state, position, update time; the ids are the key's).
     */
    GROUP_EDGES("group_edges"),
    /**
     * A group's user list in its order: {@code group (16) | state (1) | position (8 big-endian) |
     * user (16)} → update time, epoch µs (8 big-endian).
     */
    GROUP_USERS("group_users"),
    /**
     * A user's group list in its order (by state, then when the user got that state, as Nakama's):
     * {@code user (16) | state (1) | position (8 big-endian) | group (16)} → update time, epoch µs
     * (8 big-endian).
     */
    USER_GROUPS("user_groups"),
    /**
     * Groups by member count, for listings filtered by language or member count (Nakama orders those
     * by edge count): {@code edge count (4 big-endian) | group (16)} → empty.
     */
    GROUP_COUNT_ORDER("group_count_order"),
    /**
     * Leaderboards and tournaments (see {@code RocksLeaderboardStore}): {@code board id (UTF-8)} →
     * {@code StoredLeaderboard} bytes, the board's size included.
     */
    LEADERBOARDS("leaderboards"),
    /**
     * Leaderboard records: {@code board id length (2 bytes big-endian) | board id (UTF-8) | expiry,
     * epoch seconds (8 big-endian; 0: never resets) | owner (16 raw UUID bytes)} →
     * {@code StoredLeaderboardRecord} bytes. One board is one contiguous range, one period of it a
     * contiguous sub-range; the length prefix keeps "a" and "ab" apart.
     */
    LEADERBOARD_RECORDS("leaderboard_records"),
    /**
     * Leaderboard records by owner, so that an account deletion finds them without a scan:
     * {@code owner (16) | board id length (2) | board id (UTF-8) | expiry (8)} → empty. An entry
     * whose record is gone (a board deletion interrupted by a crash) is ignored and removed.
     */
    LEADERBOARD_OWNER_RECORDS("leaderboard_owner_records");

    final String dbName;

    StoreColumnFamily(String dbName) {
        this.dbName = dbName;
    }

    byte[] nameBytes() {
        return dbName.getBytes(StandardCharsets.UTF_8);
    }
}
