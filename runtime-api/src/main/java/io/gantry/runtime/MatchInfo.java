package io.gantry.runtime;

/**
 * A match as listings show it.
 *
 * @param size the number of players in it now
 */
public record MatchInfo(String matchId, boolean authoritative, String label, int size, int tickRate, String handlerName) {
}
