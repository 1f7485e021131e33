package io.gantry.core.account;

import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.proto.storage.StoredWalletLedger;
import io.gantry.runtime.WalletLedgerEntry;
import io.gantry.runtime.WalletLedgerPage;
import io.gantry.runtime.WalletUpdateResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Wallets, for server code (Nakama has no client call that changes one): an update applies a
 * changeset in one write with its ledger entry, refused whole when a currency would go below zero;
 * the ledger is read newest first in pages with signed cursors.
 *
 * <pre>{@code
 * WalletUpdateResult r = wallets.update(userId, Map.of("gold", -10L), "{\"shop\":\"sword\"}", true);
 * WalletLedgerPage page = wallets.ledger(userId, 10, "");
 * }</pre>
 *
 * <p>Threads: a blocking thread (it writes the store).
 */
public final class WalletService {

    private final AccountStore accounts;

    public WalletService(AccountStore accounts) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
    }

    public WalletUpdateResult update(String userId, Map<String, Long> changeset, String metadata, boolean updateLedger)
            throws ServiceException {
        if (metadata != null && !metadata.isEmpty() && !AccountService.isJsonObject(metadata)) {
            throw ServiceException.invalidArgument("Metadata must be a valid JSON object.");
        }
        for (Map.Entry<String, Long> e : changeset.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw ServiceException.invalidArgument("Changeset must map currency names to amounts.");
            }
        }
        AccountStore.WalletChange change = accounts.updateWallet(userId, changeset, metadata, updateLedger);
        return switch (change.status()) {
            case UPDATED -> new WalletUpdateResult(change.previous(), change.updated());
            case NO_ACCOUNT -> throw ServiceException.notFound("User account not found.");
            // Nakama's runtime.WalletNegativeError
            case NEGATIVE -> throw ServiceException.invalidArgument(
                    "wallet update rejected negative value at path '" + change.currency() + "'");
        };
    }

    public WalletLedgerPage ledger(String userId, int limit, String cursor) throws ServiceException {
        ListLimit.check(limit);
        AccountStore.LedgerPage page;
        try {
            page = accounts.listLedger(userId, limit, cursor == null ? "" : cursor);
        } catch (InvalidCursorException e) {
            throw ServiceException.invalidArgument("Malformed cursor was used.");
        }
        List<WalletLedgerEntry> entries = new ArrayList<>(page.entries().size());
        for (StoredWalletLedger e : page.entries()) {
            entries.add(new WalletLedgerEntry(e.getId(), e.getUserId(), e.getChangesetMap(), e.getMetadata(),
                    micros(e.getCreateTimeUs()), micros(e.getUpdateTimeUs())));
        }
        return new WalletLedgerPage(entries, page.cursor());
    }

    private static Instant micros(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
    }
}
