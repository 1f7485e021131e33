package io.gantry.query;

import static io.gantry.query.Q.only;
import static io.gantry.query.Q.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The AST the parser builds. */
class QueryParseTest {

    @Test
    void fieldTermIsShouldTermWithBoostOne() {
        assertEquals(new Clause(Occur.SHOULD, "label.mode", new Matcher.Term("ranked", null), 1.0),
                only("label.mode:ranked"));
    }

    @Test
    void plusPrefixIsMust() {
        assertEquals(Occur.MUST, only("+label.mode:ranked").occur());
    }

    @Test
    void minusPrefixIsMustNot() {
        assertEquals(Occur.MUST_NOT, only("-label.mode:casual").occur());
    }

    @Test
    void numericTermCarriesItsNumber() {
        assertEquals(new Matcher.Term("5", 5.0), only("label.level:5").matcher());
        assertEquals(new Matcher.Term("-2.5", -2.5), only("label.x:-2.5").matcher());
        assertEquals(new Matcher.Term("1e3", 1000.0), only("label.x:1e3").matcher());
    }

    @Test
    void nonNumericTermHasNoNumber() {
        assertNull(((Matcher.Term) only("label.x:5a").matcher()).number());
        assertNull(((Matcher.Term) only("label.x:NaN").matcher()).number());
        assertNull(((Matcher.Term) only("label.x:Infinity").matcher()).number());
        assertNull(((Matcher.Term) only("label.x:0x10").matcher()).number());
    }

    @Test
    void minusInsideValueIsPartOfTheValue() {
        Clause c = only("label.x:-5");
        assertEquals(Occur.SHOULD, c.occur());
        assertEquals(new Matcher.Term("-5", -5.0), c.matcher());
        assertEquals(new Matcher.Term("a-b+c", null), only("label.x:a-b+c").matcher());
    }

    @Test
    void dottedFieldPathIsKeptWhole() {
        assertEquals("label.a.b.c", only("label.a.b.c:x").field());
    }

    @Test
    void bareTermHasNoField() {
        Clause c = only("ranked");
        assertNull(c.field());
        assertEquals(new Matcher.Term("ranked", null), c.matcher());
    }

    @Test
    void quotedPhraseKeepsSpaces() {
        assertEquals(new Matcher.Phrase("Big Map"), only("label.map:\"Big Map\"").matcher());
    }

    @Test
    void quotedPhraseUnescapesQuotesAndBackslashes() {
        assertEquals(new Matcher.Phrase("say \"hi\" \\o/"),
                only("label.x:\"say \\\"hi\\\" \\\\o/\"").matcher());
    }

    @Test
    void barePhraseHasNoField() {
        Clause c = only("\"a b\"");
        assertNull(c.field());
        assertEquals(new Matcher.Phrase("a b"), c.matcher());
    }

    @Test
    void rangesWithAllFourOperators() {
        assertEquals(Matcher.Range.atLeast(5), only("label.x:>=5").matcher());
        assertEquals(Matcher.Range.greaterThan(5), only("label.x:>5").matcher());
        assertEquals(Matcher.Range.atMost(10), only("label.x:<=10").matcher());
        assertEquals(Matcher.Range.lessThan(10), only("label.x:<10").matcher());
    }

    @Test
    void rangeBoundMayBeQuotedNegativeOrDecimal() {
        assertEquals(Matcher.Range.atLeast(5), only("label.x:>=\"5\"").matcher());
        assertEquals(Matcher.Range.lessThan(-3.5), only("label.x:<\"-3.5\"").matcher());
        assertEquals(Matcher.Range.greaterThan(-1), only("label.x:>-1").matcher());
        assertEquals(Matcher.Range.atMost(0.25), only("label.x:<=.25").matcher());
    }

    @Test
    void wordWithStarOrQuestionMarkIsWildcard() {
        Matcher m = only("label.name:arena*").matcher();
        assertEquals(new Matcher.Wildcard("arena*"), m);
        assertEquals("arena", ((Matcher.Wildcard) m).literalPrefix());
        assertInstanceOf(Matcher.Wildcard.class, only("label.name:a?c").matcher());
    }

    @Test
    void escapedWildcardCharactersAreLiteralTerms() {
        assertEquals(new Matcher.Term("a*b?", null), only("label.x:a\\*b\\?").matcher());
    }

    @Test
    void escapedStarInsideWildcardStaysLiteral() {
        Matcher.Wildcard w = (Matcher.Wildcard) only("label.x:a\\*b*").matcher();
        assertEquals("a\\*b*", w.pattern());
        assertEquals("a*b", w.literalPrefix());
    }

    @Test
    void regexBetweenSlashes() {
        Matcher m = only("label.code:/[A-Z]{3}-[0-9]+/").matcher();
        assertInstanceOf(Matcher.Regex.class, m);
        assertEquals("[A-Z]{3}-[0-9]+", ((Matcher.Regex) m).pattern().pattern());
    }

    @Test
    void regexMayContainEscapedSlashAndSpaces() {
        Matcher.Regex r = (Matcher.Regex) only("label.path:/a\\/b c/").matcher();
        assertTrue(r.matches("a/b c"));
    }

    @Test
    void boostIsParsed() {
        assertEquals(3.0, only("label.mode:ranked^3").boost());
        assertEquals(0.5, only("label.mode:ranked^0.5").boost());
        assertEquals(2.0, only("\"a b\"^2").boost());
        assertEquals(4.0, only("label.x:>=5^4").boost());
        assertEquals(1.5, only("label.x:/a.*/^1.5").boost());
        assertEquals(2.0, only("+label.x:a*^2").boost());
    }

    @Test
    void starAloneIsMatchAllWithoutField() {
        Clause c = only("*");
        assertNull(c.field());
        assertEquals(Matcher.MatchAll.INSTANCE, c.matcher());
        assertTrue(q("*").isMatchAll());
        assertTrue(q("**").isMatchAll());
        assertTrue(q("+*").isMatchAll());
    }

    @Test
    void fieldStarIsMatchAllOnThatField() {
        Clause c = only("label.mode:*");
        assertEquals("label.mode", c.field());
        assertEquals(Matcher.MatchAll.INSTANCE, c.matcher());
        assertFalse(q("label.mode:*").isMatchAll());
    }

    @Test
    void emptyAndBlankQueriesAreMatchAll() {
        // U+00A0 and U+2003 separate clauses but are not isBlank whitespace (found by QueryFuzzTest)
        for (String text : new String[] {"", "   ", "\t\n", "\u00a0\u2003", null}) {
            Query query = q(text);
            assertTrue(query.isMatchAll(), String.valueOf(text));
            assertEquals(1, query.clauses().size());
            assertEquals(Matcher.MatchAll.INSTANCE, query.clauses().get(0).matcher());
        }
    }

    @Test
    void clausesKeepTheirOrderAndAnyWhitespaceSeparates() {
        Query query = q("  +a:1\t-b:2\n c:3  ");
        assertEquals(List.of("a", "b", "c"), query.clauses().stream().map(Clause::field).toList());
        assertEquals(List.of(Occur.MUST, Occur.MUST_NOT, Occur.SHOULD),
                query.clauses().stream().map(Clause::occur).toList());
    }

    @Test
    void escapesInFieldsAndValues() {
        Clause c = only("label.my\\ key:a\\:b\\ c\\+\\-\\(\\)\\~\\^\\\"\\\\");
        assertEquals("label.my key", c.field());
        assertEquals(new Matcher.Term("a:b c+-()~^\"\\", null), c.matcher());
    }

    @Test
    void escapedLeadingPlusIsABareTermNotAPrefix() {
        Clause c = only("\\+1");
        assertEquals(Occur.SHOULD, c.occur());
        assertEquals("+1", ((Matcher.Term) c.matcher()).value());
    }

    @Test
    void textKeepsTheOriginalQuery() {
        assertEquals(" +a:1  b:2 ", q(" +a:1  b:2 ").text());
    }

    @Test
    void toStringIsCanonicalAndParsesBackToEqualClauses() {
        String[] queries = {
            "+label.skill:>=50 +label.mode:ranked",
            "-label.mode:casual label.tags:pvp^2",
            "label.map:\"Big \\\"M\\\" \\\\ Map\"^1.5",
            "label.name:arena* label.x:a?c label.y:a\\*b* label.z:\\?",
            "label.code:/a\\/b.*\\d/ +label.x:<\"3\" label.y:>-1.5",
            "label.my\\ key:a\\:b\\ c\\(\\) \\+1 \\-x \\/x \\>3 *",
            "label.x:* label.e:\"\" label.t:true",
            "properties.rank:<=10^0.25",
        };
        for (String text : queries) {
            Query query = q(text);
            Query again = q(query.toString());
            assertEquals(query, again, text + " -> " + query);
            assertEquals(query.toString(), again.toString());
        }
    }

    @Test
    void canonicalFormOfNumbers() {
        assertEquals("label.x:>=5", q("label.x:>=5.0").toString());
        assertEquals("label.x:<2.5", q("label.x:<\"2.5\"").toString());
        assertEquals("a:b^2", q("a:b^2.0").toString());
    }

    @Test
    void queryOfClausesBuildsTheSameQueryAsParsing() {
        Query built = Query.of(List.of(
                Clause.of(Occur.MUST, "label.skill", Matcher.Range.atLeast(50)),
                new Clause(Occur.SHOULD, "label.mode", Matcher.Term.of("ranked"), 2)));
        assertEquals("+label.skill:>=50 label.mode:ranked^2", built.text());
        assertEquals(q("+label.skill:>=50 label.mode:ranked^2"), built);
    }

    @Test
    void queryOfNoClausesMatchesEverything() {
        Query none = Query.of(List.of());
        assertTrue(none.isMatchAll());
        assertTrue(none.matches(Document.empty()));
        assertEquals(1.0, none.score(Document.empty()));
    }

    @Test
    void mustNotOnlyQueryIsNotMatchAll() {
        assertFalse(q("-a:b").isMatchAll());
        assertTrue(q("a:b *").isMatchAll());
        assertFalse(q("+a:b *").isMatchAll());
    }

    @Test
    void negativeZeroBoundIsZero() {
        // found by QueryFuzzTest: ">=-0" printed as ">=0" and parsed back unequal
        assertEquals(q("label.n:>=0"), q("label.n:>=-0"));
        assertEquals(q("label.n:<-0"), q("label.n:<0"));
    }
}
