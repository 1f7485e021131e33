package io.gantry.query;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Parses the query-string syntax documented on {@link Query}. One instance per parse. */
final class QueryParser {

    private final String s;
    private final int n;
    private int pos;

    private QueryParser(String text) {
        this.s = text;
        this.n = text.length();
    }

    static List<Clause> parse(String text) throws QueryParseException {
        return new QueryParser(text).clauses();
    }

    private List<Clause> clauses() throws QueryParseException {
        List<Clause> clauses = new ArrayList<>();
        while (true) {
            while (pos < n && Syntax.isSpace(s.charAt(pos))) {
                pos++;
            }
            if (pos >= n) {
                return clauses;
            }
            clauses.add(clause());
        }
    }

    private Clause clause() throws QueryParseException {
        int start = pos;
        Occur occur = Occur.SHOULD;
        char c = s.charAt(pos);
        if (c == '+' || c == '-') {
            occur = c == '+' ? Occur.MUST : Occur.MUST_NOT;
            pos++;
            if (pos >= n) {
                throw endOfQuery(start);
            }
            char d = s.charAt(pos);
            if (Syntax.isSpace(d)) {
                throw error("dangling '" + c + "' at position " + start
                        + ": it must be followed directly by a clause, without a space", start);
            }
            if (d == '+' || d == '-') {
                throw error("unexpected '" + d + "' after '" + c + "' at position " + pos
                        + ": a clause takes one prefix", pos);
            }
        }
        String field = null;
        Matcher matcher;
        c = s.charAt(pos);
        if (c == '"') {
            matcher = new Matcher.Phrase(phrase());
        } else if (c == '/') {
            matcher = regex();
        } else if (c == '>' || c == '<') {
            throw error("a range needs a field, as in 'label.rank:" + c + "=5', at position " + pos, pos);
        } else {
            Word word = word();
            if (pos < n && s.charAt(pos) == ':') {
                if (word.isEmpty()) {
                    throw error("empty field name before ':' at position " + pos, pos);
                }
                field = word.text;
                pos++;
                matcher = value(start);
            } else if (word.isEmpty()) {
                // The clause starts with a character that cannot start a value.
                if (s.charAt(pos) == '^') {
                    throw error("boost '^' at position " + pos + " must follow a clause", pos);
                }
                throw unexpected(pos);
            } else {
                matcher = word.matcher();
            }
        }
        double boost = 1.0;
        if (pos < n && s.charAt(pos) == '^') {
            boost = boost(start);
        }
        if (pos < n && !Syntax.isSpace(s.charAt(pos))) {
            throw unexpected(pos);
        }
        return new Clause(occur, field, matcher, boost);
    }

    /** The value after {@code field:}; {@code pos} is just after the colon. */
    private Matcher value(int clauseStart) throws QueryParseException {
        if (pos >= n) {
            throw endOfQuery(clauseStart);
        }
        char c = s.charAt(pos);
        if (Syntax.isSpace(c)) {
            throw error("missing value after '" + s.substring(clauseStart, pos) + "' at position " + pos, pos);
        }
        switch (c) {
            case '"':
                return new Matcher.Phrase(phrase());
            case '/':
                return regex();
            case '>':
            case '<':
                return range(clauseStart);
            case '=':
                throw error("unexpected '=' at position " + pos + ": write 'field:value' for equality, "
                        + "'>=' or '<=' for ranges (escape a literal '=' as '\\=')", pos);
            case '^':
                throw error("missing value before boost '^' at position " + pos, pos);
            default:
                break;
        }
        Word word = word();
        if (word.isEmpty()) {
            throw unexpected(pos);
        }
        return word.matcher();
    }

    /** A range: {@code pos} is at the {@code >} or {@code <}. */
    private Matcher range(int clauseStart) throws QueryParseException {
        boolean greater = s.charAt(pos) == '>';
        pos++;
        boolean inclusive = pos < n && s.charAt(pos) == '=';
        if (inclusive) {
            pos++;
        }
        String op = (greater ? ">" : "<") + (inclusive ? "=" : "");
        if (pos >= n) {
            throw endOfQuery(clauseStart);
        }
        int at = pos;
        char c = s.charAt(pos);
        String text;
        if (c == '"') {
            text = phrase();
        } else {
            Word word = word();
            if (word.isEmpty()) {
                throw error("expected a number after '" + op + "' at position " + at, at);
            }
            text = word.text;
        }
        Double bound = Syntax.parseNumber(text);
        if (bound == null) {
            throw error("expected a number after '" + op + "' at position " + at
                    + ", found '" + s.substring(at, pos) + "'", at);
        }
        if (greater) {
            return new Matcher.Range(bound, inclusive, null, false);
        }
        return new Matcher.Range(null, false, bound, inclusive);
    }

    /** A boost: {@code pos} is at the {@code ^}. */
    private double boost(int clauseStart) throws QueryParseException {
        pos++;
        if (pos >= n) {
            throw endOfQuery(clauseStart);
        }
        int at = pos;
        while (pos < n && !Syntax.isSpace(s.charAt(pos))) {
            pos++;
        }
        String text = s.substring(at, pos);
        if (text.isEmpty()) {
            throw error("expected a positive number after '^' at position " + at, at);
        }
        double boost = Syntax.parseBoost(text);
        if (Double.isNaN(boost)) {
            throw error("expected a positive number after '^' at position " + at + ", found '" + text + "'", at);
        }
        if (!(boost > 0) || !Double.isFinite(boost)) {
            throw error("boost must be a positive number, found '" + text + "' at position " + at, at);
        }
        return boost;
    }

    /** A quoted phrase, unescaped: {@code pos} is at the opening quote. */
    private String phrase() throws QueryParseException {
        int start = pos;
        StringBuilder b = new StringBuilder();
        pos++;
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= n) {
                    break;
                }
                b.append(s.charAt(pos + 1));
                pos += 2;
            } else if (c == '"') {
                pos++;
                return b.toString();
            } else {
                b.append(c);
                pos++;
            }
        }
        throw error("unterminated quoted phrase starting at position " + start, start);
    }

    /** A regular expression: {@code pos} is at the opening slash. */
    private Matcher regex() throws QueryParseException {
        int start = pos;
        StringBuilder b = new StringBuilder();
        pos++;
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= n) {
                    break;
                }
                b.append(c).append(s.charAt(pos + 1));
                pos += 2;
            } else if (c == '/') {
                pos++;
                if (b.length() == 0) {
                    throw error("empty regular expression at position " + start, start);
                }
                try {
                    return new Matcher.Regex(Pattern.compile(b.toString()));
                } catch (PatternSyntaxException e) {
                    throw error("invalid regular expression starting at position " + start + ": "
                            + e.getDescription(), start);
                }
            } else {
                b.append(c);
                pos++;
            }
        }
        throw error("unterminated regular expression starting at position " + start, start);
    }

    /** An unquoted word, up to whitespace or an unescaped {@code : ^ ( ) ~ "}. */
    private Word word() throws QueryParseException {
        StringBuilder text = new StringBuilder();
        StringBuilder pattern = new StringBuilder();
        boolean wildcard = false;
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= n) {
                    throw error("dangling escape '\\' at the end of the query, position " + pos, pos);
                }
                char e = s.charAt(pos + 1);
                text.append(e);
                if (e == '*' || e == '?' || e == '\\') {
                    pattern.append('\\');
                }
                pattern.append(e);
                pos += 2;
                continue;
            }
            if (Syntax.endsWord(c)) {
                break;
            }
            if (c == '*' || c == '?') {
                wildcard = true;
            }
            text.append(c);
            pattern.append(c);
            pos++;
        }
        return new Word(text.toString(), pattern.toString(), wildcard);
    }

    private QueryParseException unexpected(int at) {
        char c = s.charAt(at);
        String message = switch (c) {
            case '(', ')' -> "parentheses are not supported, at position " + at
                    + ": query strings have no grouping (escape a literal parenthesis as '\\" + c + "')";
            case '~' -> "fuzzy matching '~' is not supported, at position " + at
                    + " (escape a literal tilde as '\\~')";
            case ':' -> "unexpected ':' at position " + at + " (escape a literal colon as '\\:')";
            case '"' -> "unexpected '\"' at position " + at
                    + ": a quoted phrase must start the value (escape a literal quote as '\\\"')";
            case '^' -> "unexpected '^' at position " + at;
            default -> "unexpected '" + c + "' at position " + at + ": clauses are separated by whitespace";
        };
        return error(message, at);
    }

    private QueryParseException endOfQuery(int clauseStart) {
        return error("unexpected end of query after '" + s.substring(clauseStart) + "' at position " + n, n);
    }

    private QueryParseException error(String message, int at) {
        return new QueryParseException(message, at, s);
    }

    /** An unquoted word: its literal text, and its wildcard pattern (escapes kept for * ? \). */
    private record Word(String text, String pattern, boolean wildcard) {

        boolean isEmpty() {
            return text.isEmpty();
        }

        Matcher matcher() {
            if (!wildcard) {
                return Matcher.Term.of(text);
            }
            for (int i = 0; i < pattern.length(); i++) {
                if (pattern.charAt(i) != '*') {
                    return new Matcher.Wildcard(pattern);
                }
            }
            return Matcher.MatchAll.INSTANCE;
        }
    }
}
