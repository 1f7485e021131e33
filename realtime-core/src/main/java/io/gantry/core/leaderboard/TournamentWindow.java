package io.gantry.core.leaderboard;

/**
 * Where a tournament stands at an instant, as Nakama 3.18 computes it
 * ({@code calculateTournamentDeadlines}): the start and end of the active window that contains the
 * instant (or the next one), and the end of the period (the expiry of the records written now).
 * All times are epoch seconds; an {@code expiry} of 0 is a period with no end.
 *
 * <p>With a reset schedule, each period runs from one schedule instant to the next and the window
 * is its first {@code duration} seconds, clipped to the period, to the tournament's end, and not
 * before its start. Without one, the window is {@code [startTime, startTime + duration]} clipped to
 * the end, and the expiry is the end time.
 */
public record TournamentWindow(long startActive, long endActive, long expiry) {

    /** The window of a tournament at {@code now}. */
    public static TournamentWindow at(long startTime, long endTime, long duration, ResetSchedule schedule, long now) {
        if (schedule == null) {
            long endActive = startTime + duration;
            if (endTime > 0 && endActive > endTime) {
                endActive = endTime;
            }
            return new TournamentWindow(startTime, endActive, endTime);
        }
        long startActive;
        if (now < startTime) {
            startActive = schedule.next(startTime);
        } else if (schedule.matches(now)) {
            startActive = now;
        } else {
            startActive = schedule.last(now);
        }
        long endActive = startActive + duration;
        long expiry = schedule.next(startActive);
        if (endActive > expiry) {
            endActive = expiry;
        }
        if (startTime > endActive) {
            long[] two = schedule.nextTwo(startTime);
            startActive = two[0];
            endActive = startActive + duration;
            expiry = two[1];
            if (endActive > expiry) {
                endActive = expiry;
            }
        } else if (startTime > startActive) {
            startActive = startTime;
        }
        if (endTime > 0 && expiry > endTime) {
            expiry = endTime;
            if (endActive > expiry) {
                endActive = expiry;
            }
        }
        return new TournamentWindow(startActive, endActive, expiry);
    }
}
