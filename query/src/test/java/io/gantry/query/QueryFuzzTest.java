package io.gantry.query;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The query language: {@link Query#parse} either compiles the text or throws
 * {@link QueryParseException} with a message and a position inside the text, never anything else;
 * a compiled query prints ({@link Query#toString()}) to text that parses to the same query; and
 * matching and scoring it over any document (a label of any JSON, as match listing indexes it)
 * return without throwing, a score of 0 exactly when it does not match.
 */
class QueryFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parseAndMatch(FuzzedDataProvider data) {
        String text = data.consumeString(300);
        String label = data.consumeRemainingAsString();
        Query query;
        try {
            query = Query.parse(text);
        } catch (QueryParseException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isEmpty());
            assertTrue(e.position() >= 0 && e.position() <= text.length(), e.position() + " in " + text.length());
            return;
        }
        String printed = query.toString();
        try {
            assertEquals(query, Query.parse(printed), "printed as " + printed);
        } catch (QueryParseException e) {
            throw new AssertionError("the parser refuses the printed query " + printed + ": " + e.getMessage(), e);
        }
        Document document = Document.fromJson("label", label);
        boolean matches = query.matches(document);
        double score = query.score(document);
        // Boosts are positive, so a match always scores above 0.
        assertEquals(matches, score != 0, "matches " + matches + " but scores " + score);
    }
}
