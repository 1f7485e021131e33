package io.gantry.runtime;

/**
 * What {@link MatchHandler#joinAttempt} decides. A rejected player receives a
 * {@code MATCH_JOIN_REJECTED} error carrying {@code rejectReason}.
 */
public record JoinDecision<S>(S state, boolean accepted, String rejectReason) {

    public static <S> JoinDecision<S> accept(S state) {
        return new JoinDecision<>(state, true, "");
    }

    public static <S> JoinDecision<S> reject(S state, String reason) {
        return new JoinDecision<>(state, false, reason == null ? "" : reason);
    }
}
