package io.gantry.runtime;

import java.time.Instant;

/**
 * A leaderboard, as server code reads it.
 *
 * @param resetSchedule a cron expression, or "" for a board whose records never expire
 * @param metadata      a JSON object
 * @param prevReset     the last reset before now (epoch seconds), 0 if none
 * @param nextReset     the next reset (epoch seconds), 0 for a board that never resets
 */
public record Leaderboard(String id, boolean authoritative, SortOrder sortOrder, Operator operator,
                          String resetSchedule, String metadata, Instant createTime, long prevReset,
                          long nextReset) {
}
