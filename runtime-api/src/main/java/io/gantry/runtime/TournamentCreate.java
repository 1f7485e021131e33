package io.gantry.runtime;

/**
 * What {@link Tournaments#create} makes.
 *
 * @param resetSchedule a cron expression for its periods, or null/"" for one period
 * @param metadata      a JSON object, or null for {@code {}}
 * @param category      0–127, for listings
 * @param startTime     epoch seconds, 0 for now
 * @param endTime       epoch seconds, 0 for never
 * @param duration      seconds each window lasts from its start; more than 0
 * @param maxSize       how many owners may join (0: no limit)
 * @param maxNumScore   how many writes an owner has per period (0: no limit)
 * @param joinRequired  whether owners must join before they write
 */
public record TournamentCreate(String id, boolean authoritative, SortOrder sortOrder, Operator operator,
                               String resetSchedule, String metadata, String title, String description,
                               int category, long startTime, long endTime, int duration, int maxSize,
                               int maxNumScore, boolean joinRequired) {
}
