package io.gantry.core.account;

import io.gantry.core.session.CloseCodes;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.Store;

import java.time.Clock;
import java.util.Objects;

/**
 * {@code DELETE /v2/account} and server code's {@code accounts().delete}: the account and all it owns
 * go in one write ({@link Store#deleteUser}), every token of the user is logged out as a logout of all
 * sessions does (so the old session and refresh tokens are refused), and the user's sockets are closed
 * the way Nakama closes them: a close frame with no status code, nothing sent before it.
 *
 * <pre>{@code
 * new AccountDeletion(store, sessions, refreshLifetimeSec, clock, leaderboards::forgetOwner).delete(userId);
 * }</pre>
 *
 * <p>Threads: a blocking thread (it writes the store). Closing a socket is an offer to its event loop
 * and never waits; the disconnects reach the router as any other, so nothing here waits on the router.
 */
public final class AccountDeletion {

    private final Store store;
    private final AccountStore accounts;
    private final SessionRegistry sessions;
    private final long refreshLifetimeSec;
    private final Clock clock;

    private final java.util.function.Consumer<String> ranked;

    /**
     * @param ranked takes the user out of the leaderboards' in-memory ranks (the leaderboard service);
     *               called after the account and all it owns, its records included, are deleted
     */
    /** Told of every deletion after it (a cluster closes the user's sockets on the other nodes). */
    private volatile java.util.function.Consumer<String> deleted = userId -> { };

    /** Who hears of deletions: the cluster, which has every other node close the user's sockets. */
    public void onDeleted(java.util.function.Consumer<String> listener) {
        this.deleted = Objects.requireNonNull(listener, "listener");
    }

    public AccountDeletion(Store store, SessionRegistry sessions, long refreshLifetimeSec, Clock clock,
                           java.util.function.Consumer<String> ranked) {
        this.ranked = Objects.requireNonNull(ranked, "ranked");
        this.store = Objects.requireNonNull(store, "store");
        this.accounts = store.accounts();
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.refreshLifetimeSec = refreshLifetimeSec;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Deletes the user; an unknown user is nothing to do. Returns whether there was an account. */
    public boolean delete(String userId) {
        boolean existed = store.deleteUser(userId);
        ranked.accept(userId);
        long nowMs = clock.millis();
        accounts.revokeAllTokens(userId, nowMs, nowMs / 1000L + refreshLifetimeSec);
        sessions.closeAllOf(userId, CloseCodes.NO_STATUS, "");
        deleted.accept(userId);
        return existed;
    }
}
