package io.gantry.persistence;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredRevocation;
import io.gantry.proto.storage.StoredWalletLedger;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * {@link AccountStore} on PostgreSQL: the {@code accounts}, {@code account_devices},
 * {@code wallet_ledger}, {@code revoked_tokens} and {@code revoked_user_tokens} tables of
 * {@code V2__accounts.sql}.
 *
 * <p>Races between nodes: unique constraints decide them, never a JVM lock. A new account claims its
 * device with {@code INSERT ... ON CONFLICT DO NOTHING} before the account row is written (the
 * device's foreign key is checked at commit), so a second creation of the same device, on this node
 * or another, waits for the first and then finds the device taken and returns the first account
 * ({@code created() == false}). A custom id or email is a unique column of the account row, claimed
 * the same way by the row's insert. A change to an existing account (profile, links) reads the row
 * {@code FOR UPDATE} and writes it in the same transaction, so changes of one account from any node
 * happen one after the other; a credential or username another account took in between is a unique
 * violation, answered as {@link UsernameTakenException} or {@link LinkResult#IN_USE}. A wallet update
 * reads the wallet and writes it (with its ledger entry, one statement) only if it is still what it
 * read, a compare-and-set; after a few lost races it takes the row lock instead.
 *
 * <p>Revoked tokens are mirrored in memory, loaded by {@link #loadRevocations} when the store
 * starts, written through to the tables and consulted in memory only. A revocation made on another
 * node reaches this one at its next {@link #purgeExpiredRevocations} (the server calls it every few
 * minutes), which also reads the rows written since its last look (by the database's clock, with a
 * minute's margin for transactions in flight).
 *
 * <p>{@link #byDeviceIdInMemory}: the interface's default (knows nothing), so a device login always
 * asks the database from a blocking thread. A node-local cache would go on accepting a device whose
 * account another node deleted, renamed or linked elsewhere; the database's answer is one indexed read.
 *
 * <p>Threads: every method may be called from any blocking thread; none holds a lock in the JVM.
 */
final class PostgresAccountStore implements AccountStore, StoreTransfer {

    /** Nakama's generateUsername(): 10 letters from this alphabet. */
    private static final String USERNAME_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int GENERATED_USERNAME_LENGTH = 10;
    /** Tries of a creation whose generated username (or random id) collided, or lost a race to a deletion. */
    private static final int CREATE_ATTEMPTS = 16;
    /** How far back {@link #purgeExpiredRevocations} re-reads revocations, for transactions in flight at its last look. */
    private static final long REVOCATION_MARGIN_MS = 60_000;

    // ---- SQL ----

    /** An account row with its devices in link order (one statement: the devices come from their index). */
    private static final String ACCOUNT_COLUMNS = "a.id, a.username, a.display_name, a.avatar_url, a.lang_tag,"
            + " a.lang_tag_set, a.location, a.timezone, a.metadata, a.email, a.password, a.custom_id, a.wallet,"
            + " a.create_time_ms, a.update_time_ms, a.disable_time_ms,"
            + " ARRAY(SELECT d.device_id FROM account_devices d WHERE d.user_id = a.id ORDER BY d.seq) AS devices";
    // Index Scan using accounts_pkey (devices: Index Scan using account_devices_user_seq)
    static final String BY_ID = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.id = ?";
    static final String BY_ID_FOR_UPDATE = BY_ID + " FOR UPDATE OF a";
    // Index Scan using accounts_pkey, id = ANY($1)
    static final String BY_IDS = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.id = ANY(?)";
    // Index Scan using accounts_username_key
    static final String BY_USERNAME = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.username = ?";
    // Index Scan using accounts_custom_id_key
    static final String BY_CUSTOM = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.custom_id = ?";
    // Index Scan using accounts_email_key
    static final String BY_EMAIL = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.email = ?";
    // Nested Loop: Index Scan using account_devices_pkey, then Index Scan using accounts_pkey
    static final String BY_DEVICE = "SELECT " + ACCOUNT_COLUMNS
            + " FROM account_devices d0 JOIN accounts a ON a.id = d0.user_id WHERE d0.device_id = ?";

    private static final String INSERT_COLUMNS = "INSERT INTO accounts (id, username, display_name, avatar_url,"
            + " lang_tag, lang_tag_set, location, timezone, metadata, email, password, custom_id, wallet,"
            + " create_time_ms, update_time_ms, disable_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** A new account: no row when the id, username or credential is taken (the caller finds out which). */
    private static final String INSERT_ACCOUNT = INSERT_COLUMNS + " ON CONFLICT DO NOTHING";
    /**
     * A new account with its device, in one statement (one round trip, its own transaction): the
     * device is claimed first, so a concurrent creation of it on any node waits for this one and
     * then claims nothing (count 0: the device is taken). When the device is claimed but the
     * account row conflicts (username or id taken), the device row has no account when the
     * statement commits, and its deferred foreign key rolls the whole statement back (23503).
     */
    private static final String CREATE_WITH_DEVICE = "WITH d AS (INSERT INTO account_devices (device_id, user_id)"
            + " VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING user_id),"
            + " a AS (INSERT INTO accounts (id, username, create_time_ms, update_time_ms) SELECT user_id, ?, ?, ? FROM d"
            + " ON CONFLICT DO NOTHING RETURNING id)"
            + " SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM a)";
    private static final int CREATED = 0;
    private static final int DEVICE_TAKEN = 1;
    private static final int ACCOUNT_CONFLICT = 2;
    private static final String CLAIM_DEVICE =
            "INSERT INTO account_devices (device_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String UPDATE_ACCOUNT = "UPDATE accounts SET username = ?, display_name = ?, avatar_url = ?,"
            + " lang_tag = ?, lang_tag_set = ?, location = ?, timezone = ?, metadata = ?, email = ?, password = ?,"
            + " custom_id = ?, wallet = ?, update_time_ms = ?, disable_time_ms = ? WHERE id = ?";
    private static final String TOUCH = "UPDATE accounts SET update_time_ms = ? WHERE id = ?";
    static final String LOCK_WALLET = "SELECT wallet FROM accounts WHERE id = ? FOR UPDATE";
    static final String LOOK_WALLET = "SELECT wallet FROM accounts WHERE id = ?";
    /** Tries of a wallet update without a lock before it takes the row's. */
    private static final int WALLET_OPTIMISTIC_ATTEMPTS = 3;
    /** The wallet, if it is still what the caller read (an update elsewhere in between: no row). */
    private static final String SET_WALLET_IF =
            "UPDATE accounts SET wallet = ?, update_time_ms = ? WHERE id = ? AND wallet = ?";
    /** The same and its ledger entry in one statement (one round trip): no entry when no wallet was written. */
    private static final String SET_WALLET_IF_AND_LEDGER = "WITH w AS (" + SET_WALLET_IF + " RETURNING id)"
            + " INSERT INTO wallet_ledger (id, user_id, changeset, metadata, create_time_us, update_time_us)"
            + " SELECT ?, w.id, ?, ?, ?, ? FROM w";
    private static final String INSERT_LEDGER = "INSERT INTO wallet_ledger (id, user_id, changeset, metadata,"
            + " create_time_us, update_time_us) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String LEDGER_COLUMNS = "SELECT id, changeset, metadata, create_time_us, update_time_us"
            + " FROM wallet_ledger WHERE user_id = ?";
    // Limit -> Index Scan Backward using wallet_ledger_user_time (Index Cond: user_id = $1)
    static final String LEDGER_FIRST = LEDGER_COLUMNS
            + " ORDER BY create_time_us DESC, id DESC LIMIT ?";
    // Limit -> Index Scan Backward using wallet_ledger_user_time
    //   (Index Cond: user_id = $1 AND ROW(create_time_us, id) < ROW($2, $3))
    static final String LEDGER_AFTER = LEDGER_COLUMNS
            + " AND (create_time_us, id) < (?, ?) ORDER BY create_time_us DESC, id DESC LIMIT ?";

    private final PostgresStore store;
    /** New accounts' creation times, strictly increasing on this node. */
    private final CreationTimes creationTimes;
    private final PostgresDatabase db;
    private final int bcryptCost;
    private final HistoryCursorCodec ledgerCursors;

    /** Mirror of {@code revoked_tokens}: token id → expiry (epoch seconds). */
    private final Map<String, Long> revoked = new ConcurrentHashMap<>();
    /** Mirror of {@code revoked_user_tokens}: user id → {tokens issued at or before (ms), keep until (epoch s)}. */
    private final Map<String, long[]> userRevocations = new ConcurrentHashMap<>();
    /** The database's time of the last look at the revocation tables; null before {@link #loadRevocations}. */
    private volatile Timestamp revocationsReadAt;

    PostgresAccountStore(PostgresStore store, int bcryptCost, byte[] cursorKey) {
        this.store = store;
        this.creationTimes = new CreationTimes(() -> store.clock().millis());
        this.db = store.db();
        this.bcryptCost = bcryptCost;
        this.ledgerCursors = new HistoryCursorCodec(cursorKey);
    }

    // ---- lookups ----

    @Override
    public Optional<StoredAccount> byId(String userId) {
        UUID id = userId(requireNonEmpty(userId, "userId"));
        if (id == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(db.read(c -> one(c, BY_ID, id)));
    }

    @Override
    public List<StoredAccount> byIds(List<String> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(userIds));
        List<UUID> ids = new ArrayList<>(unique.size());
        for (String s : unique) {
            UUID id = userId(requireNonEmpty(s, "userId"));
            if (id != null) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, StoredAccount> found = db.read(c -> {
            Map<String, StoredAccount> byId = new HashMap<>(ids.size() * 2);
            try (PreparedStatement s = c.prepareStatement(BY_IDS)) {
                s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        StoredAccount a = account(r);
                        byId.put(a.getId(), a);
                    }
                }
            }
            return byId;
        });
        List<StoredAccount> out = new ArrayList<>(found.size());
        for (String id : unique) {
            StoredAccount a = found.get(id);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public Optional<StoredAccount> byUsername(String username) {
        String name = requireNonEmpty(username, "username");
        return Optional.ofNullable(db.read(c -> one(c, BY_USERNAME, name)));
    }

    @Override
    public Optional<StoredAccount> byDeviceId(String deviceId) {
        String device = requireNonEmpty(deviceId, "deviceId");
        return Optional.ofNullable(db.read(c -> one(c, BY_DEVICE, device)));
    }

    @Override
    public Optional<StoredAccount> byCustomId(String customId) {
        String custom = requireNonEmpty(customId, "customId");
        return Optional.ofNullable(db.read(c -> one(c, BY_CUSTOM, custom)));
    }

    @Override
    public Optional<StoredAccount> byEmail(String email) {
        String normalized = normalizeEmail(email);
        return Optional.ofNullable(db.read(c -> one(c, BY_EMAIL, normalized)));
    }

    // ---- creation ----

    @Override
    public CreateResult createWithDevice(String deviceId, String usernameOrNull) {
        requireNonEmpty(deviceId, "deviceId");
        boolean named = usernameOrNull != null && !usernameOrNull.isEmpty();
        // No read first: callers (AccountService) ask byDeviceId before they create, so a creation
        // is nearly always of a new device, and claiming the device answers "is it taken?" too.
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            StoredAccount account = newAccount(named ? usernameOrNull : generatedUsername())
                    .addDeviceIds(deviceId).build();
            int outcome = db.read(c -> {
                try (PreparedStatement s = c.prepareStatement(CREATE_WITH_DEVICE)) {
                    s.setString(1, deviceId);
                    s.setObject(2, UUID.fromString(account.getId()));
                    s.setString(3, account.getUsername());
                    s.setLong(4, account.getCreateTimeMs());
                    s.setLong(5, account.getUpdateTimeMs());
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        return r.getInt(1) == 0 ? DEVICE_TAKEN : CREATED;
                    }
                } catch (SQLException e) {
                    if ("23503".equals(e.getSQLState())) {
                        return ACCOUNT_CONFLICT;   // the device's row had no account at commit: nothing written
                    }
                    throw e;
                }
            });
            if (outcome == CREATED) {
                return new CreateResult(account, true);
            }
            if (outcome == ACCOUNT_CONFLICT) {
                if (named && usernameTaken(usernameOrNull)) {
                    throw new UsernameTakenException(usernameOrNull);
                }
                continue;   // a generated name or the random id collided: try another
            }
            Optional<StoredAccount> existing = byDeviceId(deviceId);
            if (existing.isPresent()) {
                return new CreateResult(existing.get(), false);
            }
            // the device's account was deleted since: try again
        }
        throw new IllegalStateException("cannot create an account for a device after " + CREATE_ATTEMPTS + " attempts");
    }

    @Override
    public CreateResult createWithCustom(String customId, String usernameOrNull) {
        requireNonEmpty(customId, "customId");
        return createOnRow(usernameOrNull, b -> b.setCustomId(customId), () -> byCustomId(customId));
    }

    @Override
    public CreateResult createWithEmail(String email, String password, String usernameOrNull) {
        String normalized = normalizeEmail(email);
        requireNonEmpty(password, "password");
        // The usual call is a returning user logging in: no bcrypt for them.
        Optional<StoredAccount> existing = byEmail(normalized);
        if (existing.isPresent()) {
            return new CreateResult(existing.get(), false);
        }
        byte[] hash = hashPassword(password);
        return createOnRow(usernameOrNull,
                b -> b.setEmail(normalized).setPasswordHash(ByteString.copyFrom(hash)), () -> byEmail(normalized));
    }

    /**
     * Creates an account whose credential is a unique column of its own row (custom id, email): one
     * insert that writes nothing when the credential, the username or the id is taken; then the
     * credential's owner, if it has one, is the answer.
     */
    private CreateResult createOnRow(String usernameOrNull, Consumer<StoredAccount.Builder> credential,
                                     java.util.function.Supplier<Optional<StoredAccount>> owner) {
        boolean named = usernameOrNull != null && !usernameOrNull.isEmpty();
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            StoredAccount.Builder b = newAccount(named ? usernameOrNull : generatedUsername());
            credential.accept(b);
            StoredAccount account = b.build();
            if (db.read(c -> insertAccount(c, account))) {
                return new CreateResult(account, true);
            }
            Optional<StoredAccount> existing = owner.get();
            if (existing.isPresent()) {
                return new CreateResult(existing.get(), false);
            }
            if (named && usernameTaken(usernameOrNull)) {
                throw new UsernameTakenException(usernameOrNull);
            }
            // a generated name or the id collided, or the credential's owner was deleted since
        }
        throw new IllegalStateException("cannot create an account after " + CREATE_ATTEMPTS + " attempts");
    }

    private StoredAccount.Builder newAccount(String username) {
        long now = creationTimes.next();
        return StoredAccount.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setUsername(username)
                .setCreateTimeMs(now)
                .setUpdateTimeMs(now);
    }

    private boolean usernameTaken(String username) {
        return byUsername(username).isPresent();
    }

    private static String generatedUsername() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] name = new char[GENERATED_USERNAME_LENGTH];
        for (int i = 0; i < name.length; i++) {
            name[i] = USERNAME_ALPHABET.charAt(random.nextInt(USERNAME_ALPHABET.length()));
        }
        return new String(name);
    }

    // ---- changes to an existing account: the row FOR UPDATE, then the writes, in one transaction ----

    /** A change to one account, on the transaction's connection, with the account's row locked. */
    private interface Change<R> {
        R apply(Connection c, StoredAccount current) throws SQLException;
    }

    /** Runs {@code change} on the locked account in one transaction; {@code absent} when there is none. */
    private <R> R change(String userId, R absent, Change<R> change) {
        UUID id = userId(requireNonEmpty(userId, "userId"));
        if (id == null) {
            return absent;
        }
        return db.transaction(c -> {
            StoredAccount current = one(c, BY_ID_FOR_UPDATE, id);
            return current == null ? absent : change.apply(c, current);
        });
    }

    @Override
    public Optional<StoredAccount> updateProfile(String userId, ProfileChanges changes) {
        Objects.requireNonNull(changes, "changes");
        if (changes.username() != null && changes.username().isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
        return change(userId, Optional.empty(), (c, current) -> {
            StoredAccount.Builder b = current.toBuilder();
            if (changes.username() != null) {
                b.setUsername(changes.username());
            }
            if (changes.displayName() != null) {
                b.setDisplayName(changes.displayName());
            }
            if (changes.avatarUrl() != null) {
                b.setAvatarUrl(changes.avatarUrl());
            }
            if (changes.langTag() != null) {
                b.setLangTag(changes.langTag()).setLangTagSet(true);
            }
            if (changes.location() != null) {
                b.setLocation(changes.location());
            }
            if (changes.timezone() != null) {
                b.setTimezone(changes.timezone());
            }
            if (changes.metadata() != null) {
                b.setMetadata(changes.metadata());
            }
            if (sameProfile(b, current)) {
                return Optional.of(current);
            }
            StoredAccount next = b.setUpdateTimeMs(store.clock().millis()).build();
            updateAccount(c, next);
            return Optional.of(next);
        });
    }

    @Override
    public boolean touch(String userId) {
        UUID id = userId(requireNonEmpty(userId, "userId"));
        if (id == null) {
            return false;
        }
        long now = store.clock().millis();
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(TOUCH)) {
                s.setLong(1, now);
                s.setObject(2, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Whether nothing a client sees changed (lang tag as shown: unset is "en"). */
    private static boolean sameProfile(StoredAccount.Builder b, StoredAccount current) {
        return b.getUsername().equals(current.getUsername())
                && b.getDisplayName().equals(current.getDisplayName())
                && b.getAvatarUrl().equals(current.getAvatarUrl())
                && shownLangTag(b.getLangTagSet(), b.getLangTag()).equals(shownLangTag(current.getLangTagSet(), current.getLangTag()))
                && b.getLocation().equals(current.getLocation())
                && b.getTimezone().equals(current.getTimezone())
                && b.getMetadata().equals(current.getMetadata());
    }

    private static String shownLangTag(boolean set, String tag) {
        return set || !tag.isEmpty() ? tag : "en";
    }

    @Override
    public LinkResult linkDevice(String userId, String deviceId) {
        requireNonEmpty(deviceId, "deviceId");
        return change(userId, LinkResult.NO_ACCOUNT, (c, current) -> {
            if (!current.getDeviceIdsList().contains(deviceId)) {
                try (PreparedStatement s = c.prepareStatement(CLAIM_DEVICE)) {
                    s.setString(1, deviceId);
                    s.setObject(2, UUID.fromString(current.getId()));
                    if (s.executeUpdate() == 0) {
                        return LinkResult.IN_USE;
                    }
                }
            }
            touch(c, current.getId());
            return LinkResult.LINKED;
        });
    }

    @Override
    public LinkResult linkCustom(String userId, String customId) {
        requireNonEmpty(customId, "customId");
        try {
            return change(userId, LinkResult.NO_ACCOUNT, (c, current) -> {
                updateAccount(c, current.toBuilder().setCustomId(customId)
                        .setUpdateTimeMs(store.clock().millis()).build());
                return LinkResult.LINKED;
            });
        } catch (Conflict e) {
            return LinkResult.IN_USE;
        }
    }

    @Override
    public LinkResult linkEmail(String userId, String email, String password) {
        String normalized = normalizeEmail(email);
        requireNonEmpty(password, "password");
        // Before the transaction: bcrypt takes tens of milliseconds by design.
        byte[] hash = hashTruncated(password);
        try {
            return change(userId, LinkResult.NO_ACCOUNT, (c, current) -> {
                updateAccount(c, current.toBuilder().setEmail(normalized).setPasswordHash(ByteString.copyFrom(hash))
                        .setUpdateTimeMs(store.clock().millis()).build());
                return LinkResult.LINKED;
            });
        } catch (Conflict e) {
            return LinkResult.IN_USE;
        }
    }

    @Override
    public boolean unlinkDevice(String userId, String deviceId) {
        requireNonEmpty(deviceId, "deviceId");
        return change(userId, false, (c, current) -> {
            if (!current.getDeviceIdsList().contains(deviceId)) {
                return false;
            }
            if (current.getDeviceIdsCount() == 1 && current.getEmail().isEmpty() && current.getCustomId().isEmpty()) {
                return false;   // the last identifier
            }
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM account_devices WHERE device_id = ? AND user_id = ?")) {
                s.setString(1, deviceId);
                s.setObject(2, UUID.fromString(current.getId()));
                s.executeUpdate();
            }
            touch(c, current.getId());
            return true;
        });
    }

    @Override
    public boolean unlinkCustom(String userId, String customIdOrEmpty) {
        String wanted = customIdOrEmpty == null ? "" : customIdOrEmpty;
        return change(userId, false, (c, current) -> {
            if (!wanted.isEmpty() && !wanted.equals(current.getCustomId())) {
                return false;
            }
            if (current.getEmail().isEmpty() && current.getDeviceIdsCount() == 0) {
                return false;
            }
            updateAccount(c, current.toBuilder().clearCustomId().setUpdateTimeMs(store.clock().millis()).build());
            return true;
        });
    }

    @Override
    public boolean unlinkEmail(String userId, String emailOrEmpty) {
        String wanted = emailOrEmpty == null ? "" : emailOrEmpty.toLowerCase(Locale.ROOT);
        return change(userId, false, (c, current) -> {
            if (!wanted.isEmpty() && !wanted.equals(current.getEmail())) {
                return false;
            }
            if (current.getCustomId().isEmpty() && current.getDeviceIdsCount() == 0) {
                return false;
            }
            updateAccount(c, current.toBuilder().clearEmail().clearPasswordHash()
                    .setUpdateTimeMs(store.clock().millis()).build());
            return true;
        });
    }

    private void touch(Connection c, String userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(TOUCH)) {
            s.setLong(1, store.clock().millis());
            s.setObject(2, UUID.fromString(userId));
            s.executeUpdate();
        }
    }

    // ---- wallet ----

    @Override
    public WalletChange updateWallet(String userId, Map<String, Long> changeset, String metadata, boolean ledger) {
        Objects.requireNonNull(changeset, "changeset");
        String meta = metadata == null || metadata.isEmpty() ? "{}" : metadata;
        WalletChange absent = new WalletChange(WalletStatus.NO_ACCOUNT, Map.of(), Map.of(), "");
        UUID id = userId(requireNonEmpty(userId, "userId"));
        if (id == null) {
            return absent;
        }
        TreeMap<String, Long> sorted = new TreeMap<>(changeset);
        String changesetJson = ledger ? walletJson(sorted) : null;
        // Optimistic first: read the wallet, then write it only if it is still what was read (two
        // round trips, no lock held across them). A refusal (NEGATIVE) stands on the committed
        // wallet it read. Under contention on one wallet, the row lock after a few lost races.
        for (int attempt = 0; attempt < WALLET_OPTIMISTIC_ATTEMPTS; attempt++) {
            String before = db.read(c -> wallet(c, LOOK_WALLET, id));
            if (before == null) {
                return absent;
            }
            WalletChange change = applyChangeset(before, sorted);
            if (change.status() != WalletStatus.UPDATED) {
                return change;
            }
            if (db.read(c -> writeWallet(c, id, before, change.updated(), changesetJson, meta))) {
                return change;
            }
        }
        return db.transaction(c -> {
            String before = wallet(c, LOCK_WALLET, id);
            if (before == null) {
                return absent;
            }
            WalletChange change = applyChangeset(before, sorted);
            if (change.status() == WalletStatus.UPDATED) {
                writeWallet(c, id, before, change.updated(), changesetJson, meta);
            }
            return change;
        });
    }

    /** The wallet text of the account, or null when there is none. */
    private static String wallet(Connection c, String sql, UUID id) throws SQLException {
        // Index Scan using accounts_pkey
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** What {@code sorted} makes of the wallet {@code before}: UPDATED with both wallets, or NEGATIVE. */
    private static WalletChange applyChangeset(String before, Map<String, Long> sorted) {
        Map<String, Long> previous = RocksAccountStore.parseWallet(before);
        Map<String, Long> updated = new TreeMap<>(previous);
        for (Map.Entry<String, Long> delta : sorted.entrySet()) {
            long now = updated.getOrDefault(delta.getKey(), 0L);
            long after;
            try {
                after = Math.addExact(now, delta.getValue());
            } catch (ArithmeticException e) {
                after = -1;
            }
            if (after < 0) {
                return new WalletChange(WalletStatus.NEGATIVE, Map.of(), Map.of(), delta.getKey());
            }
            updated.put(delta.getKey(), after);
        }
        return new WalletChange(WalletStatus.UPDATED, previous, updated, "");
    }

    /**
     * Writes {@code updated} (and the ledger entry, unless {@code changesetJson} is null) if the
     * wallet is still {@code before}, in one statement. Returns whether it was.
     */
    private boolean writeWallet(Connection c, UUID id, String before, Map<String, Long> updated,
                                String changesetJson, String meta) throws SQLException {
        boolean ledger = changesetJson != null;
        try (PreparedStatement s = c.prepareStatement(ledger ? SET_WALLET_IF_AND_LEDGER : SET_WALLET_IF)) {
            s.setString(1, walletJson(updated));
            s.setLong(2, store.clock().millis());
            s.setObject(3, id);
            s.setString(4, before);
            if (ledger) {
                long nowUs = nowMicros();
                s.setObject(5, UUID.randomUUID());
                s.setString(6, changesetJson);
                s.setString(7, meta);
                s.setLong(8, nowUs);
                s.setLong(9, nowUs);
            }
            return s.executeUpdate() == 1;
        }
    }

    @Override
    public LedgerPage listLedger(String userId, int limit, String cursorOrEmpty) throws InvalidCursorException {
        requireNonEmpty(userId, "userId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        UUID user = UUID.fromString(userId);
        String scope = "wallet_ledger/" + userId;
        HistoryCursorCodec.Cursor after = null;
        if (cursorOrEmpty != null && !cursorOrEmpty.isEmpty()) {
            after = ledgerCursors.decode(scope, cursorOrEmpty);
            if (after.forward() || !after.next()) {
                throw new InvalidCursorException();
            }
        }
        HistoryCursorCodec.Cursor from = after;
        List<StoredWalletLedger> entries = db.read(c -> {
            List<StoredWalletLedger> out = new ArrayList<>(Math.min(limit, 100) + 1);
            try (PreparedStatement s = c.prepareStatement(from == null ? LEDGER_FIRST : LEDGER_AFTER)) {
                s.setObject(1, user);
                int p = 2;
                if (from != null) {
                    s.setLong(p++, from.createTimeUs());
                    s.setObject(p++, from.messageId());
                }
                s.setInt(p, limit + 1);   // one more: whether a next page follows
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(StoredWalletLedger.newBuilder()
                                .setId(r.getObject(1, UUID.class).toString())
                                .setUserId(userId)
                                .putAllChangeset(parseAmounts(r.getString(2)))
                                .setMetadata(r.getString(3))
                                .setCreateTimeUs(r.getLong(4))
                                .setUpdateTimeUs(r.getLong(5))
                                .build());
                    }
                }
            }
            return out;
        });
        String cursor = "";
        if (entries.size() > limit) {
            entries.remove(limit);
            StoredWalletLedger last = entries.get(limit - 1);
            cursor = ledgerCursors.encode(scope, new HistoryCursorCodec.Cursor(false, true,
                    last.getCreateTimeUs(), UUID.fromString(last.getId())));
        }
        return new LedgerPage(entries, cursor);
    }

    // ---- deletion ----

    /**
     * Deletes the account, its devices and ledger (by the tables' cascades) and what each part owns,
     * in one transaction, the account's row locked first. Returns whether the account existed.
     */
    boolean delete(String userId, List<PostgresUserOwned> parts) {
        UUID id = userId(requireNonEmpty(userId, "userId"));
        if (id == null) {
            return false;
        }
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM accounts WHERE id = ? FOR UPDATE")) {
                s.setObject(1, id);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return false;
                    }
                }
            }
            for (PostgresUserOwned part : parts) {
                part.deleteAllOf(c, userId);
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                s.setObject(1, id);
                s.executeUpdate();
            }
            return true;
        });
    }

    // ---- passwords ----

    private byte[] hashPassword(String password) {
        return PasswordHashes.hash(password, bcryptCost);
    }

    private byte[] hashTruncated(String password) {
        return PasswordHashes.hashTruncated(password, bcryptCost);
    }

    @Override
    public boolean checkPassword(StoredAccount account, String password) {
        return PasswordHashes.matches(account, password);
    }

    // ---- token revocation ----

    @Override
    public void revokeToken(String tokenId, long expiresAtEpochSec) {
        requireNonEmpty(tokenId, "tokenId");
        // Memory first: the token is refused from now on even if the write below fails.
        revoked.put(tokenId, expiresAtEpochSec);
        db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO revoked_tokens (token_id, expiry_epoch_sec)"
                    + " VALUES (?, ?) ON CONFLICT (token_id) DO UPDATE SET expiry_epoch_sec = EXCLUDED.expiry_epoch_sec,"
                    + " written_at = statement_timestamp()")) {
                s.setString(1, tokenId);
                s.setLong(2, expiresAtEpochSec);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public boolean isTokenRevoked(String tokenId) {
        return tokenId != null && revoked.containsKey(tokenId);
    }

    @Override
    public void revokeAllTokens(String userId, long issuedBeforeMs, long expiresAtEpochSec) {
        UUID id = userId(requireNonEmpty(userId, "userId"));
        if (id == null) {
            throw new IllegalArgumentException("userId must be a user id (a UUID)");
        }
        userRevocations.merge(userId, new long[]{issuedBeforeMs, expiresAtEpochSec}, PostgresAccountStore::later);
        // The row keeps the later of both, whichever node wrote the other.
        long[] stored = db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO revoked_user_tokens AS t"
                    + " (user_id, issued_before_ms, expiry_epoch_sec) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                    + " issued_before_ms = GREATEST(t.issued_before_ms, EXCLUDED.issued_before_ms),"
                    + " expiry_epoch_sec = GREATEST(t.expiry_epoch_sec, EXCLUDED.expiry_epoch_sec),"
                    + " written_at = statement_timestamp() RETURNING issued_before_ms, expiry_epoch_sec")) {
                s.setObject(1, id);
                s.setLong(2, issuedBeforeMs);
                s.setLong(3, expiresAtEpochSec);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return new long[]{r.getLong(1), r.getLong(2)};
                }
            }
        });
        userRevocations.merge(userId, stored, PostgresAccountStore::later);
    }

    private static long[] later(long[] a, long[] b) {
        return new long[]{Math.max(a[0], b[0]), Math.max(a[1], b[1])};
    }

    @Override
    public boolean isTokenRevoked(String tokenId, String userId, long issuedAtMs) {
        if (isTokenRevoked(tokenId)) {
            return true;
        }
        long[] all = userId == null ? null : userRevocations.get(userId);
        return all != null && issuedAtMs <= all[0];
    }

    @Override
    public int purgeExpiredRevocations() {
        long now = store.clock().instant().getEpochSecond();
        int purged = 0;
        // A token is valid while exp > now (Nakama's check), so exp <= now is dead.
        for (Map.Entry<String, Long> e : revoked.entrySet()) {
            if (e.getValue() <= now && revoked.remove(e.getKey(), e.getValue())) {
                purged++;
            }
        }
        for (Map.Entry<String, long[]> e : userRevocations.entrySet()) {
            if (e.getValue()[1] <= now && userRevocations.remove(e.getKey(), e.getValue())) {
                purged++;
            }
        }
        db.read(c -> {
            deleteExpired(c, now);
            readRevocations(c, now, revocationsReadAt);
            return null;
        });
        return purged;
    }

    /**
     * Called once by {@link PostgresStore}'s start before the store is shared: deletes expired
     * revocations and fills the mirror with the live ones. Returns how many are live.
     */
    int loadRevocations() {
        long now = store.clock().instant().getEpochSecond();
        db.read(c -> {
            deleteExpired(c, now);
            readRevocations(c, now, null);
            return null;
        });
        return revoked.size() + userRevocations.size();
    }

    private static void deleteExpired(Connection c, long now) throws SQLException {
        for (String table : new String[]{"revoked_tokens", "revoked_user_tokens"}) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE expiry_epoch_sec <= ?")) {
                s.setLong(1, now);
                s.executeUpdate();
            }
        }
    }

    /** Adds the live revocations written since {@code since} (less the margin; null: all) to the mirror. */
    private void readRevocations(Connection c, long now, Timestamp since) throws SQLException {
        Timestamp readAt;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT statement_timestamp()")) {
            r.next();
            readAt = r.getTimestamp(1);
        }
        Timestamp from = since == null ? new Timestamp(0) : new Timestamp(since.getTime() - REVOCATION_MARGIN_MS);
        // Seq Scan at start-up (every row); afterwards Index Scan using revoked_tokens_written_at
        try (PreparedStatement s = c.prepareStatement("SELECT token_id, expiry_epoch_sec FROM revoked_tokens"
                + " WHERE written_at >= ? AND expiry_epoch_sec > ?")) {
            s.setTimestamp(1, from);
            s.setLong(2, now);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    revoked.merge(r.getString(1), r.getLong(2), Math::max);
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT user_id, issued_before_ms, expiry_epoch_sec"
                + " FROM revoked_user_tokens WHERE written_at >= ? AND expiry_epoch_sec > ?")) {
            s.setTimestamp(1, from);
            s.setLong(2, now);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    userRevocations.merge(r.getObject(1, UUID.class).toString(),
                            new long[]{r.getLong(2), r.getLong(3)}, PostgresAccountStore::later);
                }
            }
        }
        revocationsReadAt = readAt;
    }

    // ---- export and import ----

    @Override
    public boolean accepts(DumpRecord record) {
        return switch (record.getRecordCase()) {
            case ACCOUNT, WALLET_ENTRY, REVOCATION -> true;
            default -> false;
        };
    }

    /** Accounts by id, then ledger entries by (user, create time, id), then revocations by their RocksDB key. */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM accounts a ORDER BY a.id")) {
                s.setFetchSize(1_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setAccount(account(r)).build());
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT id, user_id, changeset, metadata, create_time_us,"
                    + " update_time_us FROM wallet_ledger ORDER BY user_id, create_time_us, id")) {
                s.setFetchSize(1_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setWalletEntry(StoredWalletLedger.newBuilder()
                                .setId(r.getObject(1, UUID.class).toString())
                                .setUserId(r.getObject(2, UUID.class).toString())
                                .putAllChangeset(parseAmounts(r.getString(3)))
                                .setMetadata(r.getString(4))
                                .setCreateTimeUs(r.getLong(5))
                                .setUpdateTimeUs(r.getLong(6))).build());
                    }
                }
            }
            // In the RocksDB store's key order: a token id, or '*' and the user id, byte by byte.
            try (PreparedStatement s = c.prepareStatement("SELECT k, token_id, user_id, issued_before_ms, expiry_epoch_sec FROM ("
                    + " SELECT token_id AS k, token_id, NULL::uuid AS user_id, 0::bigint AS issued_before_ms, expiry_epoch_sec"
                    + " FROM revoked_tokens UNION ALL SELECT '*' || user_id::text, '', user_id, issued_before_ms,"
                    + " expiry_epoch_sec FROM revoked_user_tokens) r ORDER BY k COLLATE \"C\"")) {
                s.setFetchSize(1_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        StoredRevocation.Builder b = StoredRevocation.newBuilder().setExpiryEpochSec(r.getLong(5));
                        UUID user = r.getObject(3, UUID.class);
                        if (user == null) {
                            b.setTokenId(r.getString(2));
                        } else {
                            b.setAllOfUser(user.toString()).setIssuedBeforeMs(r.getLong(4));
                        }
                        sink.accept(DumpRecord.newBuilder().setRevocation(b).build());
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void importRecords(List<DumpRecord> records) {
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("the account store does not keep " + record.getRecordCase() + " records");
            }
        }
        db.transaction(c -> {
            try (PreparedStatement accounts = c.prepareStatement(INSERT_COLUMNS);
                 PreparedStatement devices = c.prepareStatement(
                         "INSERT INTO account_devices (device_id, user_id) VALUES (?, ?)");
                 PreparedStatement ledger = c.prepareStatement(INSERT_LEDGER);
                 PreparedStatement tokens = c.prepareStatement(
                         "INSERT INTO revoked_tokens (token_id, expiry_epoch_sec) VALUES (?, ?)");
                 PreparedStatement users = c.prepareStatement("INSERT INTO revoked_user_tokens"
                         + " (user_id, issued_before_ms, expiry_epoch_sec) VALUES (?, ?, ?)")) {
                int[] counts = new int[5];
                for (DumpRecord record : records) {
                    switch (record.getRecordCase()) {
                        case ACCOUNT -> {
                            StoredAccount a = record.getAccount();
                            bindAccount(accounts, a);
                            accounts.addBatch();
                            counts[0]++;
                            UUID id = UUID.fromString(a.getId());
                            for (String device : a.getDeviceIdsList()) {
                                devices.setString(1, device);
                                devices.setObject(2, id);
                                devices.addBatch();   // in order: seq keeps the link order
                                counts[1]++;
                            }
                        }
                        case WALLET_ENTRY -> {
                            StoredWalletLedger e = record.getWalletEntry();
                            ledger.setObject(1, UUID.fromString(e.getId()));
                            ledger.setObject(2, UUID.fromString(e.getUserId()));
                            ledger.setString(3, walletJson(new TreeMap<>(e.getChangesetMap())));
                            ledger.setString(4, e.getMetadata());
                            ledger.setLong(5, e.getCreateTimeUs());
                            ledger.setLong(6, e.getUpdateTimeUs());
                            ledger.addBatch();
                            counts[2]++;
                        }
                        case REVOCATION -> {
                            StoredRevocation r = record.getRevocation();
                            if (r.getAllOfUser().isEmpty()) {
                                tokens.setString(1, r.getTokenId());
                                tokens.setLong(2, r.getExpiryEpochSec());
                                tokens.addBatch();
                                counts[3]++;
                            } else {
                                users.setObject(1, UUID.fromString(r.getAllOfUser()));
                                users.setLong(2, r.getIssuedBeforeMs());
                                users.setLong(3, r.getExpiryEpochSec());
                                users.addBatch();
                                counts[4]++;
                            }
                        }
                        default -> throw new IllegalStateException("checked above");
                    }
                }
                // Accounts before devices and ledger (their keys are checked at commit anyway).
                PreparedStatement[] order = {accounts, devices, ledger, tokens, users};
                for (int i = 0; i < order.length; i++) {
                    if (counts[i] > 0) {
                        order[i].executeBatch();
                    }
                }
            }
            return null;
        });
        for (DumpRecord record : records) {
            if (record.hasRevocation()) {
                StoredRevocation r = record.getRevocation();
                if (r.getAllOfUser().isEmpty()) {
                    revoked.put(r.getTokenId(), r.getExpiryEpochSec());
                } else {
                    userRevocations.merge(r.getAllOfUser(), new long[]{r.getIssuedBeforeMs(), r.getExpiryEpochSec()},
                            PostgresAccountStore::later);
                }
            }
        }
    }

    // ---- rows ----

    /** The one account {@code sql} finds by its single parameter, or null. */
    private static StoredAccount one(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? account(r) : null;
            }
        }
    }

    private static StoredAccount account(ResultSet r) throws SQLException {
        StoredAccount.Builder b = StoredAccount.newBuilder()
                .setId(r.getObject(1, UUID.class).toString())
                .setUsername(r.getString(2))
                .setDisplayName(r.getString(3))
                .setAvatarUrl(r.getString(4))
                .setLangTag(r.getString(5))
                .setLangTagSet(r.getBoolean(6))
                .setLocation(r.getString(7))
                .setTimezone(r.getString(8))
                .setMetadata(r.getString(9))
                .setWallet(r.getString(13))
                .setCreateTimeMs(r.getLong(14))
                .setUpdateTimeMs(r.getLong(15))
                .setDisableTimeMs(r.getLong(16));
        String email = r.getString(10);
        if (email != null) {
            b.setEmail(email);
        }
        byte[] password = r.getBytes(11);
        if (password != null) {
            b.setPasswordHash(ByteString.copyFrom(password));
        }
        String custom = r.getString(12);
        if (custom != null) {
            b.setCustomId(custom);
        }
        Array devices = r.getArray(17);
        if (devices != null) {
            for (Object device : (Object[]) devices.getArray()) {
                b.addDeviceIds((String) device);
            }
        }
        return b.build();
    }

    /** Binds the 16 columns of {@link #INSERT_COLUMNS}. */
    private static void bindAccount(PreparedStatement s, StoredAccount a) throws SQLException {
        s.setObject(1, UUID.fromString(a.getId()));
        s.setString(2, a.getUsername());
        s.setString(3, a.getDisplayName());
        s.setString(4, a.getAvatarUrl());
        s.setString(5, a.getLangTag());
        s.setBoolean(6, a.getLangTagSet());
        s.setString(7, a.getLocation());
        s.setString(8, a.getTimezone());
        s.setString(9, a.getMetadata());
        setNullable(s, 10, a.getEmail());
        if (a.getPasswordHash().isEmpty()) {
            s.setNull(11, Types.BINARY);
        } else {
            s.setBytes(11, a.getPasswordHash().toByteArray());
        }
        setNullable(s, 12, a.getCustomId());
        s.setString(13, a.getWallet());
        s.setLong(14, a.getCreateTimeMs());
        s.setLong(15, a.getUpdateTimeMs());
        s.setLong(16, a.getDisableTimeMs());
    }

    /** Inserts a new account; false (nothing written) when its id, username or a credential is taken. */
    private static boolean insertAccount(Connection c, StoredAccount a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT_ACCOUNT)) {
            bindAccount(s, a);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Writes every column of the account row but its id and create time. A username another account
     * has is {@link UsernameTakenException}; a custom id or email another account has is
     * {@link Conflict}; either rolls the transaction back.
     */
    private static void updateAccount(Connection c, StoredAccount a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UPDATE_ACCOUNT)) {
            s.setString(1, a.getUsername());
            s.setString(2, a.getDisplayName());
            s.setString(3, a.getAvatarUrl());
            s.setString(4, a.getLangTag());
            s.setBoolean(5, a.getLangTagSet());
            s.setString(6, a.getLocation());
            s.setString(7, a.getTimezone());
            s.setString(8, a.getMetadata());
            setNullable(s, 9, a.getEmail());
            if (a.getPasswordHash().isEmpty()) {
                s.setNull(10, Types.BINARY);
            } else {
                s.setBytes(10, a.getPasswordHash().toByteArray());
            }
            setNullable(s, 11, a.getCustomId());
            s.setString(12, a.getWallet());
            s.setLong(13, a.getUpdateTimeMs());
            s.setLong(14, a.getDisableTimeMs());
            s.setObject(15, UUID.fromString(a.getId()));
            s.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                if ("accounts_username_key".equals(constraint(e))) {
                    throw new UsernameTakenException(a.getUsername());
                }
                throw Conflict.INSTANCE;
            }
            throw e;
        }
    }

    private static String constraint(SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage m = p.getServerErrorMessage();
            return m == null ? null : m.getConstraint();
        }
        return null;
    }

    /** "" as NULL: a credential the account does not have takes no place in its unique index. */
    private static void setNullable(PreparedStatement s, int index, String value) throws SQLException {
        if (value.isEmpty()) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    // ---- helpers ----

    /**
     * A credential or username another account took first: rolls the transaction back; the caller
     * answers for it. No stack trace: it is control flow, not an error.
     */
    private static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Conflict INSTANCE = new Conflict();

        private Conflict() {
            super("taken", null, false, false);
        }
    }

    /**
     * The user id as a UUID, or null when it is not one in canonical form (such an id has no
     * account, as in the RocksDB store, which compares ids as strings).
     */
    private static UUID userId(String userId) {
        if (userId.length() != 36) {
            return null;
        }
        try {
            UUID id = UUID.fromString(userId);
            return id.toString().equals(userId) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private long nowMicros() {
        Instant now = store.clock().instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String walletJson(Map<String, Long> wallet) {
        JsonObject object = new JsonObject();
        wallet.forEach(object::addProperty);
        return object.toString();
    }

    private static Map<String, Long> parseAmounts(String json) {
        Map<String, Long> amounts = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : JsonParser.parseString(json).getAsJsonObject().entrySet()) {
            amounts.put(e.getKey(), e.getValue().getAsLong());
        }
        return amounts;
    }

    private static String normalizeEmail(String email) {
        // Locale.ROOT: lower-casing must not depend on the server's locale (Turkish dotless i).
        return requireNonEmpty(email, "email").toLowerCase(Locale.ROOT);
    }

    private static String requireNonEmpty(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }
}
