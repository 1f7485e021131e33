package io.gantry.query;

import java.util.regex.Pattern;

/** Lexical helpers shared by the parser and the query-string rendering of the AST. */
final class Syntax {

    /** A number as a query value or range bound: {@code 5}, {@code -3}, {@code 2.5}, {@code .5}, {@code 1e3}. */
    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

    /** A boost: an unsigned decimal number. */
    private static final Pattern BOOST = Pattern.compile("(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)");

    private Syntax() {
    }

    /** The finite number {@code text} spells, or null when it is not a number. */
    static Double parseNumber(String text) {
        if (text.isEmpty() || !NUMBER.matcher(text).matches()) {
            return null;
        }
        double d = Double.parseDouble(text);
        return Double.isFinite(d) ? d : null;
    }

    /** The boost {@code text} spells, or NaN when it is not an unsigned decimal number. */
    static double parseBoost(String text) {
        if (!BOOST.matcher(text).matches()) {
            return Double.NaN;
        }
        return Double.parseDouble(text);
    }

    /** Whether {@code c} separates clauses. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** Characters that end an unquoted word (unless escaped with a backslash). */
    static boolean endsWord(char c) {
        return isSpace(c) || c == ':' || c == '^' || c == '(' || c == ')' || c == '~' || c == '"';
    }

    /** A number as the parser reads it back: integral values without a fraction. */
    static String formatNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** A boost as the parser reads it back: plain decimal, no exponent. */
    static String formatBoost(double d) {
        return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /**
     * Escapes {@code text} so that the parser reads it back as one literal word (a field name
     * or a term value). Wildcard characters are escaped too.
     */
    static String escapeWord(String text) {
        StringBuilder b = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            appendEscaped(b, text.charAt(i), i == 0, true);
        }
        return b.toString();
    }

    /**
     * Appends one literal character of a word. {@code first}: the character starts the word,
     * where {@code + - / > < =} would otherwise mean something. {@code wildcards}: also escape
     * {@code *} and {@code ?}.
     */
    static void appendEscaped(StringBuilder b, char c, boolean first, boolean wildcards) {
        boolean escape = c == '\\' || endsWord(c)
                || (wildcards && (c == '*' || c == '?'))
                || (first && (c == '+' || c == '-' || c == '/' || c == '>' || c == '<' || c == '='));
        if (escape) {
            b.append('\\');
        }
        b.append(c);
    }

    /** {@code text} as a quoted phrase: {@code "..."} with {@code "} and {@code \} escaped. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
