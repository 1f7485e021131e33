package io.gantry.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * Accounts, from server code. Thread-safe; every method reads or writes the store, so call them
 * from RPC functions, hooks or your own threads, not from a match handler's tick if you can avoid
 * it. Refusals are {@link RefusedException}s with Nakama's messages.
 *
 * <pre>{@code
 * Accounts accounts = server.accounts();
 * accounts.update(userId, AccountUpdate.none().withDisplayName("Ada"));
 * WalletUpdateResult r = accounts.walletUpdate(userId, Map.of("gold", -10L), "{\"reason\":\"shop\"}", true);
 * }</pre>
 */
public interface Accounts {

    /** The account, or empty when there is no such user. */
    Optional<Account> get(String userId);

    /**
     * Applies the changes in one write.
     *
     * @throws RefusedException {@code NOT_FOUND} for an unknown user; {@code INVALID_ARGUMENT} for
     *                          a bad or taken username, a metadata value that is not a JSON object,
     *                          or an update with nothing in it
     */
    void update(String userId, AccountUpdate update);

    /**
     * Deletes the account and everything it owns (its storage objects, its wallet ledger, its
     * credentials) in one write, logs out every session of the user and closes its sockets.
     * Deleting an unknown user does nothing.
     */
    void delete(String userId);

    /**
     * Adds each amount of {@code changeset} to the wallet (a negative amount takes) and, when
     * {@code updateLedger} is set, records a ledger entry with {@code metadata}, in one write.
     *
     * @param metadata a JSON object, or null for "{}"
     * @throws RefusedException {@code NOT_FOUND} for an unknown user; {@code INVALID_ARGUMENT}
     *                          when a currency would go below zero (nothing is changed) or the
     *                          metadata is not a JSON object
     */
    WalletUpdateResult walletUpdate(String userId, Map<String, Long> changeset, String metadata,
                                    boolean updateLedger);

    /**
     * A page of the user's ledger, newest first.
     *
     * @param limit  1–100
     * @param cursor "" or null for the first page, else the cursor of the previous page
     * @throws RefusedException {@code INVALID_ARGUMENT} for a bad limit or cursor
     */
    WalletLedgerPage walletLedgerList(String userId, int limit, String cursor);
}
