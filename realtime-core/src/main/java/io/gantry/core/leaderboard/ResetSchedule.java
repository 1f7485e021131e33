package io.gantry.core.leaderboard;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A leaderboard's or tournament's reset schedule: a cron expression in UTC (five fields: minute,
 * hour, day of month, month, day of week; or one of the macros {@code @yearly}, {@code @annually},
 * {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight}, {@code @hourly}), parsed and
 * evaluated by cron-utils. Times are epoch seconds, as Nakama keeps them.
 *
 * <pre>{@code
 * ResetSchedule weekly = ResetSchedule.parse("0 0 * * 1");
 * long expiry = weekly.next(now);     // the coming Monday 00:00 UTC: the current period's end
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class ResetSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private final String expression;
    private final ExecutionTime times;

    private ResetSchedule(String expression, ExecutionTime times) {
        this.expression = expression;
        this.times = times;
    }

    /**
     * Parses a schedule.
     *
     * @throws IllegalArgumentException with cron-utils' reason if it is not a valid expression
     */
    public static ResetSchedule parse(String expression) {
        String text = expression.trim();
        String expanded = MACROS.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        Cron cron;
        try {
            cron = PARSER.parse(expanded).validate();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new ResetSchedule(expression, ExecutionTime.forCron(cron));
    }

    /** The first instant of the schedule strictly after {@code epochSecond}. */
    public long next(long epochSecond) {
        Optional<ZonedDateTime> next = times.nextExecution(at(epochSecond));
        return next.map(t -> t.toEpochSecond()).orElse(0L);
    }

    /** The two first instants strictly after {@code epochSecond}. */
    public long[] nextTwo(long epochSecond) {
        long first = next(epochSecond);
        return new long[] {first, next(first)};
    }

    /** The last instant of the schedule strictly before {@code epochSecond}, or 0. */
    public long last(long epochSecond) {
        Optional<ZonedDateTime> last = times.lastExecution(at(epochSecond));
        return last.map(t -> t.toEpochSecond()).orElse(0L);
    }

    /** Whether {@code epochSecond} is an instant of the schedule. */
    public boolean matches(long epochSecond) {
        return next(epochSecond - 1) == epochSecond;
    }

    /** The expression as it was given. */
    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return expression;
    }

    private static ZonedDateTime at(long epochSecond) {
        return ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }
}
