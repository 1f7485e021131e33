package io.gantry.persistence;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.proto.storage.StoredAccount;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
 * RocksDB point reads and one write, never for bcrypt.
 */
final class RocksAccountStore implements AccountStore {

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
    private final RocksDB db;
    private final ColumnFamilyHandle accountsCf;
    private final ColumnFamilyHandle indexCf;
    private final ColumnFamilyHandle revokedCf;
    private final int bcryptCost;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Keys of user-wide revocations in {@code revoked_tokens}; token ids never start with it. */
    private static final String USER_REVOCATION_PREFIX = "*";
    /** Mirror of user-wide revocations: user id → {tokens issued at or before (ms), keep until (epoch s)}. */
    private final Map<String, long[]> userRevocations = new ConcurrentHashMap<>();
    /** Mirror of {@code revoked_tokens}: token id → expiry (epoch seconds). */
    private final Map<String, Long> revoked = new ConcurrentHashMap<>();

    RocksAccountStore(RocksStore store, int bcryptCost) {
        this.store = store;
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
            long now = store.clock().millis();
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

    // ---- passwords ----

    private byte[] hashPassword(String password) {
        // UTF-8 bytes, as Go's bcrypt sees a Go string. The library's default (strict) strategy
        // rejects passwords too long for bcrypt instead of silently truncating them.
        return BCrypt.withDefaults().hash(bcryptCost, password.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean checkPassword(StoredAccount account, String password) {
        if (account.getPasswordHash().isEmpty() || password == null || password.isEmpty()) {
            return false;
        }
        try {
            return BCrypt.verifyer()
                    .verify(password.getBytes(StandardCharsets.UTF_8), account.getPasswordHash().toByteArray())
                    .verified;
        } catch (IllegalArgumentException e) {
            // A password too long to have been hashed cannot match.
            return false;
        }
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

    // ---- helpers ----

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
