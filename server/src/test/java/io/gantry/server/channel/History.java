package io.gantry.server.channel;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /v2/channel/{id}} for tests: raw responses, pages, and whole-history walks. */
final class History {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private History() {
    }

    /** Query-value encoding (space as '+'). */
    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Path-segment encoding as JavaScript's encodeURIComponent (what nakama-js uses): space as %20. */
    static String encPath(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")
                .replace("%21", "!").replace("%27", "'").replace("%28", "(").replace("%29", ")").replace("%7E", "~");
    }

    /** The raw answer; null parameters are left out of the query. */
    static HttpResponse<String> get(int port, String token, String channelId, String limit, Boolean forward, String cursor) {
        StringBuilder query = new StringBuilder();
        if (limit != null) {
            query.append("&limit=").append(enc(limit));
        }
        if (forward != null) {
            query.append("&forward=").append(forward);
        }
        if (cursor != null) {
            query.append("&cursor=").append(enc(cursor));
        }
        String path = "/v2/channel/" + encPath(channelId) + (query.length() == 0 ? "" : "?" + query.substring(1));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One page, which must be a 200. */
    static JsonObject page(int port, String token, String channelId, int limit, boolean forward, String cursor) {
        HttpResponse<String> response = get(port, token, channelId, Integer.toString(limit), forward, cursor);
        assertEquals(200, response.statusCode(), () -> "history of " + channelId + ": " + response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    static List<JsonObject> messages(JsonObject page) {
        List<JsonObject> messages = new ArrayList<>();
        if (page.has("messages")) {
            for (JsonElement message : page.getAsJsonArray("messages")) {
                messages.add(message.getAsJsonObject());
            }
        }
        return messages;
    }

    static List<String> ids(JsonObject page) {
        return messages(page).stream().map(m -> m.get("message_id").getAsString()).toList();
    }

    static String nextCursor(JsonObject page) {
        return page.has("next_cursor") && !page.get("next_cursor").getAsString().isEmpty()
                ? page.get("next_cursor").getAsString() : null;
    }

    /**
     * Every message of a channel, walking pages of {@code limit} in one direction until a page
     * without {@code next_cursor}; asserts no id is seen twice and that only the last page lacks
     * a next cursor.
     */
    static List<JsonObject> all(int port, String token, String channelId, int limit, boolean forward) {
        List<JsonObject> all = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        String cursor = null;
        for (int pages = 0; pages < 10_000; pages++) {
            JsonObject page = page(port, token, channelId, limit, forward, cursor);
            for (JsonObject message : messages(page)) {
                assertTrue(seen.add(message.get("message_id").getAsString()), () -> "duplicate in history: " + message);
                all.add(message);
            }
            cursor = nextCursor(page);
            if (cursor == null) {
                return all;
            }
            assertFalse(messages(page).isEmpty(), "a page with a next_cursor has messages");
        }
        throw new AssertionError("history walk did not end");
    }

    static List<String> allIds(int port, String token, String channelId, boolean forward) {
        return all(port, token, channelId, 100, forward).stream().map(m -> m.get("message_id").getAsString()).toList();
    }

    /** Asserts a Nakama REST error: status, JSON {code, message}. */
    static JsonObject assertError(HttpResponse<String> response, int status, int grpcCode) {
        assertEquals(status, response.statusCode(), () -> "status of " + response.body());
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        assertEquals(grpcCode, body.get("code").getAsInt(), () -> "code of " + response.body());
        assertTrue(body.has("message") && !body.get("message").getAsString().isBlank(), () -> "message of " + response.body());
        return body;
    }
}
