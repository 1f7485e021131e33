package io.gantry.runtime;

import java.util.List;
import java.util.Map;

/**
 * A user's own account, as {@code GET /v2/account} shows it.
 *
 * @param wallet    currency name to amount
 * @param email     the linked email, "" when none
 * @param deviceIds the linked device ids
 * @param customId  the linked custom id, "" when none
 */
public record Account(User user, Map<String, Long> wallet, String email, List<String> deviceIds, String customId) {

    public Account {
        wallet = Map.copyOf(wallet);
        deviceIds = List.copyOf(deviceIds);
    }
}
