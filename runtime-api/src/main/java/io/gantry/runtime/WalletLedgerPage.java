package io.gantry.runtime;

import java.util.List;

/** A page of a user's wallet ledger, newest first; {@code cursor} is "" on the last page. */
public record WalletLedgerPage(List<WalletLedgerEntry> entries, String cursor) {

    public WalletLedgerPage {
        entries = List.copyOf(entries);
    }
}
