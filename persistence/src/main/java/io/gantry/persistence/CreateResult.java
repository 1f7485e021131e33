package io.gantry.persistence;

import io.gantry.proto.storage.StoredAccount;

/**
 * The outcome of a {@code createWith*} call on {@link AccountStore}.
 *
 * @param account the account that now owns the credential
 * @param created {@code true} if this call created it; {@code false} if the credential already
 *                belonged to {@code account} (an earlier or concurrent create won), in which case
 *                nothing was written. This is the {@code created} flag of Nakama's session reply.
 */
public record CreateResult(StoredAccount account, boolean created) {
}
