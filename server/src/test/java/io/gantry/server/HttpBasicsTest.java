package io.gantry.server;

import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.idBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health check, unknown routes and CORS (so nakama-js works from a browser page). */
class HttpBasicsTest {

    private static final String ORIGIN = "http://game.example.com";

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Set<String> csv(HttpResponse<String> response, String header) {
        return response.headers().allValues(header).stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(value -> value.trim().toLowerCase(Locale.ROOT))
                .filter(value -> !value.isEmpty())
                .collect(Collectors.toSet());
    }

    @Test
    void healthcheckAnswersWithoutCredentials() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/healthcheck")).GET());
        assertOk(response);
        assertEquals("{}", response.body());
    }

    @Test
    void answersCarryAnRfc1123DateAndAreNotCached() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/healthcheck")).GET());
        String date = response.headers().firstValue("Date").orElseThrow();
        // parses as an HTTP date (no quotes around it), and is today's
        java.time.ZonedDateTime parsed = java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        assertEquals("GMT", date.substring(date.length() - 3));
        assertTrue(Math.abs(java.time.Duration.between(parsed.toInstant(), java.time.Instant.now()).toHours()) < 24, date);
        assertEquals("no-store, no-cache, must-revalidate", response.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void unknownPathIsNotFoundJson() {
        assertError(server.send(HttpRequest.newBuilder(server.uri("/v2/no/such/thing")).GET()), 404, 5, null);
        assertError(server.postWithServerKey("/v2/account/authenticate/nosuchprovider", "{}"), 404, 5, null);
    }

    @Test
    void wrongMethodIsAnError() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/v2/account/authenticate/device"))
                .header("Authorization", TestServer.basic(TestServer.SERVER_KEY)).GET());
        assertError(response, 501, 12, "Method Not Allowed"); // as Nakama's gateway: UNIMPLEMENTED
    }

    @Test
    void corsPreflightAllowsAnyOriginAndNakamaJsHeaders() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/v2/account/authenticate/device"))
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertTrue(response.statusCode() == 200 || response.statusCode() == 204, "preflight status " + response.statusCode());
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null), response.headers().map().toString());
        Set<String> headers = csv(response, "Access-Control-Allow-Headers");
        assertTrue(headers.containsAll(Set.of("authorization", "content-type")), headers.toString());
        Set<String> methods = csv(response, "Access-Control-Allow-Methods");
        assertTrue(methods.containsAll(Set.of("get", "post", "put", "delete", "patch", "head")), methods.toString());
        String date = response.headers().firstValue("Date").orElseThrow();
        java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME); // no quotes
    }

    @Test
    void corsPreflightOfAnAuthenticatedRouteNeedsNoCredentials() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/v2/account"))
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "GET")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertTrue(response.statusCode() == 200 || response.statusCode() == 204, "preflight status " + response.statusCode());
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void normalRequestWithOriginGetsAllowOrigin() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/v2/account/authenticate/device?create=true"))
                .header("Authorization", TestServer.basic(TestServer.SERVER_KEY))
                .header("Origin", ORIGIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(idBody("device-" + UUID.randomUUID()))));
        assertOk(response);
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void errorWithOriginGetsAllowOriginSoThePageCanReadIt() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/v2/account"))
                .header("Origin", ORIGIN)
                .GET());
        assertError(response, 401, 16, "Auth token required");
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }
}
