package io.gantry.server;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small helpers for REST tests: JSON bodies and Nakama-shaped error assertions. */
final class Rest {

    private Rest() {
    }

    /** Waits until the server has exactly {@code count} sessions registered (they close asynchronously). */
    static void awaitSessions(io.gantry.server.testing.TestServer server, int count) {
        await("sessions registered").atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> assertEquals(count, server.server().sessions().size(), "sessions registered"));
    }

    static JsonObject json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code {"id": id}} with the id as a proper JSON string. */
    static String idBody(String id) {
        JsonObject body = new JsonObject();
        body.addProperty("id", id);
        return body.toString();
    }

    static String emailBody(String email, String password) {
        JsonObject body = new JsonObject();
        body.addProperty("email", email);
        body.addProperty("password", password);
        return body.toString();
    }

    static void assertOk(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), () -> "expected 200, got " + response.statusCode() + " " + response.body());
    }

    /**
     * Asserts a Nakama-shaped REST error: the HTTP status, a JSON body with the gRPC {@code code}
     * and, when {@code message} is not null, exactly that {@code message}.
     */
    static JsonObject assertError(HttpResponse<String> response, int status, int grpcCode, String message) {
        assertEquals(status, response.statusCode(), () -> "status of " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> "error content type: " + response.headers().map());
        JsonObject body = json(response);
        assertEquals(grpcCode, body.get("code").getAsInt(), () -> "code of " + response.body());
        assertTrue(body.has("message"), () -> "message missing: " + response.body());
        if (message != null) {
            assertEquals(message, body.get("message").getAsString());
        }
        if (status == 401) {
            assertEquals(body.get("message").getAsString(), response.headers().firstValue("WWW-Authenticate").orElse(null),
                    "grpc-gateway repeats an UNAUTHENTICATED message in WWW-Authenticate");
        }
        // Nakama 3.18's gateway sends exactly code and message
        assertEquals(java.util.Set.of("code", "message"), body.keySet(), () -> "fields of " + response.body());
        return body;
    }
}
