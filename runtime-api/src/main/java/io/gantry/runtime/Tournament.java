package io.gantry.runtime;

import java.time.Instant;

/**
 * A tournament, as clients list it: a leaderboard with a window in which it accepts scores.
 * Times named as epoch seconds are Nakama's {@code uint32} fields.
 *
 * @param size        how many owners joined or wrote (counted only when it has a max size)
 * @param maxSize     0: no limit
 * @param maxNumScore how many writes an owner has per period (0: no limit)
 * @param canEnter    whether it accepts joins and scores now
 * @param startActive the start of the current (or next) active window, epoch seconds
 * @param endActive   its end, epoch seconds
 * @param nextReset   the end of the current period, epoch seconds (0: none)
 * @param prevReset   the last reset, epoch seconds (0: none)
 * @param endTime     when the tournament ends, or null for never
 * @param duration    seconds a window lasts
 */
public record Tournament(String id, String title, String description, int category, SortOrder sortOrder,
                         Operator operator, int size, int maxSize, int maxNumScore, boolean canEnter,
                         long startActive, long endActive, long nextReset, long prevReset, String metadata,
                         Instant createTime, Instant startTime, Instant endTime, int duration,
                         boolean authoritative, boolean joinRequired, String resetSchedule) {
}
