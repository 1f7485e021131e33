package io.gantry.query;

import static io.gantry.query.Q.label;
import static io.gantry.query.Q.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scores and the ordering boosts give. */
class QueryScoreTest {

    private static final Document EU = label("{\"region\":\"eu\",\"mode\":\"ranked\",\"skill\":50}");
    private static final Document US = label("{\"region\":\"us\",\"mode\":\"ranked\",\"skill\":70}");
    private static final Document ASIA = label("{\"region\":\"asia\",\"mode\":\"casual\",\"skill\":30}");

    @Test
    void nonMatchingDocumentScoresZero() {
        assertEquals(0.0, q("+label.region:eu").score(US));
        assertEquals(0.0, q("label.region:eu label.region:us").score(ASIA));
        assertEquals(0.0, q("label.region:eu -label.mode:ranked").score(EU));
    }

    @Test
    void eachMatchingClauseAddsOneByDefault() {
        assertEquals(1.0, q("label.region:eu").score(EU));
        assertEquals(2.0, q("label.region:eu label.mode:ranked").score(EU));
        assertEquals(2.0, q("+label.region:eu +label.mode:ranked").score(EU));
        assertEquals(3.0, q("+label.region:eu label.mode:ranked label.skill:>=10").score(EU));
    }

    @Test
    void boostMultipliesTheClauseContribution() {
        assertEquals(3.0, q("label.region:eu^3").score(EU));
        assertEquals(4.5, q("+label.region:eu^1.5 label.mode:ranked^3").score(EU));
        assertEquals(0.25, q("label.region:eu^0.25").score(EU));
    }

    @Test
    void unmatchedShouldClausesAddNothingWhenMustMatches() {
        assertEquals(1.0, q("+label.mode:ranked label.region:asia^10").score(EU));
    }

    @Test
    void mustNotClausesAddNothing() {
        assertEquals(1.0, q("label.region:eu -label.region:us^5").score(EU));
    }

    @Test
    void queriesWithoutPositiveClausesScoreOneWhenMatching() {
        assertEquals(1.0, q("").score(EU));
        assertEquals(1.0, q("*").score(Document.empty()));
        assertEquals(1.0, q("-label.region:us").score(EU));
        assertEquals(0.0, q("-label.region:eu").score(EU));
    }

    @Test
    void scoreIsPositiveExactlyWhenTheDocumentMatches() {
        String[] queries = {"+label.region:eu", "label.region:eu label.region:us", "-label.mode:casual",
            "+label.skill:>40 label.region:us^2", "*", "ranked -eu", "label.x:*"};
        for (String text : queries) {
            Query query = q(text);
            for (Document d : List.of(EU, US, ASIA, Document.empty())) {
                assertEquals(query.matches(d), query.score(d) > 0, text + " on " + d);
            }
        }
    }

    @Test
    void boostsOrderCandidates() {
        Query query = q("label.region:eu^3 label.region:us^2 label.region:asia");
        List<Document> ordered = List.of(ASIA, US, EU).stream()
                .sorted(Comparator.comparingDouble(query::score).reversed())
                .toList();
        assertEquals(List.of(EU, US, ASIA), ordered);
    }

    @Test
    void boostsOrderMatchmakerCandidatesAfterHardRequirements() {
        Query query = q("+properties.mode:ranked properties.region:eu^5 properties.rank:>=8^2");
        Document euLow = Q.props(Map.of("mode", "ranked", "region", "eu"), Map.of("rank", 3.0));
        Document usHigh = Q.props(Map.of("mode", "ranked", "region", "us"), Map.of("rank", 9.0));
        Document euHigh = Q.props(Map.of("mode", "ranked", "region", "eu"), Map.of("rank", 9.0));
        Document casual = Q.props(Map.of("mode", "casual", "region", "eu"), Map.of("rank", 9.0));
        assertEquals(8.0, query.score(euHigh));
        assertEquals(6.0, query.score(euLow));
        assertEquals(3.0, query.score(usHigh));
        assertEquals(0.0, query.score(casual));
        assertTrue(query.score(euLow) > query.score(usHigh));
    }

    @Test
    void arrayFieldCountsOncePerClause() {
        Document d = label("{\"tags\":[\"pvp\",\"pvp\",\"eu\"]}");
        assertEquals(1.0, q("label.tags:pvp").score(d));
    }
}
