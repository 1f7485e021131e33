package io.gantry.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * One wallet change as the ledger keeps it.
 *
 * @param changeset currency name to the amount added (negative: taken)
 * @param metadata  a JSON object: why
 */
public record WalletLedgerEntry(String id, String userId, Map<String, Long> changeset, String metadata,
                                Instant createTime, Instant updateTime) {

    public WalletLedgerEntry {
        changeset = Map.copyOf(changeset);
    }
}
