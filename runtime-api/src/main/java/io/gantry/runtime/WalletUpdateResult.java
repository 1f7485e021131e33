package io.gantry.runtime;

import java.util.Map;

/** A wallet before and after a {@link Accounts#walletUpdate}. */
public record WalletUpdateResult(Map<String, Long> previous, Map<String, Long> updated) {

    public WalletUpdateResult {
        previous = Map.copyOf(previous);
        updated = Map.copyOf(updated);
    }
}
