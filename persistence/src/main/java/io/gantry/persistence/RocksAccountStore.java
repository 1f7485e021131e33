package io.gantry.persistence;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredRevocation;
import io.gantry.proto.storage.StoredWalletLedger;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link AccountStore} on the {@code accounts}, {@code account_index} and {@code revoked_tokens}
 * column families of a {@link RocksStore}.
 *
 * <p>Consistency: an account and all its index entries are written in one {@link WriteBatch},
 * so a reader or a crash sees all of them or none. Writers that create accounts take
 * {@link #writeLock} so that "is this credential / username free?" and "write it" are one step
 * (RocksDB has no unique constraints); readers never take it. The lock is held for a few
 * RocksDB point reads and one write, never for bcrypt. Every change to an existing account
 * (profile, links, wallet, deletion) is a read-modify-write under the same lock.
 *
 * <p>Wallet ledger entries live in {@code wallet_ledger}, keyed {@code user id (16 raw UUID bytes) |
 * create time µs (8, big-endian) | entry id (16)}: one user's entries are one key range in time
 * order, read backwards for "newest first", and deleted with the account by one range deletion.
 */
final class RocksAccountStore implements AccountStore, StoreTransfer {

    private static final Logger LOG = LoggerFactory.getLogger(RocksAccountStore.class);

    /** Nakama's generateUsername(): 10 letters from this alphabet. */
    private static final String USERNAME_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int GENERATED_USERNAME_LENGTH = 10;
    /** 52^10 names: a second collision in a row means something else is wrong. */
    private static final int GENERATED_USERNAME_ATTEMPTS = 16;

    /**
     * The first byte of an {@code account_index} key; the credential follows, so keys of
     * different kinds never collide and one kind can be scanned by prefix.
     */
    enum IndexKind {
        USERNAME('u'), DEVICE('d'), CUSTOM('c'), EMAIL('e');

        private final byte tag;

        IndexKind(char tag) {
            this.tag = (byte) tag;
        }

        byte[] key(String credential) {
            byte[] value = credential.getBytes(StandardCharsets.UTF_8);
            byte[] key = new byte[value.length + 1];
            key[0] = tag;
            System.arraycopy(value, 0, key, 1, value.length);
            return key;
        }
    }

    private final RocksStore store;
    /** New accounts' creation times, strictly increasing on this node. */
    private final CreationTimes creationTimes;
    private final RocksDB db;
    private final ColumnFamilyHandle accountsCf;
    private final ColumnFamilyHandle indexCf;
    private final ColumnFamilyHandle revokedCf;
    private final int bcryptCost;
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Reads that stop at the block cache: the memtables and cached blocks answer, and a read that
     * would open or read a file fails with {@code Incomplete} instead of waiting for the disk.
     * Immutable once built, shared by every thread; lives as long as the store.
     */
    private final ReadOptions memoryOnly = new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER);
    /** Keys of user-wide revocations in {@code revoked_tokens}; token ids never start with it. */
    private static final String USER_REVOCATION_PREFIX = "*";
    /** Mirror of user-wide revocations: user id → {tokens issued at or before (ms), keep until (epoch s)}. */
    private final Map<String, long[]> userRevocations = new ConcurrentHashMap<>();
    /** Mirror of {@code revoked_tokens}: token id → expiry (epoch seconds). */
    private final Map<String, Long> revoked = new ConcurrentHashMap<>();

    private final ColumnFamilyHandle ledgerCf;
    private final HistoryCursorCodec ledgerCursors;

    RocksAccountStore(RocksStore store, int bcryptCost, byte[] cursorKey) {
        this.store = store;
        this.creationTimes = new CreationTimes(() -> store.clock().millis());
        this.ledgerCf = store.handle(StoreColumnFamily.WALLET_LEDGER);
        this.ledgerCursors = new HistoryCursorCodec(cursorKey);
        this.db = store.db();
        this.accountsCf = store.handle(StoreColumnFamily.ACCOUNTS);
        this.indexCf = store.handle(StoreColumnFamily.ACCOUNT_INDEX);
        this.revokedCf = store.handle(StoreColumnFamily.REVOKED_TOKENS);
        this.bcryptCost = bcryptCost;
    }

    // ---- lookups: lock-free ----

    @Override
    public Optional<StoredAccount> byId(String userId) {
        requireNonEmpty(userId, "userId");
        store.checkOpen();
        return account(userId.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<StoredAccount> byIds(List<String> userIds) {
        store.checkOpen();
        if (userIds.isEmpty()) {
            return List.of();
        }
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(userIds));
        List<ColumnFamilyHandle> families = new ArrayList<>(unique.size());
        List<byte[]> keys = new ArrayList<>(unique.size());
        for (String id : unique) {
            families.add(accountsCf);
            keys.add(requireNonEmpty(id, "userId").getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> values;
        try {
            values = db.multiGetAsList(families, keys);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read accounts", e);
        }
        List<StoredAccount> out = new ArrayList<>(unique.size());
        for (int i = 0; i < values.size(); i++) {
            byte[] bytes = values.get(i);
            if (bytes == null) {
                continue;
            }
            try {
                out.add(StoredAccount.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new StoreException("corrupt account record " + unique.get(i), e);
            }
        }
        return out;
    }

    @Override
    public Optional<StoredAccount> byUsername(String username) {
        return byIndex(IndexKind.USERNAME, requireNonEmpty(username, "username"));
    }

    @Override
    public Optional<StoredAccount> byDeviceId(String deviceId) {
        return byIndex(IndexKind.DEVICE, requireNonEmpty(deviceId, "deviceId"));
    }

    @Override
    public Optional<StoredAccount> byCustomId(String customId) {
        return byIndex(IndexKind.CUSTOM, requireNonEmpty(customId, "customId"));
    }

    @Override
    public Optional<StoredAccount> byEmail(String email) {
        return byIndex(IndexKind.EMAIL, normalizeEmail(email));
    }

    @Override
    public Optional<StoredAccount> byDeviceIdInMemory(String deviceId) {
        store.checkOpen();
        byte[] userId = getInMemory(indexCf, IndexKind.DEVICE.key(requireNonEmpty(deviceId, "deviceId")));
        if (userId == null) {
            return Optional.empty();
        }
        byte[] bytes = getInMemory(accountsCf, userId);
        if (bytes == null) {
            return Optional.empty(); // not cached (or, which cannot happen, missing: byDeviceId says so)
        }
        try {
            return Optional.of(StoredAccount.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt account record " + new String(userId, StandardCharsets.UTF_8), e);
        }
    }

    private Optional<StoredAccount> byIndex(IndexKind kind, String credential) {
        store.checkOpen();
        byte[] userId = get(indexCf, kind.key(credential));
        if (userId == null) {
            return Optional.empty();
        }
        Optional<StoredAccount> account = account(userId);
        if (account.isEmpty()) {
            // Cannot happen through this class (both are in one batch); say so if it does.
            LOG.warn("Index entry {} points to missing account {}", kind,
                    new String(userId, StandardCharsets.UTF_8));
        }
        return account;
    }

    private Optional<StoredAccount> account(byte[] userId) {
        byte[] bytes = get(accountsCf, userId);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoredAccount.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt account record " + new String(userId, StandardCharsets.UTF_8), e);
        }
    }

    // ---- creation: serialized by writeLock ----

    @Override
    public CreateResult createWithDevice(String deviceId, String usernameOrNull) {
        requireNonEmpty(deviceId, "deviceId");
        return create(IndexKind.DEVICE, deviceId, usernameOrNull, b -> b.addDeviceIds(deviceId));
    }

    @Override
    public CreateResult createWithCustom(String customId, String usernameOrNull) {
        requireNonEmpty(customId, "customId");
        return create(IndexKind.CUSTOM, customId, usernameOrNull, b -> b.setCustomId(customId));
    }

    @Override
    public CreateResult createWithEmail(String email, String password, String usernameOrNull) {
        String normalized = normalizeEmail(email);
        requireNonEmpty(password, "password");
        // Fast path, no lock and no bcrypt: the usual call is a returning user logging in.
        Optional<StoredAccount> existing = byIndex(IndexKind.EMAIL, normalized);
        if (existing.isPresent()) {
            return new CreateResult(existing.get(), false);
        }
        // Hash before taking the lock: bcrypt takes ~50-100 ms at cost 10, and holding the lock
        // that long would stall every other sign-up. If a concurrent create wins, the hash is
        // simply thrown away.
        byte[] hash = hashPassword(password);
        return create(IndexKind.EMAIL, normalized, usernameOrNull,
                b -> b.setEmail(normalized).setPasswordHash(ByteString.copyFrom(hash)));
    }

    private CreateResult create(IndexKind kind, String credential, String usernameOrNull,
                                Consumer<StoredAccount.Builder> credentials) {
        byte[] credentialKey = kind.key(credential);
        Optional<StoredAccount> existing = byIndex(kind, credential);
        if (existing.isPresent()) {
            return new CreateResult(existing.get(), false);
        }
        writeLock.lock();
        try {
            store.checkOpen();
            // Again under the lock: another writer may have created it since the fast path.
            existing = byIndex(kind, credential);
            if (existing.isPresent()) {
                return new CreateResult(existing.get(), false);
            }
            String username;
            if (usernameOrNull == null || usernameOrNull.isEmpty()) {
                username = freshUsername();
            } else if (get(indexCf, IndexKind.USERNAME.key(usernameOrNull)) != null) {
                throw new UsernameTakenException(usernameOrNull);
            } else {
                username = usernameOrNull;
            }
            String userId = freshUserId();
            long now = creationTimes.next();
            StoredAccount.Builder builder = StoredAccount.newBuilder()
                    .setId(userId)
                    .setUsername(username)
                    .setCreateTimeMs(now)
                    .setUpdateTimeMs(now);
            credentials.accept(builder);
            StoredAccount account = builder.build();

            byte[] userIdBytes = userId.getBytes(StandardCharsets.UTF_8);
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(accountsCf, userIdBytes, account.toByteArray());
                batch.put(indexCf, IndexKind.USERNAME.key(username), userIdBytes);
                batch.put(indexCf, credentialKey, userIdBytes);
                db.write(store.writeOptions(), batch);
            } catch (RocksDBException e) {
                throw new StoreException("cannot create account " + userId, e);
            }
            return new CreateResult(account, true);
        } finally {
            writeLock.unlock();
        }
    }

    /** Caller holds {@link #writeLock}, so a name found free stays free until it is written. */
    private String freshUsername() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < GENERATED_USERNAME_ATTEMPTS; attempt++) {
            char[] name = new char[GENERATED_USERNAME_LENGTH];
            for (int i = 0; i < name.length; i++) {
                name[i] = USERNAME_ALPHABET.charAt(random.nextInt(USERNAME_ALPHABET.length()));
            }
            String candidate = new String(name);
            if (get(indexCf, IndexKind.USERNAME.key(candidate)) == null) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free generated username after "
                + GENERATED_USERNAME_ATTEMPTS + " attempts");
    }

    /** Caller holds {@link #writeLock}. Random (v4) UUIDs as Nakama; a collision is checked, not assumed away. */
    private String freshUserId() {
        while (true) {
            String id = UUID.randomUUID().toString();
            if (get(accountsCf, id.getBytes(StandardCharsets.UTF_8)) == null) {
                return id;
            }
        }
    }


    // ---- changes to an existing account: serialized by writeLock ----

    /** A change to one account: returns the result, and the new record to write (null: write nothing). */
    private interface Change<R> {
        R apply(StoredAccount current, WriteBatch batch, Holder<StoredAccount> next) throws RocksDBException;
    }

    private static final class Holder<T> {
        T value;
    }

    /** Runs {@code change} on the account under the write lock; {@code absent} when there is none. */
    private <R> R change(String userId, R absent, Change<R> change) {
        return change(userId, absent, true, change);
    }

    /** As {@link #change(String, Object, Change)}; {@code durable} false: returns before the write is synced. */
    private <R> R change(String userId, R absent, boolean durable, Change<R> change) {
        requireNonEmpty(userId, "userId");
        R result;
        long ticket;
        writeLock.lock();
        try {
            store.checkOpen();
            byte[] id = userId.getBytes(StandardCharsets.UTF_8);
            Optional<StoredAccount> current = account(id);
            if (current.isEmpty()) {
                return absent;
            }
            try (WriteBatch batch = new WriteBatch()) {
                Holder<StoredAccount> next = new Holder<>();
                result = change.apply(current.get(), batch, next);
                if (next.value != null) {
                    batch.put(accountsCf, id, next.value.toByteArray());
                }
                ticket = store.commitUnsynced(batch);
            } catch (RocksDBException e) {
                throw new StoreException("cannot update account " + userId, e);
            }
        } finally {
            writeLock.unlock();
        }
        // Outside the lock: one sync of the log covers this change and those made meanwhile (a
        // change that wrote nothing waits for the writes it saw).
        if (durable) {
            store.awaitDurable(ticket);
        }
        return result;
    }

    @Override
    public Optional<StoredAccount> updateProfile(String userId, ProfileChanges changes) {
        Objects.requireNonNull(changes, "changes");
        if (changes.username() != null && changes.username().isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
        return change(userId, Optional.empty(), (current, batch, next) -> {
            StoredAccount.Builder b = current.toBuilder();
            String username = changes.username();
            if (username != null && !username.equals(current.getUsername())) {
                byte[] taken = get(indexCf, IndexKind.USERNAME.key(username));
                if (taken != null) {
                    throw new UsernameTakenException(username);
                }
                batch.delete(indexCf, IndexKind.USERNAME.key(current.getUsername()));
                batch.put(indexCf, IndexKind.USERNAME.key(username), current.getId().getBytes(StandardCharsets.UTF_8));
                b.setUsername(username);
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
            if (!sameProfile(b, current)) {
                b.setUpdateTimeMs(store.clock().millis());
                next.value = b.build();
                return Optional.of(next.value);
            }
            return Optional.of(current);
        });
    }

    @Override
    public boolean touch(String userId) {
        return change(userId, false, false, (current, batch, next) -> {
            next.value = current.toBuilder().setUpdateTimeMs(store.clock().millis()).build();
            return true;
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
        return change(userId, LinkResult.NO_ACCOUNT, (current, batch, next) -> {
            StoredAccount.Builder b = current.toBuilder();
            if (!current.getDeviceIdsList().contains(deviceId)) {
                if (get(indexCf, IndexKind.DEVICE.key(deviceId)) != null) {
                    return LinkResult.IN_USE;
                }
                batch.put(indexCf, IndexKind.DEVICE.key(deviceId), current.getId().getBytes(StandardCharsets.UTF_8));
                b.addDeviceIds(deviceId);
            }
            next.value = b.setUpdateTimeMs(store.clock().millis()).build();
            return LinkResult.LINKED;
        });
    }

    @Override
    public LinkResult linkCustom(String userId, String customId) {
        requireNonEmpty(customId, "customId");
        return change(userId, LinkResult.NO_ACCOUNT, (current, batch, next) -> {
            StoredAccount.Builder b = current.toBuilder();
            if (!customId.equals(current.getCustomId())) {
                if (get(indexCf, IndexKind.CUSTOM.key(customId)) != null) {
                    return LinkResult.IN_USE;
                }
                if (!current.getCustomId().isEmpty()) {
                    batch.delete(indexCf, IndexKind.CUSTOM.key(current.getCustomId()));
                }
                batch.put(indexCf, IndexKind.CUSTOM.key(customId), current.getId().getBytes(StandardCharsets.UTF_8));
                b.setCustomId(customId);
            }
            next.value = b.setUpdateTimeMs(store.clock().millis()).build();
            return LinkResult.LINKED;
        });
    }

    @Override
    public LinkResult linkEmail(String userId, String email, String password) {
        String normalized = normalizeEmail(email);
        requireNonEmpty(password, "password");
        // Outside the lock: bcrypt takes tens of milliseconds by design.
        byte[] hash = hashTruncated(password);
        return change(userId, LinkResult.NO_ACCOUNT, (current, batch, next) -> {
            StoredAccount.Builder b = current.toBuilder();
            if (!normalized.equals(current.getEmail())) {
                if (get(indexCf, IndexKind.EMAIL.key(normalized)) != null) {
                    return LinkResult.IN_USE;
                }
                if (!current.getEmail().isEmpty()) {
                    batch.delete(indexCf, IndexKind.EMAIL.key(current.getEmail()));
                }
                batch.put(indexCf, IndexKind.EMAIL.key(normalized), current.getId().getBytes(StandardCharsets.UTF_8));
                b.setEmail(normalized);
            }
            next.value = b.setPasswordHash(ByteString.copyFrom(hash)).setUpdateTimeMs(store.clock().millis()).build();
            return LinkResult.LINKED;
        });
    }

    @Override
    public boolean unlinkDevice(String userId, String deviceId) {
        requireNonEmpty(deviceId, "deviceId");
        return change(userId, false, (current, batch, next) -> {
            if (!current.getDeviceIdsList().contains(deviceId)) {
                return false;
            }
            boolean othersLeft = current.getDeviceIdsCount() > 1
                    || !current.getEmail().isEmpty() || !current.getCustomId().isEmpty();
            if (!othersLeft) {
                return false;
            }
            List<String> devices = new ArrayList<>(current.getDeviceIdsList());
            devices.remove(deviceId);
            batch.delete(indexCf, IndexKind.DEVICE.key(deviceId));
            next.value = current.toBuilder().clearDeviceIds().addAllDeviceIds(devices)
                    .setUpdateTimeMs(store.clock().millis()).build();
            return true;
        });
    }

    @Override
    public boolean unlinkCustom(String userId, String customIdOrEmpty) {
        String wanted = customIdOrEmpty == null ? "" : customIdOrEmpty;
        return change(userId, false, (current, batch, next) -> {
            if (!wanted.isEmpty() && !wanted.equals(current.getCustomId())) {
                return false;
            }
            if (current.getEmail().isEmpty() && current.getDeviceIdsCount() == 0) {
                return false;
            }
            if (!current.getCustomId().isEmpty()) {
                batch.delete(indexCf, IndexKind.CUSTOM.key(current.getCustomId()));
            }
            next.value = current.toBuilder().clearCustomId().setUpdateTimeMs(store.clock().millis()).build();
            return true;
        });
    }

    @Override
    public boolean unlinkEmail(String userId, String emailOrEmpty) {
        String wanted = emailOrEmpty == null ? "" : emailOrEmpty.toLowerCase(Locale.ROOT);
        return change(userId, false, (current, batch, next) -> {
            if (!wanted.isEmpty() && !wanted.equals(current.getEmail())) {
                return false;
            }
            if (current.getCustomId().isEmpty() && current.getDeviceIdsCount() == 0) {
                return false;
            }
            if (!current.getEmail().isEmpty()) {
                batch.delete(indexCf, IndexKind.EMAIL.key(current.getEmail()));
            }
            next.value = current.toBuilder().clearEmail().clearPasswordHash()
                    .setUpdateTimeMs(store.clock().millis()).build();
            return true;
        });
    }

    // ---- wallet ----

    @Override
    public WalletChange updateWallet(String userId, Map<String, Long> changeset, String metadata, boolean ledger) {
        Objects.requireNonNull(changeset, "changeset");
        String meta = metadata == null || metadata.isEmpty() ? "{}" : metadata;
        WalletChange absent = new WalletChange(WalletStatus.NO_ACCOUNT, Map.of(), Map.of(), "");
        return change(userId, absent, (current, batch, next) -> {
            Map<String, Long> previous = parseWallet(current.getWallet());
            Map<String, Long> updated = new TreeMap<>(previous);
            for (Map.Entry<String, Long> delta : new TreeMap<>(changeset).entrySet()) {
                long before = updated.getOrDefault(delta.getKey(), 0L);
                long after;
                try {
                    after = Math.addExact(before, delta.getValue());
                } catch (ArithmeticException e) {
                    after = -1;
                }
                if (after < 0) {
                    return new WalletChange(WalletStatus.NEGATIVE, Map.of(), Map.of(), delta.getKey());
                }
                updated.put(delta.getKey(), after);
            }
            next.value = current.toBuilder().setWallet(walletJson(updated))
                    .setUpdateTimeMs(store.clock().millis()).build();
            if (ledger) {
                long nowUs = nowMicros();
                UUID entryId = UUID.randomUUID();
                StoredWalletLedger entry = StoredWalletLedger.newBuilder()
                        .setId(entryId.toString())
                        .setUserId(current.getId())
                        .putAllChangeset(changeset)
                        .setMetadata(meta)
                        .setCreateTimeUs(nowUs)
                        .setUpdateTimeUs(nowUs)
                        .build();
                batch.put(ledgerCf, ledgerKey(UUID.fromString(current.getId()), nowUs, entryId), entry.toByteArray());
            }
            return new WalletChange(WalletStatus.UPDATED, previous, updated, "");
        });
    }

    /** The wallet JSON as a map; "" is the empty wallet. */
    static Map<String, Long> parseWallet(String json) {
        Map<String, Long> wallet = new TreeMap<>();
        if (json == null || json.isEmpty()) {
            return wallet;
        }
        JsonObject object = JsonParser.parseString(json).getAsJsonObject();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            wallet.put(e.getKey(), e.getValue().getAsLong());
        }
        return wallet;
    }

    private static String walletJson(Map<String, Long> wallet) {
        JsonObject object = new JsonObject();
        wallet.forEach(object::addProperty);
        return object.toString();
    }

    private long nowMicros() {
        Instant now = store.clock().instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static byte[] ledgerKey(UUID user, long createTimeUs, UUID id) {
        return ByteBuffer.allocate(40)
                .putLong(user.getMostSignificantBits()).putLong(user.getLeastSignificantBits())
                .putLong(createTimeUs)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }

    private static byte[] ledgerPrefix(UUID user) {
        return ByteBuffer.allocate(16).putLong(user.getMostSignificantBits()).putLong(user.getLeastSignificantBits()).array();
    }

    /** Greater than every 40-byte key of the user's range. */
    private static byte[] ledgerRangeEnd(UUID user) {
        byte[] end = Arrays.copyOf(ledgerPrefix(user), 41);
        Arrays.fill(end, 16, 41, (byte) 0xFF);
        return end;
    }

    @Override
    public LedgerPage listLedger(String userId, int limit, String cursorOrEmpty) throws InvalidCursorException {
        requireNonEmpty(userId, "userId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        store.checkOpen();
        UUID user = UUID.fromString(userId);
        String scope = "wallet_ledger/" + userId;
        byte[] prefix = ledgerPrefix(user);
        byte[] start;
        if (cursorOrEmpty == null || cursorOrEmpty.isEmpty()) {
            start = ledgerRangeEnd(user);
        } else {
            HistoryCursorCodec.Cursor c = ledgerCursors.decode(scope, cursorOrEmpty);
            if (c.forward() || !c.next()) {
                throw new InvalidCursorException();
            }
            start = ledgerKey(user, c.createTimeUs(), c.messageId());
        }
        List<StoredWalletLedger> entries = new ArrayList<>(Math.min(limit, 100));
        boolean more = false;
        try (RocksIterator it = db.newIterator(ledgerCf)) {
            it.seekForPrev(start);
            if (it.isValid() && Arrays.equals(it.key(), start)) {
                it.prev();   // the cursor's own entry was on the previous page
            }
            for (; it.isValid(); it.prev()) {
                byte[] key = it.key();
                if (key.length < 16 || !Arrays.equals(key, 0, 16, prefix, 0, 16)) {
                    break;
                }
                if (entries.size() == limit) {
                    more = true;
                    break;
                }
                entries.add(StoredWalletLedger.parseFrom(it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the wallet ledger of " + userId, e);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt wallet ledger entry of " + userId, e);
        }
        String cursor = "";
        if (more) {
            StoredWalletLedger last = entries.get(entries.size() - 1);
            cursor = ledgerCursors.encode(scope, new HistoryCursorCodec.Cursor(false, true,
                    last.getCreateTimeUs(), UUID.fromString(last.getId())));
        }
        return new LedgerPage(entries, cursor);
    }

    // ---- deletion ----

    /**
     * Deletes the account, its index entries, its ledger and what each part owns, in one batch,
     * holding this store's lock and then every part's. Returns whether the account existed.
     */
    boolean delete(String userId, List<RocksUserOwned> parts) {
        requireNonEmpty(userId, "userId");
        writeLock.lock();
        List<Lock> held = new ArrayList<>(parts.size());
        try {
            for (RocksUserOwned part : parts) {
                Lock lock = part.writeLock();
                lock.lock();
                held.add(lock);
            }
            store.checkOpen();
            byte[] id = userId.getBytes(StandardCharsets.UTF_8);
            Optional<StoredAccount> found = account(id);
            if (found.isEmpty()) {
                return false;
            }
            StoredAccount account = found.get();
            try (WriteBatch batch = new WriteBatch()) {
                batch.delete(accountsCf, id);
                batch.delete(indexCf, IndexKind.USERNAME.key(account.getUsername()));
                for (String device : account.getDeviceIdsList()) {
                    batch.delete(indexCf, IndexKind.DEVICE.key(device));
                }
                if (!account.getCustomId().isEmpty()) {
                    batch.delete(indexCf, IndexKind.CUSTOM.key(account.getCustomId()));
                }
                if (!account.getEmail().isEmpty()) {
                    batch.delete(indexCf, IndexKind.EMAIL.key(account.getEmail()));
                }
                UUID user = UUID.fromString(userId);
                batch.deleteRange(ledgerCf, ledgerPrefix(user), ledgerRangeEnd(user));
                for (RocksUserOwned part : parts) {
                    part.deleteAllOf(userId, batch);
                }
                db.write(store.writeOptions(), batch);
            } catch (RocksDBException e) {
                throw new StoreException("cannot delete account " + userId, e);
            }
            return true;
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
            writeLock.unlock();
        }
    }

    /** The lock every writer of accounts holds (see the class comment). */
    Lock writeLock() {
        return writeLock;
    }

    private byte[] hashTruncated(String password) {
        return PasswordHashes.hashTruncated(password, bcryptCost);
    }

    // ---- passwords ----

    private byte[] hashPassword(String password) {
        return PasswordHashes.hash(password, bcryptCost);
    }

    @Override
    public boolean checkPassword(StoredAccount account, String password) {
        return PasswordHashes.matches(account, password);
    }

    // ---- token revocation ----

    @Override
    public void revokeToken(String tokenId, long expiresAtEpochSec) {
        requireNonEmpty(tokenId, "tokenId");
        store.checkOpen();
        // Memory first: the token is refused from now on even if the disk write below fails.
        revoked.put(tokenId, expiresAtEpochSec);
        try {
            db.put(revokedCf, store.writeOptions(), tokenId.getBytes(StandardCharsets.UTF_8),
                    ByteBuffer.allocate(Long.BYTES).putLong(expiresAtEpochSec).array());
        } catch (RocksDBException e) {
            throw new StoreException("cannot persist revocation of a token", e);
        }
    }

    @Override
    public boolean isTokenRevoked(String tokenId) {
        return tokenId != null && revoked.containsKey(tokenId);
    }

    @Override
    public void revokeAllTokens(String userId, long issuedBeforeMs, long expiresAtEpochSec) {
        requireNonEmpty(userId, "userId");
        store.checkOpen();
        userRevocations.merge(userId, new long[]{issuedBeforeMs, expiresAtEpochSec},
                (old, now) -> new long[]{Math.max(old[0], now[0]), Math.max(old[1], now[1])});
        long[] effective = userRevocations.get(userId);
        try {
            db.put(revokedCf, (USER_REVOCATION_PREFIX + userId).getBytes(StandardCharsets.UTF_8),
                    ByteBuffer.allocate(2 * Long.BYTES).putLong(effective[1]).putLong(effective[0]).array());
        } catch (RocksDBException e) {
            throw new StoreException("cannot persist revocation of a user's tokens", e);
        }
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
        store.checkOpen();
        long now = store.clock().instant().getEpochSecond();
        int purged = 0;
        try (WriteBatch batch = new WriteBatch()) {
            for (Map.Entry<String, Long> e : revoked.entrySet()) {
                // A token is valid while exp > now (Nakama's check), so exp <= now is dead.
                if (e.getValue() <= now && revoked.remove(e.getKey(), e.getValue())) {
                    batch.delete(revokedCf, e.getKey().getBytes(StandardCharsets.UTF_8));
                    purged++;
                }
            }
            for (Map.Entry<String, long[]> e : userRevocations.entrySet()) {
                if (e.getValue()[1] <= now && userRevocations.remove(e.getKey(), e.getValue())) {
                    batch.delete(revokedCf, (USER_REVOCATION_PREFIX + e.getKey()).getBytes(StandardCharsets.UTF_8));
                    purged++;
                }
            }
            if (purged > 0) {
                db.write(store.writeOptions(), batch);
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot purge expired token revocations", e);
        }
        return purged;
    }

    /**
     * Called once by {@link RocksStore#open} before the store is shared: fills the mirror with
     * live revocations and deletes the expired ones from disk. Returns how many are live.
     */
    int loadRevocations() {
        long now = store.clock().instant().getEpochSecond();
        int expired = 0;
        try (RocksIterator it = db.newIterator(revokedCf);
             WriteBatch batch = new WriteBatch()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] value = it.value();
                String key = new String(it.key(), StandardCharsets.UTF_8);
                boolean userWide = key.startsWith(USER_REVOCATION_PREFIX) && value.length == 2 * Long.BYTES;
                long expiresAt = value.length >= Long.BYTES ? ByteBuffer.wrap(value).getLong() : 0L;
                if (expiresAt <= now) {
                    batch.delete(revokedCf, it.key());
                    expired++;
                } else if (userWide) {
                    userRevocations.put(key.substring(USER_REVOCATION_PREFIX.length()),
                            new long[]{ByteBuffer.wrap(value).getLong(Long.BYTES), expiresAt});
                } else {
                    revoked.put(key, expiresAt);
                }
            }
            it.status();
            if (expired > 0) {
                db.write(store.writeOptions(), batch);
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot load token revocations", e);
        }
        LOG.debug("Dropped {} expired token revocations", expired);
        return revoked.size();
    }

    // ---- export and import ----

    @Override
    public boolean accepts(DumpRecord record) {
        return switch (record.getRecordCase()) {
            case ACCOUNT, WALLET_ENTRY, REVOCATION -> true;
            default -> false;
        };
    }

    /** Accounts by id, then ledger entries by key (user, create time, id), then revocations by key. */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        store.checkOpen();
        try (RocksIterator it = db.newIterator(accountsCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(DumpRecord.newBuilder().setAccount(StoredAccount.parseFrom(it.value())).build());
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreException("cannot export accounts", e);
        }
        try (RocksIterator it = db.newIterator(ledgerCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(DumpRecord.newBuilder().setWalletEntry(StoredWalletLedger.parseFrom(it.value())).build());
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreException("cannot export the wallet ledger", e);
        }
        try (RocksIterator it = db.newIterator(revokedCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String key = new String(it.key(), StandardCharsets.UTF_8);
                byte[] value = it.value();
                ByteBuffer v = ByteBuffer.wrap(value);
                StoredRevocation.Builder b = StoredRevocation.newBuilder()
                        .setExpiryEpochSec(value.length >= Long.BYTES ? v.getLong(0) : 0L);
                if (key.startsWith(USER_REVOCATION_PREFIX) && value.length == 2 * Long.BYTES) {
                    b.setAllOfUser(key.substring(USER_REVOCATION_PREFIX.length())).setIssuedBeforeMs(v.getLong(Long.BYTES));
                } else {
                    b.setTokenId(key);
                }
                sink.accept(DumpRecord.newBuilder().setRevocation(b).build());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("cannot export token revocations", e);
        }
    }

    /**
     * Writes the records with every index entry of each account (username, devices, custom id,
     * email) in one batch, under {@link #writeLock}; live revocations join the in-memory mirror.
     */
    @Override
    public void importRecords(List<DumpRecord> records) {
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("the account store does not keep " + record.getRecordCase() + " records");
            }
        }
        writeLock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            store.checkOpen();
            for (DumpRecord record : records) {
                switch (record.getRecordCase()) {
                    case ACCOUNT -> {
                        StoredAccount a = record.getAccount();
                        byte[] id = a.getId().getBytes(StandardCharsets.UTF_8);
                        batch.put(accountsCf, id, a.toByteArray());
                        batch.put(indexCf, IndexKind.USERNAME.key(a.getUsername()), id);
                        for (String device : a.getDeviceIdsList()) {
                            batch.put(indexCf, IndexKind.DEVICE.key(device), id);
                        }
                        if (!a.getCustomId().isEmpty()) {
                            batch.put(indexCf, IndexKind.CUSTOM.key(a.getCustomId()), id);
                        }
                        if (!a.getEmail().isEmpty()) {
                            batch.put(indexCf, IndexKind.EMAIL.key(a.getEmail()), id);
                        }
                    }
                    case WALLET_ENTRY -> {
                        StoredWalletLedger e = record.getWalletEntry();
                        batch.put(ledgerCf, ledgerKey(UUID.fromString(e.getUserId()), e.getCreateTimeUs(),
                                UUID.fromString(e.getId())), e.toByteArray());
                    }
                    case REVOCATION -> {
                        StoredRevocation r = record.getRevocation();
                        if (r.getAllOfUser().isEmpty()) {
                            batch.put(revokedCf, r.getTokenId().getBytes(StandardCharsets.UTF_8),
                                    ByteBuffer.allocate(Long.BYTES).putLong(r.getExpiryEpochSec()).array());
                        } else {
                            batch.put(revokedCf, (USER_REVOCATION_PREFIX + r.getAllOfUser()).getBytes(StandardCharsets.UTF_8),
                                    ByteBuffer.allocate(2 * Long.BYTES).putLong(r.getExpiryEpochSec())
                                            .putLong(r.getIssuedBeforeMs()).array());
                        }
                    }
                    default -> throw new IllegalStateException("checked above");
                }
            }
            db.write(store.writeOptions(), batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot import accounts", e);
        } finally {
            writeLock.unlock();
        }
        for (DumpRecord record : records) {
            if (record.hasRevocation()) {
                StoredRevocation r = record.getRevocation();
                if (r.getAllOfUser().isEmpty()) {
                    revoked.put(r.getTokenId(), r.getExpiryEpochSec());
                } else {
                    userRevocations.merge(r.getAllOfUser(), new long[]{r.getIssuedBeforeMs(), r.getExpiryEpochSec()},
                            (old, now) -> new long[]{Math.max(old[0], now[0]), Math.max(old[1], now[1])});
                }
            }
        }
    }

    // ---- helpers ----

    /** The value, or null when there is none or it is not in memory (see {@link #memoryOnly}). */
    private byte[] getInMemory(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, memoryOnly, key);
        } catch (RocksDBException e) {
            if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Incomplete) {
                return null;
            }
            throw new StoreException("RocksDB read failed", e);
        }
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new StoreException("RocksDB read failed", e);
        }
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
