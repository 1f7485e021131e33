package io.gantry.query;

import static io.gantry.query.Q.label;
import static io.gantry.query.Q.props;
import static io.gantry.query.Q.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Queries as Nakama's documentation and users write them. */
class NakamaExamplesTest {

    @Test
    void matchListingBySkillAndMode() {
        Query query = q("+label.skill:>=50 +label.mode:ranked");
        assertTrue(query.matches(label("{\"skill\":50,\"mode\":\"ranked\"}")));
        assertTrue(query.matches(label("{\"skill\":99.5,\"mode\":\"ranked\",\"other\":1}")));
        assertFalse(query.matches(label("{\"skill\":49,\"mode\":\"ranked\"}")));
        assertFalse(query.matches(label("{\"skill\":60,\"mode\":\"casual\"}")));
        assertFalse(query.matches(label("{\"skill\":\"60\",\"mode\":\"ranked\"}")));
        assertFalse(query.matches(label("not json")));
    }

    @Test
    void matchmakerRegionAndRankBand() {
        Query query = q("+properties.region:eu +properties.rank:>=5 +properties.rank:<=10");
        assertTrue(query.matches(props(Map.of("region", "eu"), Map.of("rank", 5.0))));
        assertTrue(query.matches(props(Map.of("region", "eu"), Map.of("rank", 10.0))));
        assertFalse(query.matches(props(Map.of("region", "eu"), Map.of("rank", 11.0))));
        assertFalse(query.matches(props(Map.of("region", "eu"), Map.of("rank", 4.0))));
        assertFalse(query.matches(props(Map.of("region", "us"), Map.of("rank", 7.0))));
        assertFalse(query.matches(props(Map.of("region", "eu"), Map.of())));
    }

    @Test
    void excludeCasualMatches() {
        Query query = q("-label.mode:casual");
        assertTrue(query.matches(label("{\"mode\":\"ranked\"}")));
        assertTrue(query.matches(label("{}")));
        assertFalse(query.matches(label("{\"mode\":\"casual\"}")));
    }

    @Test
    void matchmakerWildcardTicketMatchesAnyone() {
        assertTrue(q("*").matches(props(Map.of("region", "eu"), Map.of())));
        assertTrue(q("*").matches(props(Map.of(), Map.of())));
    }

    @Test
    void fourRegionShouldQuery() {
        Query query = q("properties.region:eu properties.region:us properties.region:asia properties.region:sa");
        for (String region : List.of("eu", "us", "asia", "sa")) {
            assertTrue(query.matches(props(Map.of("region", region), Map.of())), region);
        }
        assertFalse(query.matches(props(Map.of("region", "af"), Map.of())));
    }

    @Test
    void regionWithRankRangeAndPreferredMode() {
        Query query = q("+properties.region:eu +properties.rank:>=3 properties.mode:ranked^2");
        Document ranked = props(Map.of("region", "eu", "mode", "ranked"), Map.of("rank", 4.0));
        Document casual = props(Map.of("region", "eu", "mode", "casual"), Map.of("rank", 4.0));
        assertEquals(4.0, query.score(ranked));
        assertEquals(2.0, query.score(casual));
    }

    @Test
    void labelTagsArrayAndBoostedOrder() {
        Query query = q("+label.tags:pvp label.region:eu^2 -label.full:T");
        Document euOpen = label("{\"tags\":[\"pvp\",\"ranked\"],\"region\":\"eu\",\"full\":false}");
        Document usOpen = label("{\"tags\":[\"pvp\"],\"region\":\"us\",\"full\":false}");
        Document euFull = label("{\"tags\":[\"pvp\"],\"region\":\"eu\",\"full\":true}");
        assertEquals(3.0, query.score(euOpen));
        assertEquals(1.0, query.score(usOpen));
        assertEquals(0.0, query.score(euFull));
    }

    @Test
    void wildcardArenaNames() {
        Query query = q("+label.name:arena-?? -label.name:arena-0*");
        assertTrue(query.matches(label("{\"name\":\"arena-42\"}")));
        assertFalse(query.matches(label("{\"name\":\"arena-07\"}")));
        assertFalse(query.matches(label("{\"name\":\"arena-123\"}")));
    }
}
