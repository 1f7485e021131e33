package io.gantry.runtime;

/**
 * How a write combines with the owner's record in a leaderboard or tournament, as Nakama's
 * operators: {@code BEST} keeps the better of the two scores and, separately, of the two subscores
 * (in the board's order), {@code SET} replaces both, {@code INCREMENT} adds to both, and
 * {@code DECREMENT} subtracts from both, never below 0.
 */
public enum Operator {
    BEST,
    SET,
    INCREMENT,
    DECREMENT
}
