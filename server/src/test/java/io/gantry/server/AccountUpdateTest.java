package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;

import static io.gantry.server.AccountRequests.account;
import static io.gantry.server.AccountRequests.put;
import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** PUT /v2/account: what changes, what is refused with Nakama's status and message, and that a refusal changes nothing. */
class AccountUpdateTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String name() {
        return "u-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void everyFieldChangesAndEmptyClears() {
        TestUser user = server.newUser();
        String username = name();
        JsonObject before = account(server, user).getAsJsonObject("user");
        assertOk(put(server, "/v2/account", user, "{\"username\":\"" + username + "\",\"display_name\":\"Disp\","
                + "\"avatar_url\":\"http://x/a.png\",\"lang_tag\":\"de\",\"location\":\"Berlin\",\"timezone\":\"Europe/Berlin\"}"));
        JsonObject u = account(server, user).getAsJsonObject("user");
        assertEquals(username, u.get("username").getAsString());
        assertEquals("Disp", u.get("display_name").getAsString());
        assertEquals("http://x/a.png", u.get("avatar_url").getAsString());
        assertEquals("de", u.get("lang_tag").getAsString());
        assertEquals("Berlin", u.get("location").getAsString());
        assertEquals("Europe/Berlin", u.get("timezone").getAsString());
        assertEquals("{}", u.get("metadata").getAsString());
        assertEquals(before.get("create_time"), u.get("create_time"));

        assertOk(put(server, "/v2/account", user, "{\"display_name\":\"\",\"avatar_url\":\"\",\"location\":\"\",\"timezone\":\"\"}"));
        JsonObject cleared = account(server, user).getAsJsonObject("user");
        for (String field : new String[]{"display_name", "avatar_url", "location", "timezone"}) {
            assertFalse(cleared.has(field), field + " cleared: " + cleared);
        }
        assertEquals("de", cleared.get("lang_tag").getAsString());
        assertEquals("{}", account(server, user).get("wallet").getAsString());
    }

    @Test
    void theNewUsernameFindsTheUserAndTheOldOneIsFree() {
        TestUser user = server.newUser();
        String renamed = "Mixed " + name();   // a space and capitals are allowed, as in Nakama
        assertOk(put(server, "/v2/account", user, "{\"username\":\"" + renamed + "\"}"));
        JsonObject found = Rest.json(server.getWithToken("/v2/user?usernames=" + Rest.enc(renamed), user.token()));
        assertEquals(user.userId(), found.getAsJsonArray("users").get(0).getAsJsonObject().get("id").getAsString());
        TestUser other = server.newUser();
        assertOk(put(server, "/v2/account", other, "{\"username\":\"" + user.username() + "\"}"));
        assertOk(put(server, "/v2/account", user, "{\"username\":\"" + renamed + "\"}"));   // the same name again
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> refusals() {
        return Stream.of(
                arguments("{}", 400, 3, "No fields to update."),
                arguments("{\"display_name\":null}", 400, 3, "No fields to update."),
                arguments("{\"metadata\":\"{\\\"a\\\":1}\"}", 400, 3, null),
                arguments("{\"username\":\"\"}", 400, 3, "Username invalid, must be 1-128 bytes."),
                arguments("{\"username\":\"" + "x".repeat(129) + "\"}", 400, 3, "Username invalid, must be 1-128 bytes."),
                arguments("{\"username\":\"tab\\there\",\"display_name\":\"no\"}", 400, 3,
                        "Username invalid, no spaces or control characters allowed."),
                // Nakama answers these 500 "Error while trying to update account." (its database refuses
                // them); Gantry says which field is wrong (docs/COMPATIBILITY.md)
                arguments("{\"lang_tag\":\"\"}", 400, 3, "Lang tag invalid, must be 1-18 characters."),
                arguments("{\"lang_tag\":\"" + "y".repeat(19) + "\"}", 400, 3, "Lang tag invalid, must be 1-18 characters."),
                arguments("{\"display_name\":\"" + "y".repeat(256) + "\"}", 400, 3,
                        "Display name invalid, must be at most 255 characters."),
                arguments("{\"avatar_url\":\"" + "y".repeat(513) + "\"}", 400, 3,
                        "Avatar URL invalid, must be at most 512 characters."),
                arguments("{\"location\":\"" + "é".repeat(256) + "\"}", 400, 3,
                        "Location invalid, must be at most 255 characters."),
                arguments("{\"timezone\":\"" + "y".repeat(256) + "\"}", 400, 3,
                        "Timezone invalid, must be at most 255 characters."),
                arguments("notjson", 400, 3, null));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aRefusedUpdateChangesNothing(String body, int status, int code, String message) {
        TestUser user = server.newUser();
        JsonObject before = account(server, user);
        assertError(put(server, "/v2/account", user, body), status, code, message);
        assertEquals(before, account(server, user));
    }

    @Test
    void aTakenUsernameIsRefusedAndNothingElseChanges() {
        TestUser holder = server.newUser();
        TestUser user = server.newUser();
        JsonObject before = account(server, user);
        assertError(put(server, "/v2/account", user, "{\"username\":\"" + holder.username() + "\",\"display_name\":\"X\"}"),
                400, 3, "Username is already in use.");
        assertEquals(before, account(server, user));
        String lower = holder.username().toLowerCase(java.util.Locale.ROOT);
        if (!lower.equals(holder.username())) {
            assertOk(put(server, "/v2/account", user, "{\"username\":\"" + lower + "\"}"));   // case-sensitive
        }
    }

    @Test
    void theUpdateTimeMovesOnlyWhenSomethingChanged() {
        TestUser user = server.newUser();
        assertOk(put(server, "/v2/account", user, "{\"location\":\"Here\"}"));
        String first = account(server, user).getAsJsonObject("user").get("update_time").getAsString();
        // The store stamps with the system clock; wait for the next second by asking, not sleeping.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() ->
                java.time.Instant.now().getEpochSecond() > java.time.Instant.parse(first).getEpochSecond());
        assertOk(put(server, "/v2/account", user, "{\"location\":\"Here\"}"));
        assertEquals(first, account(server, user).getAsJsonObject("user").get("update_time").getAsString(),
                "the same value again is no change");
        assertOk(put(server, "/v2/account", user, "{\"location\":\"There\"}"));
        assertFalse(first.equals(account(server, user).getAsJsonObject("user").get("update_time").getAsString()));
    }

    @Test
    void withoutATokenIsUnauthenticated() {
        assertError(server.send(HttpRequest.newBuilder(server.uri("/v2/account"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))), 401, 16, "Auth token required");
    }
}
