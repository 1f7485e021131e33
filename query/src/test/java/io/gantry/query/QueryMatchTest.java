package io.gantry.query;

import static io.gantry.query.Q.label;
import static io.gantry.query.Q.matches;
import static io.gantry.query.Q.q;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which documents a query matches. */
class QueryMatchTest {

    private static final String RANKED = "{\"mode\":\"ranked\",\"skill\":55,\"region\":\"eu\"}";

    // --- MUST / MUST NOT / SHOULD ---

    @Test
    void mustClauseMustMatch() {
        assertTrue(matches("+label.mode:ranked", RANKED));
        assertFalse(matches("+label.mode:casual", RANKED));
    }

    @Test
    void allMustClausesMustMatch() {
        assertTrue(matches("+label.mode:ranked +label.region:eu", RANKED));
        assertFalse(matches("+label.mode:ranked +label.region:us", RANKED));
    }

    @Test
    void mustNotClauseExcludes() {
        assertFalse(matches("+label.mode:ranked -label.region:eu", RANKED));
        assertTrue(matches("+label.mode:ranked -label.region:us", RANKED));
    }

    @Test
    void mustNotOnlyQueryMatchesEverythingNotExcluded() {
        assertTrue(matches("-label.mode:casual", RANKED));
        assertFalse(matches("-label.mode:ranked", RANKED));
        assertTrue(q("-label.mode:casual").matches(Document.empty()));
    }

    @Test
    void withoutMustAtLeastOneShouldMustMatch() {
        assertTrue(matches("label.mode:casual label.region:eu", RANKED));
        assertFalse(matches("label.mode:casual label.region:us", RANKED));
    }

    @Test
    void withMustShouldClausesAreOptional() {
        assertTrue(matches("+label.mode:ranked label.region:us", RANKED));
        assertFalse(matches("+label.mode:casual label.region:eu", RANKED));
    }

    @Test
    void shouldAndMustNotWithoutMust() {
        assertTrue(matches("label.region:eu -label.mode:casual", RANKED));
        assertFalse(matches("label.region:eu -label.mode:ranked", RANKED));
        assertFalse(matches("label.region:us -label.mode:casual", RANKED));
    }

    @Test
    void missingFieldDoesNotMatch() {
        assertFalse(matches("+label.nope:ranked", RANKED));
        assertTrue(matches("-label.nope:ranked", RANKED));
    }

    // --- terms, strings and numbers ---

    @Test
    void termIsExactAndCaseSensitive() {
        assertTrue(matches("label.mode:ranked", RANKED));
        assertFalse(matches("label.mode:Ranked", RANKED));
        assertFalse(matches("label.mode:rank", RANKED));
        assertFalse(matches("label.mode:ranked2", RANKED));
    }

    @Test
    void numericTermMatchesNumbersNumerically() {
        assertTrue(matches("label.level:5", "{\"level\":5}"));
        assertTrue(matches("label.level:5", "{\"level\":5.0}"));
        assertTrue(matches("label.level:5.0", "{\"level\":5}"));
        assertTrue(matches("label.level:5e0", "{\"level\":5}"));
        assertFalse(matches("label.level:6", "{\"level\":5}"));
        assertTrue(matches("label.level:-1.5", "{\"level\":-1.5}"));
    }

    @Test
    void numericTermAlsoMatchesTheSameStringExactly() {
        assertTrue(matches("label.level:5", "{\"level\":\"5\"}"));
        assertFalse(matches("label.level:5", "{\"level\":\"5.0\"}"));
    }

    @Test
    void stringTermNeverMatchesANumber() {
        assertFalse(matches("label.level:five", "{\"level\":5}"));
    }

    /** As Nakama indexes a label's JSON booleans (match_common.go): the keywords T and F, checked against the reference. */
    @Test
    void booleansAreTheKeywordsTAndF() {
        assertTrue(matches("label.open:T", "{\"open\":true}"));
        assertFalse(matches("label.open:F", "{\"open\":true}"));
        assertTrue(matches("label.open:F", "{\"open\":false}"));
        assertFalse(matches("label.open:true", "{\"open\":true}"), "the reference finds nothing for true");
        assertFalse(matches("label.open:t", "{\"open\":true}"));
        assertFalse(matches("label.open:1", "{\"open\":true}"));
        assertTrue(matches("label.open:\"T\"", "{\"open\":true}"));
        assertTrue(matches("label.open:T*", "{\"open\":true}"));
        assertTrue(matches("-label.open:F", "{\"open\":true}"));
    }

    @Test
    void stringTrueMatchesTermTrue() {
        assertTrue(matches("label.open:true", "{\"open\":\"true\"}"));
    }

    // --- arrays and nested objects ---

    @Test
    void arrayFieldMatchesWhenAnyElementMatches() {
        String json = "{\"tags\":[\"pvp\",\"eu\"]}";
        assertTrue(matches("label.tags:pvp", json));
        assertTrue(matches("label.tags:eu", json));
        assertFalse(matches("label.tags:pve", json));
        assertTrue(matches("+label.tags:pvp +label.tags:eu", json));
        assertFalse(matches("+label.tags:pvp -label.tags:eu", json));
    }

    @Test
    void numericArrayMatchesRangesAndTerms() {
        String json = "{\"scores\":[1,20,300]}";
        assertTrue(matches("label.scores:20", json));
        assertTrue(matches("label.scores:>250", json));
        assertFalse(matches("label.scores:>300", json));
    }

    @Test
    void nestedObjectsFlattenToDottedPaths() {
        String json = "{\"a\":{\"b\":{\"c\":\"deep\"},\"n\":3}}";
        assertTrue(matches("label.a.b.c:deep", json));
        assertTrue(matches("label.a.n:>=3", json));
        assertFalse(matches("label.a:deep", json));
        assertFalse(matches("label.b.c:deep", json));
    }

    @Test
    void arrayOfObjectsFlattensEachElement() {
        String json = "{\"players\":[{\"name\":\"ann\",\"lvl\":3},{\"name\":\"bob\",\"lvl\":9}]}";
        assertTrue(matches("+label.players.name:bob", json));
        assertTrue(matches("+label.players.lvl:>8", json));
    }

    // --- phrases ---

    @Test
    void quotedPhraseMatchesWholeStringWithSpaces() {
        String json = "{\"map\":\"Big Map\"}";
        assertTrue(matches("label.map:\"Big Map\"", json));
        assertFalse(matches("label.map:\"Big\"", json));
        assertFalse(matches("label.map:\"big map\"", json));
    }

    @Test
    void quotedPhraseWithEscapedQuotes() {
        assertTrue(matches("label.t:\"say \\\"hi\\\"\"", "{\"t\":\"say \\\"hi\\\"\"}"));
    }

    @Test
    void quotedPhraseDoesNotMatchNumbers() {
        assertFalse(matches("label.level:\"5\"", "{\"level\":5}"));
        assertTrue(matches("label.level:\"5\"", "{\"level\":\"5\"}"));
    }

    @Test
    void quotedSpecialCharactersNeedNoEscaping() {
        assertTrue(matches("label.x:\"a:b (c) ^d ~e *\"", "{\"x\":\"a:b (c) ^d ~e *\"}"));
        assertFalse(matches("label.x:\"a*\"", "{\"x\":\"abc\"}"));
    }

    @Test
    void emptyQuotedPhraseMatchesEmptyString() {
        assertTrue(matches("label.x:\"\"", "{\"x\":\"\"}"));
        assertFalse(matches("label.x:\"\"", "{\"x\":\"a\"}"));
    }

    // --- ranges ---

    @Test
    void greaterOrEqual() {
        assertTrue(matches("label.skill:>=55", RANKED));
        assertTrue(matches("label.skill:>=54.9", RANKED));
        assertFalse(matches("label.skill:>=55.1", RANKED));
    }

    @Test
    void greaterThan() {
        assertTrue(matches("label.skill:>54", RANKED));
        assertFalse(matches("label.skill:>55", RANKED));
    }

    @Test
    void lessOrEqual() {
        assertTrue(matches("label.skill:<=55", RANKED));
        assertFalse(matches("label.skill:<=54", RANKED));
    }

    @Test
    void lessThan() {
        assertTrue(matches("label.skill:<56", RANKED));
        assertFalse(matches("label.skill:<55", RANKED));
    }

    @Test
    void quotedRangeBoundsWork() {
        assertTrue(matches("label.skill:>=\"55\"", RANKED));
        assertFalse(matches("label.skill:>\"55\"", RANKED));
        assertTrue(matches("label.skill:<=\"55\"", RANKED));
        assertFalse(matches("label.skill:<\"55\"", RANKED));
    }

    @Test
    void negativeRangeBounds() {
        assertTrue(matches("label.t:>-10", "{\"t\":-5}"));
        assertFalse(matches("label.t:<-10", "{\"t\":-5}"));
    }

    @Test
    void rangesNeverMatchStrings() {
        assertFalse(matches("label.skill:>=1", "{\"skill\":\"55\"}"));
        assertFalse(matches("label.open:>=0", "{\"open\":true}"));
    }

    @Test
    void twoRangesMakeABand() {
        String q = "+label.skill:>=50 +label.skill:<60";
        assertTrue(matches(q, RANKED));
        assertFalse(matches(q, "{\"skill\":60}"));
        assertFalse(matches(q, "{\"skill\":49}"));
    }

    // --- wildcards and regex ---

    @Test
    void starMatchesAnyRun() {
        assertTrue(matches("label.name:arena*", "{\"name\":\"arena\"}"));
        assertTrue(matches("label.name:arena*", "{\"name\":\"arena-42\"}"));
        assertFalse(matches("label.name:arena*", "{\"name\":\"the arena\"}"));
        assertTrue(matches("label.name:*arena*", "{\"name\":\"the arena 1\"}"));
        assertTrue(matches("label.name:a*b*c", "{\"name\":\"aXXbYYbZc\"}"));
        assertFalse(matches("label.name:a*b*c", "{\"name\":\"aXXbYYbZcd\"}"));
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        assertTrue(matches("label.name:a?c", "{\"name\":\"abc\"}"));
        assertFalse(matches("label.name:a?c", "{\"name\":\"ac\"}"));
        assertFalse(matches("label.name:a?c", "{\"name\":\"abbc\"}"));
        assertTrue(matches("label.name:??", "{\"name\":\"ab\"}"));
    }

    @Test
    void wildcardIsCaseSensitiveAndSkipsNumbers() {
        assertFalse(matches("label.name:Arena*", "{\"name\":\"arena\"}"));
        assertFalse(matches("label.n:5*", "{\"n\":55}"));
    }

    @Test
    void escapedWildcardIsLiteral() {
        assertTrue(matches("label.x:a\\*", "{\"x\":\"a*\"}"));
        assertFalse(matches("label.x:a\\*", "{\"x\":\"ab\"}"));
        assertTrue(matches("label.x:a\\**", "{\"x\":\"a*zz\"}"));
        assertFalse(matches("label.x:a\\**", "{\"x\":\"azz\"}"));
    }

    @Test
    void wildcardMatchesAnyArrayElement() {
        assertTrue(matches("label.tags:p?p", "{\"tags\":[\"eu\",\"pvp\"]}"));
    }

    @Test
    void regexMustMatchTheWholeValue() {
        assertTrue(matches("label.code:/[A-Z]{3}-[0-9]+/", "{\"code\":\"ABC-123\"}"));
        assertFalse(matches("label.code:/[A-Z]{3}-[0-9]+/", "{\"code\":\"xABC-123\"}"));
        assertFalse(matches("label.code:/B/", "{\"code\":\"ABC\"}"));
        assertTrue(matches("label.code:/.*B.*/", "{\"code\":\"ABC\"}"));
    }

    @Test
    void regexDoesNotMatchNumbers() {
        assertFalse(matches("label.n:/5.*/", "{\"n\":55}"));
    }

    @Test
    void catastrophicRegexGivesUpAsNoMatchInsteadOfHanging() throws Exception {
        String json = "{\"x\":\"" + "a".repeat(40) + "c\"}";
        long start = System.nanoTime();
        assertFalse(matches("label.x:/(a+)+b/", json));
        assertFalse(matches("label.x:/(a|aa)+b/", json));
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        assertTrue(matches("label.x:/(a+)+c/", json));
    }

    @Test
    void regexWithEscapedSlash() {
        assertTrue(matches("label.p:/a\\/b/", "{\"p\":\"a/b\"}"));
    }

    // --- match all and bare values ---

    @Test
    void starMatchesEverythingEvenTheEmptyDocument() {
        assertTrue(q("*").matches(Document.empty()));
        assertTrue(q("*").matches(label(RANKED)));
        assertTrue(q("+*").matches(Document.empty()));
        assertFalse(q("-*").matches(label(RANKED)));
    }

    @Test
    void emptyQueryMatchesEverything() {
        assertTrue(q("").matches(Document.empty()));
        assertTrue(q("  ").matches(label(RANKED)));
    }

    @Test
    void fieldStarMatchesWhenTheFieldHasAnyValue() {
        assertTrue(matches("+label.skill:*", RANKED));
        assertTrue(matches("+label.mode:*", RANKED));
        assertFalse(matches("+label.nope:*", RANKED));
        assertFalse(matches("+label.tags:*", "{\"tags\":[]}"));
        assertFalse(matches("+label.x:*", "{\"x\":null}"));
    }

    @Test
    void bareTermMatchesAnyField() {
        assertTrue(matches("ranked", RANKED));
        assertTrue(matches("eu", RANKED));
        assertFalse(matches("casual", RANKED));
        assertTrue(matches("55", RANKED));
        assertTrue(matches("+ranked +eu", RANKED));
        assertFalse(matches("ranked -eu", RANKED));
    }

    @Test
    void bareWildcardPhraseAndRegexMatchAnyField() {
        assertTrue(matches("rank*", RANKED));
        assertTrue(matches("\"ranked\"", RANKED));
        assertTrue(matches("/r.*d/", RANKED));
        assertFalse(matches("/x.*/", RANKED));
    }

    @Test
    void bareTermDoesNotMatchTheFieldName() {
        assertFalse(matches("mode", RANKED));
    }

    // --- plain labels ---

    @Test
    void nonJsonLabelIsMatchedAsTheLabelField() {
        Document d = label("just a label");
        assertTrue(q("label:\"just a label\"").matches(d));
        assertTrue(q("label:just*").matches(d));
        assertFalse(q("label.just:a").matches(d));
    }

    @Test
    void escapedSpaceAndColonMatchLiterally() {
        assertTrue(matches("label.x:a\\ b\\:c", "{\"x\":\"a b:c\"}"));
        assertTrue(matches("label.my\\ key:v", "{\"my key\":\"v\"}"));
    }

    // --- matchmaker properties ---

    @Test
    void propertiesDocumentsWork() {
        Document d = Q.props(java.util.Map.of("region", "eu", "mode", "ranked"), java.util.Map.of("rank", 7.0));
        assertTrue(q("+properties.region:eu +properties.rank:>=5").matches(d));
        assertFalse(q("+properties.region:us").matches(d));
        assertTrue(q("properties.rank:7").matches(d));
    }

    @Test
    void clauseMatchesIgnoresOccur() {
        Clause c = Q.only("-label.mode:ranked");
        assertTrue(c.matches(label(RANKED)));
    }
}
