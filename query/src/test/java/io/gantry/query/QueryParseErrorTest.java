package io.gantry.query;

import static io.gantry.query.Q.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Queries that do not parse, and where the errors say they are wrong. */
class QueryParseErrorTest {

    private static void assertError(String query, int position, String message) {
        QueryParseException e = error(query);
        assertEquals(message, e.getMessage(), query);
        assertEquals(position, e.position(), query);
        assertEquals(query, e.query());
        assertTrue(e.getMessage().contains("position " + position), e.getMessage());
    }

    // --- end of query ---

    @Test
    void rangeOperatorAtEndOfQuery() {
        assertError("+label.skill:>=", 15, "unexpected end of query after '+label.skill:>=' at position 15");
    }

    @Test
    void endOfQueryQuotesOnlyTheLastClause() {
        assertError("+label.mode:ranked +label.skill:>=", 34,
                "unexpected end of query after '+label.skill:>=' at position 34");
        assertError("a:<", 3, "unexpected end of query after 'a:<' at position 3");
    }

    @Test
    void fieldWithNothingAfterTheColon() {
        assertError("label.x:", 8, "unexpected end of query after 'label.x:' at position 8");
    }

    @Test
    void fieldFollowedBySpaceInsteadOfValue() {
        assertError("label.x: foo", 8, "missing value after 'label.x:' at position 8");
        assertError("+label.x: +label.y:1", 9, "missing value after '+label.x:' at position 9");
    }

    // --- prefixes ---

    @Test
    void danglingPrefixAtEnd() {
        assertError("+", 1, "unexpected end of query after '+' at position 1");
        assertError("a:b -", 5, "unexpected end of query after '-' at position 5");
    }

    @Test
    void danglingPrefixBeforeSpace() {
        assertError("a:b + c:d", 4,
                "dangling '+' at position 4: it must be followed directly by a clause, without a space");
        assertError("- a", 0,
                "dangling '-' at position 0: it must be followed directly by a clause, without a space");
    }

    @Test
    void doublePrefix() {
        assertError("+-a", 1, "unexpected '-' after '+' at position 1: a clause takes one prefix");
        assertError("x --a", 3, "unexpected '-' after '-' at position 3: a clause takes one prefix");
    }

    // --- quotes ---

    @Test
    void unterminatedQuotedPhrase() {
        assertError("+label.mode:\"ranked", 12, "unterminated quoted phrase starting at position 12");
        assertError("\"abc", 0, "unterminated quoted phrase starting at position 0");
    }

    @Test
    void quoteEscapedAtTheEndLeavesThePhraseUnterminated() {
        assertError("a:\"abc\\\"", 2, "unterminated quoted phrase starting at position 2");
        assertError("a:\"abc\\", 2, "unterminated quoted phrase starting at position 2");
    }

    @Test
    void unterminatedQuotedRangeBound() {
        assertError("a:>=\"5", 4, "unterminated quoted phrase starting at position 4");
    }

    @Test
    void quoteInsideAWord() {
        assertError("a:b\"c\"", 3, "unexpected '\"' at position 3: a quoted phrase must start the value "
                + "(escape a literal quote as '\\\"')");
    }

    @Test
    void textRightAfterAPhrase() {
        assertError("\"a\"b", 3, "unexpected 'b' at position 3: clauses are separated by whitespace");
    }

    // --- fields ---

    @Test
    void emptyFieldName() {
        assertError(":foo", 0, "empty field name before ':' at position 0");
        assertError("+:foo", 1, "empty field name before ':' at position 1");
        assertError("a:b :c", 4, "empty field name before ':' at position 4");
    }

    @Test
    void secondColonInAValue() {
        assertError("a:b:c", 3, "unexpected ':' at position 3 (escape a literal colon as '\\:')");
        assertError("a::b", 2, "unexpected ':' at position 2 (escape a literal colon as '\\:')");
    }

    @Test
    void equalsIsNotAnOperator() {
        assertError("a:=5", 2, "unexpected '=' at position 2: write 'field:value' for equality, "
                + "'>=' or '<=' for ranges (escape a literal '=' as '\\=')");
    }

    // --- boosts ---

    @Test
    void boostWithNothingAfterIt() {
        assertError("a:b^", 4, "unexpected end of query after 'a:b^' at position 4");
        assertError("a:b^ c:d", 4, "expected a positive number after '^' at position 4");
    }

    @Test
    void boostThatIsNotANumber() {
        assertError("a:b^abc", 4, "expected a positive number after '^' at position 4, found 'abc'");
        assertError("a:b^-1", 4, "expected a positive number after '^' at position 4, found '-1'");
        assertError("a:b^2^3", 4, "expected a positive number after '^' at position 4, found '2^3'");
        assertError("a:b^1e2", 4, "expected a positive number after '^' at position 4, found '1e2'");
    }

    @Test
    void zeroBoost() {
        assertError("a:b^0", 4, "boost must be a positive number, found '0' at position 4");
        assertError("a:b^0.0", 4, "boost must be a positive number, found '0.0' at position 4");
    }

    @Test
    void boostWithoutAClause() {
        assertError("^2", 0, "boost '^' at position 0 must follow a clause");
        assertError("a:b ^2", 4, "boost '^' at position 4 must follow a clause");
        assertError("a:^2", 2, "missing value before boost '^' at position 2");
    }

    // --- parentheses and other unsupported syntax ---

    @Test
    void parenthesesAreRejected() {
        String tail = ": query strings have no grouping (escape a literal parenthesis as '\\";
        assertError("(a:b)", 0, "parentheses are not supported, at position 0" + tail + "(')");
        assertError("+(a:b c:d)", 1, "parentheses are not supported, at position 1" + tail + "(')");
        assertError("a:(b)", 2, "parentheses are not supported, at position 2" + tail + "(')");
        assertError("a:b)", 3, "parentheses are not supported, at position 3" + tail + ")')");
        assertError("a:b (c:d)", 4, "parentheses are not supported, at position 4" + tail + "(')");
        assertError("a:b(c", 3, "parentheses are not supported, at position 3" + tail + "(')");
    }

    @Test
    void fuzzyIsRejected() {
        assertError("a:b~2", 3, "fuzzy matching '~' is not supported, at position 3 (escape a literal tilde as '\\~')");
    }

    @Test
    void rangeWithoutAField() {
        assertError(">=5", 0, "a range needs a field, as in 'label.rank:>=5', at position 0");
        assertError("a:b <3", 4, "a range needs a field, as in 'label.rank:<=5', at position 4");
    }

    @Test
    void rangeBoundThatIsNotANumber() {
        assertError("a:>=abc", 4, "expected a number after '>=' at position 4, found 'abc'");
        assertError("a:>=\"x\"", 4, "expected a number after '>=' at position 4, found '\"x\"'");
        assertError("a:>=5*", 4, "expected a number after '>=' at position 4, found '5*'");
        assertError("a:<1e999", 3, "expected a number after '<' at position 3, found '1e999'");
    }

    @Test
    void rangeOperatorFollowedBySpace() {
        assertError("a:> 5", 3, "expected a number after '>' at position 3");
    }

    // --- regex ---

    @Test
    void unterminatedRegex() {
        assertError("a:/ab", 2, "unterminated regular expression starting at position 2");
        assertError("a:/ab\\/", 2, "unterminated regular expression starting at position 2");
        assertError("x /ab", 2, "unterminated regular expression starting at position 2");
    }

    @Test
    void invalidRegex() {
        QueryParseException e = error("a:/[a/");
        assertEquals(2, e.position());
        assertTrue(e.getMessage().startsWith("invalid regular expression starting at position 2: "), e.getMessage());
    }

    @Test
    void emptyRegex() {
        assertError("a://", 2, "empty regular expression at position 2");
    }

    // --- escapes ---

    @Test
    void danglingEscapeAtTheEnd() {
        assertError("a:b\\", 3, "dangling escape '\\' at the end of the query, position 3");
    }
}
