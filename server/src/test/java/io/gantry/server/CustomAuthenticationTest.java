package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.enc;
import static io.gantry.server.Rest.idBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /v2/account/authenticate/custom: 6-128 bytes, create then log in. */
class CustomAuthenticationTest {

    private static final String PATH = "/v2/account/authenticate/custom";
    private static final String ID_RULE = "Custom ID invalid, must be 6-128 bytes.";

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> auth(String query, String body) {
        return server.postWithServerKey(PATH + query, body);
    }

    private static TestUser user(HttpResponse<String> response) {
        JsonObject session = json(response);
        return TestUser.fromSession(session.get("token").getAsString(), session.get("refresh_token").getAsString());
    }

    @Test
    void createsThenLogsIn() {
        String customId = "custom-" + UUID.randomUUID();
        HttpResponse<String> created = auth("?create=true", idBody(customId));
        assertOk(created);
        assertTrue(json(created).get("created").getAsBoolean());

        HttpResponse<String> login = auth("?create=false", idBody(customId));
        assertOk(login);
        JsonObject session = json(login);
        assertFalse(session.has("created") && session.get("created").getAsBoolean(), login.body());
        assertEquals(user(created).userId(), user(login).userId());

        HttpResponse<String> again = auth("?create=true", idBody(customId));
        assertOk(again);
        assertFalse(json(again).has("created") && json(again).get("created").getAsBoolean(), again.body());
        assertEquals(user(created).userId(), user(again).userId());
    }

    @Test
    void usernameParameterIsUsed() {
        String username = "cu_" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> response = auth("?create=true&username=" + enc(username), idBody("custom-" + UUID.randomUUID()));
        assertOk(response);
        assertEquals(username, user(response).username());
    }

    @Test
    void unknownIdWithoutCreateIsNotFound() {
        assertError(auth("?create=false", idBody("custom-" + UUID.randomUUID())), 404, 5, "User account not found.");
    }

    @Test
    void idMustBe6To128Bytes() {
        assertError(auth("?create=true", idBody("12345")), 400, 3, ID_RULE);
        assertOk(auth("?create=true", idBody(UUID.randomUUID().toString().substring(0, 6))));
        assertOk(auth("?create=true", idBody(UUID.randomUUID() + "z".repeat(128 - 36))));
        assertError(auth("?create=true", idBody("z".repeat(129))), 400, 3, ID_RULE);
        // 3 characters, 6 bytes
        assertOk(auth("?create=true", idBody("äöü")));
        // 65 characters, 130 bytes
        assertError(auth("?create=true", idBody("ä".repeat(65))), 400, 3, ID_RULE);
    }

    @Test
    void idWithSpacesIsRefused() {
        assertError(auth("?create=true", idBody("has a space")), 400, 3,
                "Custom ID invalid, no spaces or control characters allowed.");
    }

    @Test
    void missingIdIsRefused() {
        assertError(auth("?create=true", "{}"), 400, 3, "Custom ID is required.");
    }

    @Test
    void customAndDeviceIdsAreSeparateNamespaces() {
        String id = "shared-" + UUID.randomUUID();
        HttpResponse<String> custom = auth("?create=true", idBody(id));
        HttpResponse<String> device = server.postWithServerKey("/v2/account/authenticate/device?create=true", idBody(id));
        assertOk(custom);
        assertOk(device);
        assertTrue(json(device).get("created").getAsBoolean());
        assertFalse(user(custom).userId().equals(user(device).userId()));
    }
}
