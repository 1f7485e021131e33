package io.gantry.runtime;

import java.util.Collection;

/**
 * How a match handler acts on its players. Valid only during the handler call it was passed
 * to, on that call's thread (anything else throws {@link IllegalStateException}). Op codes must
 * not be negative. Presences that are not (or no longer) in the match are skipped.
 *
 * <pre>{@code
 * d.broadcast(OP_STATE, state.toJson());                              // everyone, from the server
 * d.broadcast(OP_HIT, hit, List.of(target), shooter, true);           // one player, from a player
 * d.broadcastDeferred(OP_SCORES, scores, null, null, true);           // after the loop returns
 * d.updateLabel("{\"open\":false}");
 * }</pre>
 */
public interface MatchDispatcher {

    /** Sends data to every player now, reliably, from the server. */
    default void broadcast(long opCode, byte[] data) {
        broadcast(opCode, data, null, null, true);
    }

    /**
     * Sends data now.
     *
     * @param to       the players to send to, or null for all
     * @param sender   shown as the sender, or null for the server
     * @param reliable passed on to the clients
     */
    void broadcast(long opCode, byte[] data, Collection<Presence> to, Presence sender, boolean reliable);

    /** Like {@link #broadcast}, but sent when the current tick ends, after the loop returns. */
    void broadcastDeferred(long opCode, byte[] data, Collection<Presence> to, Presence sender, boolean reliable);

    /** Removes players from the match; {@link MatchHandler#leave} follows for them. */
    void kick(Collection<Presence> presences);

    /**
     * Changes the label; listings show it within the label update interval.
     *
     * @throws IllegalArgumentException when the label is over 2048 characters
     */
    void updateLabel(String label);
}
