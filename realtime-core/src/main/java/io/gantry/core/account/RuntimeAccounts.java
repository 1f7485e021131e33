package io.gantry.core.account;

import io.gantry.core.ServiceException;
import io.gantry.runtime.Account;
import io.gantry.runtime.AccountUpdate;
import io.gantry.runtime.Accounts;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.User;
import io.gantry.runtime.Users;
import io.gantry.runtime.UsersRequest;
import io.gantry.runtime.WalletLedgerPage;
import io.gantry.runtime.WalletUpdateResult;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The runtime API's {@link Accounts} and {@link Users}: the same services the REST edge calls,
 * with server code's authority (no caller to check), a refusal becoming a {@link RefusedException}
 * with the same status and message. Any thread that may block.
 */
public final class RuntimeAccounts implements Accounts, Users {

    private final AccountService accounts;
    private final AccountDeletion deletion;
    private final WalletService wallets;

    public RuntimeAccounts(AccountService accounts, AccountDeletion deletion, WalletService wallets) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.deletion = Objects.requireNonNull(deletion, "deletion");
        this.wallets = Objects.requireNonNull(wallets, "wallets");
    }

    @Override
    public Optional<Account> get(String userId) {
        try {
            return Optional.of(accounts.account(userId));
        } catch (ServiceException e) {
            if (e.kind() == ServiceException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw refused(e);
        }
    }

    @Override
    public void update(String userId, AccountUpdate update) {
        try {
            accounts.updateAccount(userId, Objects.requireNonNull(update, "update"));
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public void delete(String userId) {
        deletion.delete(userId);
    }

    @Override
    public WalletUpdateResult walletUpdate(String userId, Map<String, Long> changeset, String metadata,
                                           boolean updateLedger) {
        try {
            return wallets.update(userId, Objects.requireNonNull(changeset, "changeset"), metadata, updateLedger);
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public WalletLedgerPage walletLedgerList(String userId, int limit, String cursor) {
        try {
            return wallets.ledger(userId, limit, cursor);
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public List<User> get(Collection<String> ids, Collection<String> usernames) {
        try {
            return accounts.users(new UsersRequest(List.copyOf(ids), List.copyOf(usernames)));
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    static RefusedException refused(ServiceException e) {
        return new RefusedException(ErrorCode.valueOf(e.kind().name()), e.getMessage());
    }
}
