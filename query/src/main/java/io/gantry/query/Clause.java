package io.gantry.query;

import java.util.Objects;

/**
 * One clause of a {@link Query}: {@code +label.skill:>=50^2} is
 * {@code Clause(MUST, "label.skill", Range.atLeast(50), 2.0)}.
 *
 * @param occur   whether the clause must, must not or should match
 * @param field   the dotted field path ({@code label.mode}, {@code properties.region}), or null
 *                for a bare value, which matches a value of any field
 * @param matcher what a value of the field must be
 * @param boost   how much the clause adds to the score when it matches (positive; 1 by default)
 */
public record Clause(Occur occur, String field, Matcher matcher, double boost) {

    public Clause {
        Objects.requireNonNull(occur, "occur");
        Objects.requireNonNull(matcher, "matcher");
        if (field != null && field.isEmpty()) {
            throw new IllegalArgumentException("field must be null (any field) or non-empty");
        }
        if (!(boost > 0) || !Double.isFinite(boost)) {
            throw new IllegalArgumentException("boost must be a positive number: " + boost);
        }
    }

    /** A clause with boost 1. */
    public static Clause of(Occur occur, String field, Matcher matcher) {
        return new Clause(occur, field, matcher, 1.0);
    }

    /**
     * Whether the document has a value in {@link #field()} (in any field when it is null) that
     * {@link #matcher()} accepts, regardless of {@link #occur()}. A {@link Matcher.MatchAll}
     * without a field matches every document, even an empty one. Allocates nothing (except
     * for a {@link Matcher.Regex}).
     */
    public boolean matches(Document document) {
        Object[] values;
        if (field == null) {
            if (matcher instanceof Matcher.MatchAll) {
                return true;
            }
            values = document.allValues();
        } else {
            values = document.valuesOrNull(field);
            if (values == null) {
                return false;
            }
        }
        for (Object v : values) {
            if (matcher.matchesValue(v)) {
                return true;
            }
        }
        return false;
    }

    /** The clause in query-string syntax, for example {@code +label.skill:>=50^2}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(occur.prefix());
        if (field != null) {
            b.append(Syntax.escapeWord(field)).append(':');
        }
        b.append(matcher.toQueryString());
        if (boost != 1.0) {
            b.append('^').append(Syntax.formatBoost(boost));
        }
        return b.toString();
    }
}
