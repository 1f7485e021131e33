package io.gantry.runtime;

/** What {@link MatchHandler#signal} returns: the new state and a reply for the signaller. */
public record SignalResult<S>(S state, String reply) {
}
