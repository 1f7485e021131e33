package io.gantry.runtime;

/**
 * What {@link Leaderboards#create} makes.
 *
 * @param authoritative whether only server code may write and delete its records
 * @param resetSchedule a cron expression (5 fields, or a macro such as {@code @weekly}): at each
 *                      instant it names, the records expire and a new period starts; null or ""
 *                      for never
 * @param metadata      a JSON object, or null for {@code {}}
 */
public record LeaderboardCreate(String id, boolean authoritative, SortOrder sortOrder, Operator operator,
                                String resetSchedule, String metadata) {
}
