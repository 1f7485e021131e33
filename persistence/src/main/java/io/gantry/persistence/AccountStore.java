package io.gantry.persistence;

import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredWalletLedger;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * User accounts, the indexes that find them by credential, and revoked session tokens.
 *
 * <pre>{@code
 * AccountStore accounts = store.accounts();
 * CreateResult r = accounts.createWithEmail("Alice@Example.com", "s3cret-pass", "alice");
 * Optional<StoredAccount> a = accounts.byEmail("alice@example.com");   // found: emails are lower-cased
 * boolean ok = accounts.checkPassword(a.get(), "s3cret-pass");
 * }</pre>
 *
 * <p>Threads: every method is thread-safe and may block on disk I/O (and {@code createWithEmail}
 * and {@link #checkPassword} on bcrypt, which takes milliseconds by design). Call them from a
 * blocking executor, never from a Netty event loop or the router thread. Reads do not lock;
 * account creation is serialized inside the store.
 *
 * <p>Input is validated here only as far as the store needs it (non-empty keys); Nakama's length
 * and format rules (device id 10–128 characters, and so on) belong to the API layer, which knows
 * the error messages clients expect.
 */
public interface AccountStore {

    /** The account with this user id, if any. */
    Optional<StoredAccount> byId(String userId);

    /**
     * The accounts of {@code userIds} that exist, in the order asked (each once, unknown ones left
     * out): one read of the store for a page of users.
     */
    List<StoredAccount> byIds(List<String> userIds);

    /** The account with exactly this username (case-sensitive, as in Nakama), if any. */
    Optional<StoredAccount> byUsername(String username);

    /** The account that has this device id among its devices, if any. */
    Optional<StoredAccount> byDeviceId(String deviceId);

    /**
     * As {@link #byDeviceId}, but answered from memory only, never waiting for a file: the account
     * when the store finds it without I/O; empty when there is none <em>or</em> finding out would
     * need I/O (ask {@link #byDeviceId} on a thread that may block). Any thread, event loops
     * included. The default knows nothing from memory.
     */
    default Optional<StoredAccount> byDeviceIdInMemory(String deviceId) {
        return Optional.empty();
    }

    /** The account with this custom id, if any. */
    Optional<StoredAccount> byCustomId(String customId);

    /** The account with this email, compared lower-cased, if any. */
    Optional<StoredAccount> byEmail(String email);

    /**
     * Finds the account owning {@code deviceId} or creates one with it.
     *
     * @param usernameOrNull the username for a new account; null or empty generates one
     *                       (10 random ASCII letters, as Nakama does). Ignored when the device
     *                       already has an account.
     * @throws UsernameTakenException if a new account would need a username that is taken
     */
    CreateResult createWithDevice(String deviceId, String usernameOrNull);

    /** As {@link #createWithDevice}, for a custom id. */
    CreateResult createWithCustom(String customId, String usernameOrNull);

    /**
     * Finds the account with {@code email} (lower-cased) or creates one with it and a bcrypt
     * hash of {@code password}. When the account already exists the password is <em>not</em>
     * checked here: the caller checks it with {@link #checkPassword}.
     *
     * @throws UsernameTakenException   if a new account would need a username that is taken
     * @throws IllegalArgumentException if the password is empty or longer than bcrypt's 72 bytes
     *                                  (UTF-8); nothing is written
     */
    CreateResult createWithEmail(String email, String password, String usernameOrNull);

    /**
     * Whether {@code password} matches the account's bcrypt hash; {@code false} when the
     * account has no password. Costs one bcrypt verification.
     */
    boolean checkPassword(StoredAccount account, String password);

    /**
     * Marks a session token id ({@code tid} claim) as revoked until {@code expiresAtEpochSec},
     * after which the token is expired anyway and the mark can be forgotten. Durable when this
     * returns (with {@link StoreOptions#syncWrites()}).
     */
    void revokeToken(String tokenId, long expiresAtEpochSec);

    /** Whether the token id was revoked. In-memory lookup: cheap enough for any thread. */
    boolean isTokenRevoked(String tokenId);

    /**
     * Revokes every token of a user issued at or before {@code issuedBeforeMs} (a logout of all
     * sessions), remembered until {@code expiresAtEpochSec}, when all such tokens have expired.
     */
    void revokeAllTokens(String userId, long issuedBeforeMs, long expiresAtEpochSec);

    /** Whether a token was revoked by its id or by a revocation of all its user's tokens. In memory. */
    boolean isTokenRevoked(String tokenId, String userId, long issuedAtMs);

    /**
     * Forgets revocations whose tokens have expired, in memory and on disk, and returns how many.
     * The store does this when it opens; a long-running server calls it now and then (say, every
     * few minutes, from the blocking executor) so the set does not grow without bound.
     */
    int purgeExpiredRevocations();

    // ---- profile, credentials and wallet of an existing account ----

    /**
     * Changes to an account's profile: a null field stays as it is, "" clears it (the username
     * cannot be cleared: null or a new name). {@code metadata} is a JSON object, checked by the caller.
     */
    record ProfileChanges(String username, String displayName, String avatarUrl, String langTag,
                          String location, String timezone, String metadata) {
    }

    /**
     * Applies {@code changes} in one write and returns the account as it is now; its update time
     * moves only when a field actually changed (Nakama's {@code IS DISTINCT FROM}). Empty when
     * there is no such account.
     *
     * @throws UsernameTakenException if another account has the new username; nothing is written
     */
    Optional<StoredAccount> updateProfile(String userId, ProfileChanges changes);

    /**
     * Moves the account's update time to now, as Nakama does when a user's friend edge count
     * changes. Returns whether there is such an account. The update time is all that is at stake, so
     * this does not wait for the write to be durable: the next durable write of the store covers it
     * (a friend call's notification, or anyone's next write within milliseconds).
     */
    boolean touch(String userId);

    /** What a link did. */
    enum LinkResult {
        /** Linked now, or already linked to this account (the update time moves either way). */
        LINKED,
        /** Another account has this credential; nothing was written. */
        IN_USE,
        /** There is no such account. */
        NO_ACCOUNT
    }

    /** Adds a device id to the account (devices accumulate). */
    LinkResult linkDevice(String userId, String deviceId);

    /** Sets the account's custom id, replacing the one it had. */
    LinkResult linkCustom(String userId, String customId);

    /**
     * Sets the account's email (lower-cased) and password, replacing what it had; bcrypt runs before
     * any lock is taken. A password longer than bcrypt's 72 bytes is cut there, as Nakama's bcrypt does.
     */
    LinkResult linkEmail(String userId, String email, String password);

    /**
     * Removes a device id from the account, unless it is not the account's or it is the account's
     * last identifier (no other device, no email, no custom id). Returns whether it was removed.
     */
    boolean unlinkDevice(String userId, String deviceId);

    /**
     * Clears the account's custom id when it is {@code customIdOrEmpty} (or whatever it is, for "")
     * and the account keeps an email or a device. Returns whether the account was updated (Nakama
     * counts an update of an account with no custom id and "" as done).
     */
    boolean unlinkCustom(String userId, String customIdOrEmpty);

    /** As {@link #unlinkCustom}, for the email (compared lower-cased) and password; keeps a custom id or device. */
    boolean unlinkEmail(String userId, String emailOrEmpty);

    /** What a wallet update did. */
    enum WalletStatus { UPDATED, NO_ACCOUNT, NEGATIVE }

    /**
     * @param previous the wallet before (empty unless UPDATED)
     * @param updated  the wallet after (empty unless UPDATED)
     * @param currency for NEGATIVE, the first currency that would go below zero
     */
    record WalletChange(WalletStatus status, Map<String, Long> previous, Map<String, Long> updated, String currency) {
    }

    /**
     * Adds each amount of {@code changeset} to the account's wallet (negative takes) in one write, with
     * a ledger entry of {@code changeset} and {@code metadata} when {@code ledger} is set. A currency
     * that would go below zero (or overflow) refuses the whole change and nothing is written.
     */
    WalletChange updateWallet(String userId, Map<String, Long> changeset, String metadata, boolean ledger);

    /** A page of ledger entries, newest first, and the cursor of the next page ("" when none follows). */
    record LedgerPage(List<StoredWalletLedger> entries, String cursor) {
    }

    /**
     * The user's ledger, newest first.
     *
     * @param cursorOrEmpty "" or null for the first page, else a cursor of a previous page of this user's
     * @throws InvalidCursorException for a cursor this store did not make for this user's ledger
     */
    LedgerPage listLedger(String userId, int limit, String cursorOrEmpty) throws InvalidCursorException;
}
