package io.gantry.server.match;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v2/match}: the filters Nakama's clients use, over a few authoritative matches with
 * JSON labels and a relayed one. Every label carries this run's id, so the queries see only
 * this test's matches.
 */
@SocketScenario
class MatchListingTest {

    static TestServer server;
    static TestUser user;
    static final String RUN = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static String ranked55;
    static String casual20;
    static String ranked80;
    static String relayed;
    static final List<Player> players = new ArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config.with(ConfigKeys.MATCH_LABEL_UPDATE_INTERVAL_MS, 50L),
                runtime -> runtime.match("arena", ArenaMatch::new));
        user = server.newUser();
        ranked55 = create("{\"run\":\"" + RUN + "\",\"mode\":\"ranked\",\"skill\":55,\"tags\":[\"eu\",\"pvp\"],\"map\":\"Big Map\"}");
        casual20 = create("{\"run\":\"" + RUN + "\",\"mode\":\"casual\",\"skill\":20,\"tags\":[\"us\"]}");
        ranked80 = create("{\"run\":\"" + RUN + "\",\"mode\":\"ranked\",\"skill\":80,\"tags\":[\"eu\"]}");
        // sizes: ranked55 has 2 players, ranked80 1, casual20 none; the relayed match 2
        join(ranked55);
        join(ranked55);
        join(ranked80);
        Player host = Player.connect(server);
        players.add(host);
        relayed = host.createMatch(null).getMatch().getMatchId();
        join(relayed);
        AuthoritativeMatchTest.eventually("every size is listed", () ->
                sizeOf(ranked55) == 2 && sizeOf(ranked80) == 1 && sizeOf(casual20) == 0 && sizeOf(relayed) == 2);
    }

    @AfterAll
    static void stop() {
        players.forEach(Player::close);
        server.close();
    }

    static String create(String label) {
        return server.server().matches().create("arena", Map.of("label", label));
    }

    static void join(String matchId) {
        Player player = Player.connect(server);
        players.add(player);
        player.joinOk(matchId);
    }

    static int sizeOf(String matchId) {
        for (JsonElement match : list("limit=100")) {
            if (match.getAsJsonObject().get("match_id").getAsString().equals(matchId)) {
                return match.getAsJsonObject().has("size") ? match.getAsJsonObject().get("size").getAsInt() : 0;
            }
        }
        return -1;
    }

    static HttpResponse<String> get(String query) {
        return server.getWithToken("/v2/match?" + query, user.token());
    }

    static JsonArray list(String query) {
        HttpResponse<String> response = get(query);
        assertEquals(200, response.statusCode(), response::body);
        JsonElement matches = JsonParser.parseString(response.body()).getAsJsonObject().get("matches");
        return matches == null ? new JsonArray() : matches.getAsJsonArray();
    }

    static List<String> ids(String query) {
        List<String> ids = new ArrayList<>();
        for (JsonElement match : list(query)) {
            ids.add(match.getAsJsonObject().get("match_id").getAsString());
        }
        return ids;
    }

    static String q(String query) {
        return "limit=100&query=" + URLEncoder.encode("+label.run:" + RUN + " " + query, StandardCharsets.UTF_8);
    }

    static JsonObject badRequest(String query) {
        HttpResponse<String> response = get(query);
        assertEquals(400, response.statusCode(), response::body);
        JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject();
        assertEquals(3, error.get("code").getAsInt(), response::body);
        return error;
    }

    @Test
    void theDefaultLimitIsOneAndMatchesCarryNakamasFields() {
        assertEquals(1, list("").size());
        JsonObject match = null;
        for (JsonElement element : list("limit=100&authoritative=true")) {
            if (element.getAsJsonObject().get("match_id").getAsString().equals(ranked55)) {
                match = element.getAsJsonObject();
            }
        }
        assertTrue(match != null, "listed");
        assertTrue(match.get("authoritative").getAsBoolean());
        assertTrue(match.get("label").getAsString().contains("\"skill\":55"));
        assertEquals(2, match.get("size").getAsInt());
        assertEquals(10, match.get("tick_rate").getAsInt());
        assertEquals("arena", match.get("handler_name").getAsString());
    }

    @Test
    void authoritativeSelectsTheKind() {
        List<String> authoritative = ids("limit=100&authoritative=true");
        assertTrue(authoritative.containsAll(List.of(ranked55, casual20, ranked80)));
        assertFalse(authoritative.contains(relayed));
        List<String> relayedOnly = ids("limit=100&authoritative=false");
        assertTrue(relayedOnly.contains(relayed));
        assertFalse(relayedOnly.contains(ranked55));
    }

    @Test
    void labelIsAnExactMatch() {
        String label = list("limit=100&authoritative=true").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(m -> m.get("match_id").getAsString().equals(casual20))
                .findFirst().orElseThrow().get("label").getAsString();
        assertEquals(List.of(casual20), ids("limit=100&label=" + URLEncoder.encode(label, StandardCharsets.UTF_8)));
        assertEquals(List.of(), ids("limit=100&label=" + URLEncoder.encode(label + " ", StandardCharsets.UTF_8)));
    }

    @Test
    void sizesBoundTheList() {
        List<String> twoOrMore = ids("limit=100&min_size=2&query=" + URLEncoder.encode("+label.run:" + RUN, StandardCharsets.UTF_8));
        assertEquals(List.of(ranked55), twoOrMore);
        List<String> atMostOne = ids(q("") + "&max_size=1");
        assertTrue(atMostOne.containsAll(List.of(casual20, ranked80)) && atMostOne.size() == 2, atMostOne::toString);
        assertEquals(List.of(ranked80), ids(q("") + "&min_size=1&max_size=1"));
    }

    @Test
    void queriesFilterOnTheLabelsFields() {
        assertEquals(List.of(casual20), ids(q("+label.mode:casual")));
        assertEquals(List.of(casual20), ids(q("-label.mode:ranked")));
        assertEquals(2, ids(q("+label.mode:ranked")).size());
        assertEquals(2, ids(q("+label.skill:>=50")).size());
        assertEquals(List.of(ranked55), ids(q("+label.skill:>=50 +label.skill:<60")));
        assertEquals(List.of(ranked55), ids(q("+label.tags:pvp")), "an array matches on any member");
        assertEquals(2, ids(q("+label.tags:eu")).size());
        assertEquals(List.of(ranked55), ids(q("+label.map:\"Big Map\"")));
        assertEquals(List.of(ranked80, ranked55), ids(q("+label.mode:ranked label.skill:80^5")), "boosted first");
        assertEquals(List.of(ranked55, ranked80), ids(q("+label.mode:ranked label.tags:pvp^2")), "boosted first");
        assertEquals(List.of(), ids(q("+label.mode:rank")), "terms are exact");
        assertEquals(2, ids(q("+label.mode:rank*")).size(), "wildcards");
        assertFalse(ids("limit=100&query=" + URLEncoder.encode("*", StandardCharsets.UTF_8)).contains(relayed),
                "a query lists authoritative matches only");
        assertFalse(ids("limit=100&query=").contains(relayed), "an empty query lists authoritative matches only");
        assertTrue(ids("limit=100&query=").containsAll(List.of(casual20, ranked55, ranked80)), "an empty query matches all");
    }

    @Test
    void aQueryIgnoresTheLabelParameterAsNakamaDoes() {
        // nakama-js listMatches(session, limit, true, "", min, max, query) sends label= alongside the query
        assertEquals(List.of(casual20), ids(q("+label.mode:casual") + "&label="));
        assertEquals(List.of(casual20), ids(q("+label.mode:casual") + "&label=nothing-has-this-label"));
        assertEquals(List.of(casual20), ids(q("+label.mode:casual") + "&authoritative=true&label=&min_size=0&max_size=10"));
    }

    @Test
    void badParametersAreRefusedWithNakamasMessages() {
        assertEquals("Invalid limit - limit must be between 1 and 100.", badRequest("limit=0").get("message").getAsString());
        assertEquals("Invalid limit - limit must be between 1 and 100.", badRequest("limit=101").get("message").getAsString());
        assertEquals("Invalid limit - limit must be between 1 and 100.", badRequest("limit=ten").get("message").getAsString());
        assertEquals("Minimum size must be 0 or above.", badRequest("min_size=-1").get("message").getAsString());
        assertEquals("Maximum size must be greater than or equal to minimum size when both are specified.",
                badRequest("min_size=3&max_size=2").get("message").getAsString());
        assertEquals("Label filtering is not supported for non-authoritative matches.",
                badRequest("authoritative=false&label=x").get("message").getAsString());
        badRequest("authoritative=maybe");
    }

    @Test
    void aBadQuerySaysWhereItIsWrong() {
        JsonObject error = badRequest("query=" + URLEncoder.encode("+label.skill:>=", StandardCharsets.UTF_8));
        assertEquals("Invalid query: unexpected end of query after '+label.skill:>=' at position 15",
                error.get("message").getAsString());
        assertTrue(badRequest("query=" + URLEncoder.encode("+label.name:\"open", StandardCharsets.UTF_8))
                .get("message").getAsString().contains("position"));
    }

    @Test
    void listingNeedsASession() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/v2/match")).GET());
        assertEquals(401, response.statusCode(), response::body);
    }
}
