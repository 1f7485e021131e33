package io.gantry.runtime;

/**
 * A listing of tournaments: null fields take the client's defaults (categories 0–127, any start,
 * not ended, up to 100).
 *
 * @param startTime tournaments starting at or after it (epoch seconds)
 * @param endTime   tournaments ending at or before it (epoch seconds); 0 for those with no end
 */
public record TournamentListRequest(Integer categoryStart, Integer categoryEnd, Long startTime, Long endTime,
                                    Integer limit, String cursor) {
}
