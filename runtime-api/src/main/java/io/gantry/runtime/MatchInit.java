package io.gantry.runtime;

/**
 * What {@link MatchHandler#init} returns.
 *
 * @param state    the handler's initial state
 * @param tickRate ticks per second, 1 to 60
 * @param label    the match label clients see when listing (often JSON, queried with
 *                 {@code +label.field:value}); may be empty
 */
public record MatchInit<S>(S state, int tickRate, String label) {
}
