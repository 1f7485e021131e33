package io.gantry.runtime;

/** How a leaderboard orders its records: rank 1 has the lowest score, or the highest. */
public enum SortOrder {
    ASCENDING,
    DESCENDING
}
