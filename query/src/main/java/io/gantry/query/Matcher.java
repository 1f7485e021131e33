package io.gantry.query;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a {@link Clause} requires of one value of its field. Document values are
 * {@link String}, {@link Double} or {@link Boolean} (see {@link Document}); a clause matches a
 * document when its matcher accepts any value of the field.
 *
 * <p>Which values each kind accepts:
 * <table>
 * <caption>Matchers</caption>
 * <tr><th>Matcher</th><th>Query syntax</th><th>String</th><th>Double</th><th>Boolean</th></tr>
 * <tr><td>{@link Term}</td><td>{@code f:ranked}, {@code f:5}</td><td>equal</td>
 *     <td>numerically equal, when the term is a number</td><td>term is {@code T}/{@code F}</td></tr>
 * <tr><td>{@link Phrase}</td><td>{@code f:"a b"}</td><td>equal</td><td>never</td>
 *     <td>phrase is {@code T}/{@code F}</td></tr>
 * <tr><td>{@link Range}</td><td>{@code f:>=5}</td><td>never</td><td>within bounds</td><td>never</td></tr>
 * <tr><td>{@link Wildcard}</td><td>{@code f:are?a*}</td><td>whole string matches</td><td>never</td>
 *     <td>{@code T}/{@code F} matches</td></tr>
 * <tr><td>{@link Regex}</td><td>{@code f:/ar.*a/}</td><td>whole string matches</td><td>never</td>
 *     <td>{@code T}/{@code F} matches</td></tr>
 * <tr><td>{@link MatchAll}</td><td>{@code *}, {@code f:*}</td><td>always</td><td>always</td><td>always</td></tr>
 * </table>
 *
 * <p>A boolean is the keyword {@code T} or {@code F}, as Nakama indexes a label's JSON booleans
 * ({@code match_common.go}): {@code +label.open:T} finds {@code {"open": true}}, {@code
 * +label.open:true} finds nothing.
 *
 * <p>All matchers are immutable and thread-safe; {@link #matchesValue} allocates nothing except
 * for {@link Regex}.
 */
public sealed interface Matcher
        permits Matcher.Term, Matcher.Phrase, Matcher.Range, Matcher.Wildcard, Matcher.Regex, Matcher.MatchAll {

    /** The keyword a boolean value is matched as: Nakama's {@code T} or {@code F}. */
    static String keyword(boolean value) {
        return value ? "T" : "F";
    }

    /** Whether this matcher accepts one document value (a String, Double or Boolean). */
    boolean matchesValue(Object value);

    /** This matcher as the value part of a query string (what follows {@code field:}). */
    String toQueryString();

    /**
     * An exact, case-sensitive term: {@code label.mode:ranked}. When the term spells a number
     * ({@code label.level:5}), {@link #number()} holds it and numeric values equal to it match
     * too (5 matches 5.0).
     */
    record Term(String value, Double number) implements Matcher {

        public Term {
            Objects.requireNonNull(value, "value");
            if (number != null && !Double.isFinite(number)) {
                throw new IllegalArgumentException("number must be finite: " + number);
            }
        }

        /** A term whose {@link #number()} is set when {@code value} spells a number. */
        public static Term of(String value) {
            return new Term(value, Syntax.parseNumber(value));
        }

        @Override
        public boolean matchesValue(Object v) {
            if (v instanceof String s) {
                return value.equals(s);
            }
            if (v instanceof Double d) {
                return number != null && d.doubleValue() == number.doubleValue();
            }
            if (v instanceof Boolean b) {
                return value.equals(keyword(b));
            }
            return false;
        }

        @Override
        public String toQueryString() {
            return value.isEmpty() ? "\"\"" : Syntax.escapeWord(value);
        }
    }

    /** A quoted phrase: exact, case-sensitive equality with a string value, spaces included. */
    record Phrase(String text) implements Matcher {

        public Phrase {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public boolean matchesValue(Object v) {
            if (v instanceof String s) {
                return text.equals(s);
            }
            if (v instanceof Boolean b) {
                return text.equals(keyword(b));
            }
            return false;
        }

        @Override
        public String toQueryString() {
            return Syntax.quote(text);
        }
    }

    /**
     * A numeric range; a null bound is open. The parser makes one-sided ranges
     * ({@code >=5} is {@code Range(5.0, true, null, false)}); an index may merge them. Only
     * numeric values match.
     */
    record Range(Double min, boolean minInclusive, Double max, boolean maxInclusive) implements Matcher {

        public Range {
            if ((min != null && Double.isNaN(min)) || (max != null && Double.isNaN(max))) {
                throw new IllegalArgumentException("range bounds must be numbers");
            }
            // -0 compares equal to 0 and prints as 0: one bound, one value (Double.equals tells them apart)
            if (min != null && min == 0) {
                min = 0.0;
            }
            if (max != null && max == 0) {
                max = 0.0;
            }
        }

        /** {@code >= min}. */
        public static Range atLeast(double min) {
            return new Range(min, true, null, false);
        }

        /** {@code > min}. */
        public static Range greaterThan(double min) {
            return new Range(min, false, null, false);
        }

        /** {@code <= max}. */
        public static Range atMost(double max) {
            return new Range(null, false, max, true);
        }

        /** {@code < max}. */
        public static Range lessThan(double max) {
            return new Range(null, false, max, false);
        }

        /** Whether {@code x} lies within this range. */
        public boolean contains(double x) {
            if (min != null) {
                double lo = min;
                if (minInclusive ? x < lo : x <= lo) {
                    return false;
                }
            }
            if (max != null) {
                double hi = max;
                if (maxInclusive ? x > hi : x >= hi) {
                    return false;
                }
            }
            return !Double.isNaN(x);
        }

        @Override
        public boolean matchesValue(Object v) {
            return v instanceof Double d && contains(d.doubleValue());
        }

        /**
         * {@code >=5}, {@code <10}, ...; a range with both bounds (which the query syntax cannot
         * express in one clause) renders as {@code >=5 <=10} joined by a space.
         */
        @Override
        public String toQueryString() {
            String lo = min == null ? null : (minInclusive ? ">=" : ">") + Syntax.formatNumber(min);
            String hi = max == null ? null : (maxInclusive ? "<=" : "<") + Syntax.formatNumber(max);
            if (lo == null && hi == null) {
                return "*";
            }
            return lo == null ? hi : hi == null ? lo : lo + " " + hi;
        }
    }

    /**
     * A wildcard pattern over a whole string value: {@code *} matches any run of characters
     * (including none), {@code ?} exactly one character (UTF-16 unit). In {@link #pattern()} a
     * backslash makes the next character literal ({@code \*}, {@code \?}, {@code \\}). Compiled
     * once; matching allocates nothing.
     */
    final class Wildcard implements Matcher {

        private static final byte LITERAL = 0;
        private static final byte ONE = 1;
        private static final byte ANY = 2;

        private final String pattern;
        private final char[] chars;
        private final byte[] kinds;
        private final String literalPrefix;

        /** @param pattern the pattern, with {@code \} escaping {@code *}, {@code ?} and {@code \} */
        public Wildcard(String pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
            char[] cs = new char[pattern.length()];
            byte[] ks = new byte[pattern.length()];
            int n = 0;
            int prefixEnd = -1;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                byte kind = LITERAL;
                if (c == '\\' && i + 1 < pattern.length()) {
                    c = pattern.charAt(++i);
                } else if (c == '*') {
                    kind = ANY;
                } else if (c == '?') {
                    kind = ONE;
                }
                if (kind != LITERAL && prefixEnd < 0) {
                    prefixEnd = n;
                }
                if (kind == ANY && n > 0 && ks[n - 1] == ANY) {
                    continue; // "**" is "*"
                }
                cs[n] = c;
                ks[n] = kind;
                n++;
            }
            this.chars = java.util.Arrays.copyOf(cs, n);
            this.kinds = java.util.Arrays.copyOf(ks, n);
            this.literalPrefix = new String(chars, 0, prefixEnd < 0 ? n : prefixEnd);
        }

        /** The pattern as given, with backslash escapes. */
        public String pattern() {
            return pattern;
        }

        /**
         * The literal characters before the first wildcard ({@code "arena"} for
         * {@code arena*}), for an index to narrow candidates by prefix; empty when the pattern
         * starts with a wildcard.
         */
        public String literalPrefix() {
            return literalPrefix;
        }

        /** Whether the whole of {@code s} matches the pattern. */
        public boolean matches(CharSequence s) {
            int n = s.length();
            int m = chars.length;
            int si = 0;
            int pi = 0;
            int starP = -1;
            int starS = 0;
            while (si < n) {
                if (pi < m && (kinds[pi] == ONE || (kinds[pi] == LITERAL && chars[pi] == s.charAt(si)))) {
                    si++;
                    pi++;
                } else if (pi < m && kinds[pi] == ANY) {
                    starP = pi++;
                    starS = si;
                } else if (starP >= 0) {
                    pi = starP + 1;
                    si = ++starS;
                } else {
                    return false;
                }
            }
            while (pi < m && kinds[pi] == ANY) {
                pi++;
            }
            return pi == m;
        }

        @Override
        public boolean matchesValue(Object v) {
            if (v instanceof String s) {
                return matches(s);
            }
            if (v instanceof Boolean b) {
                return matches(keyword(b));
            }
            return false;
        }

        @Override
        public String toQueryString() {
            StringBuilder b = new StringBuilder(chars.length + 4);
            for (int i = 0; i < chars.length; i++) {
                switch (kinds[i]) {
                    case ANY -> b.append('*');
                    case ONE -> b.append('?');
                    default -> Syntax.appendEscaped(b, chars[i], i == 0, true);
                }
            }
            return b.toString();
        }

        /** Equal when they match the same strings: {@code a**b} equals {@code a*b}, {@code \x} equals {@code x}. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Wildcard w && java.util.Arrays.equals(w.chars, chars) && java.util.Arrays.equals(w.kinds, kinds);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(chars) + java.util.Arrays.hashCode(kinds);
        }

        @Override
        public String toString() {
            return "Wildcard[" + pattern + "]";
        }
    }

    /**
     * A regular expression that must match a whole string value ({@code field:/ar.*a/}), in
     * {@link java.util.regex.Pattern} syntax (the common subset of Go's RE2 that Bleve uses
     * behaves the same). Compiled once; each evaluation allocates one
     * {@link java.util.regex.Matcher}, and is bounded in time (see {@link #matches}).
     */
    final class Regex implements Matcher {

        private final Pattern pattern;

        public Regex(Pattern pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
        }

        /** Compiles {@code regex}; throws {@link PatternSyntaxException} when it is invalid. */
        public static Regex of(String regex) {
            return new Regex(Pattern.compile(regex));
        }

        public Pattern pattern() {
            return pattern;
        }

        /**
         * Whether the whole of {@code s} matches. Java's regex engine backtracks, unlike
         * Bleve's RE2, so a hostile pattern such as {@code /(a+)+b/} could take exponential
         * time: the engine may read at most {@link #STEP_BUDGET_PER_CHAR} characters per
         * input character (plus a fixed allowance) before the value is taken as not matching.
         */
        public boolean matches(CharSequence s) {
            Budgeted input = new Budgeted(s, FIXED_STEP_BUDGET + (long) STEP_BUDGET_PER_CHAR * s.length());
            try {
                return pattern.matcher(input).matches();
            } catch (Budgeted.Exhausted e) {
                return false;
            }
        }

        /** Characters the regex engine may read per character of a value. */
        public static final int STEP_BUDGET_PER_CHAR = 1_000;
        private static final long FIXED_STEP_BUDGET = 100_000;

        /** A CharSequence that stops the regex engine after a number of reads. */
        private static final class Budgeted implements CharSequence {

            /** Thrown when the budget is spent; no stack trace, shared. */
            static final class Exhausted extends RuntimeException {
                private static final long serialVersionUID = 1L;
                static final Exhausted INSTANCE = new Exhausted();

                private Exhausted() {
                    super(null, null, false, false);
                }
            }

            private final CharSequence s;
            private long budget;

            Budgeted(CharSequence s, long budget) {
                this.s = s;
                this.budget = budget;
            }

            @Override
            public char charAt(int index) {
                if (--budget < 0) {
                    throw Exhausted.INSTANCE;
                }
                return s.charAt(index);
            }

            @Override
            public int length() {
                return s.length();
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                return new Budgeted(s.subSequence(start, end), budget);
            }

            @Override
            public String toString() {
                return s.toString();
            }
        }

        @Override
        public boolean matchesValue(Object v) {
            if (v instanceof String s) {
                return matches(s);
            }
            if (v instanceof Boolean b) {
                return matches(keyword(b));
            }
            return false;
        }

        /** {@code /source/}, with unescaped slashes in the source escaped. */
        @Override
        public String toQueryString() {
            String src = pattern.pattern();
            StringBuilder b = new StringBuilder(src.length() + 2).append('/');
            for (int i = 0; i < src.length(); i++) {
                char c = src.charAt(i);
                if (c == '\\' && i + 1 < src.length()) {
                    b.append(c).append(src.charAt(++i));
                } else {
                    if (c == '/') {
                        b.append('\\');
                    }
                    b.append(c);
                }
            }
            return b.append('/').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern())
                    && r.pattern.flags() == pattern.flags();
        }

        @Override
        public int hashCode() {
            return pattern.pattern().hashCode();
        }

        @Override
        public String toString() {
            return "Regex[" + pattern.pattern() + "]";
        }
    }

    /**
     * Everything. Without a field ({@code *}, or an empty query) it matches every document;
     * with a field ({@code label.mode:*}) every document that has at least one value in it.
     */
    record MatchAll() implements Matcher {

        public static final MatchAll INSTANCE = new MatchAll();

        @Override
        public boolean matchesValue(Object v) {
            return true;
        }

        @Override
        public String toQueryString() {
            return "*";
        }
    }
}
