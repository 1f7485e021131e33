package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static io.gantry.server.AccountRequests.delete;
import static io.gantry.server.AccountRequests.put;
import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.idBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The login of an existing device is answered on the event loop from what the store holds in
 * memory (issue 16). Over real REST, it answers exactly what the blocking path would after the
 * account changed: a deleted account's device is unknown (and creates a new account), an unlinked
 * device is unknown, a new username is in the next token, a logout everywhere does not refuse a
 * new login, and after a restart (the store read cold) the same account logs in, again and again.
 */
class DeviceLoginSeesAccountChangesTest {

    private static final String PATH = "/v2/account/authenticate/device";

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> login(String deviceId, boolean create) {
        return server.postWithServerKey(PATH + "?create=" + create, idBody(deviceId));
    }

    private static String uid(HttpResponse<String> response) {
        assertOk(response);
        return TestUser.claims(json(response).get("token").getAsString()).get("uid").getAsString();
    }

    private static boolean created(HttpResponse<String> response) {
        JsonObject session = json(response);
        return session.has("created") && session.get("created").getAsBoolean();
    }

    @Test
    void aDeletedAccountsDeviceIsUnknown() {
        String device = "dev-" + UUID.randomUUID();
        TestUser user = server.newUser(device, null);
        assertEquals(user.userId(), uid(login(device, false)));
        assertOk(delete(server, "/v2/account", user.token()));

        assertError(login(device, false), 404, 5, "User account not found.");
        HttpResponse<String> again = login(device, true);
        assertNotEquals(user.userId(), uid(again), "a new account");
        assertTrue(created(again), again.body());
    }

    @Test
    void anUnlinkedDeviceIsUnknown() {
        String first = "dev-" + UUID.randomUUID();
        String second = "dev-" + UUID.randomUUID();
        TestUser user = server.newUser(first, null);
        assertOk(server.postWithToken("/v2/account/link/device", user.token(), idBody(second)));
        assertEquals(user.userId(), uid(login(second, false)));
        assertEquals(user.userId(), uid(login(first, false)));

        assertOk(server.postWithToken("/v2/account/unlink/device", user.token(), idBody(first)));
        assertError(login(first, false), 404, 5, "User account not found.");
        assertEquals(user.userId(), uid(login(second, false)));
    }

    @Test
    void aNewUsernameIsInTheNextToken() {
        String device = "dev-" + UUID.randomUUID();
        TestUser user = server.newUser(device, null);
        assertEquals(user.username(), TestUser.claims(json(login(device, false)).get("token").getAsString()).get("usn").getAsString());
        String renamed = "renamed_" + UUID.randomUUID().toString().substring(0, 8);
        assertOk(put(server, "/v2/account", user, "{\"username\":\"" + renamed + "\"}"));

        HttpResponse<String> after = login(device, false);
        assertEquals(renamed, TestUser.claims(json(after).get("token").getAsString()).get("usn").getAsString());
        assertFalse(created(after), after.body());
    }

    @Test
    void aLogoutEverywhereDoesNotRefuseANewLogin() {
        String device = "dev-" + UUID.randomUUID();
        TestUser user = server.newUser(device, null);
        assertOk(server.postWithToken("/v2/session/logout", user.token(), "{}"));
        assertError(server.getWithToken("/v2/account", user.token()), 401, 16, null);
        // a token of the logout's own millisecond counts as issued before it
        server.clock().advance(java.time.Duration.ofMillis(2));

        HttpResponse<String> again = login(device, false);
        String token = json(again).get("token").getAsString();
        assertEquals(user.userId(), uid(again));
        assertOk(server.getWithToken("/v2/account", token));
    }

    @Test
    void afterARestartTheSameAccountLogsIn() throws InterruptedException {
        String device = "dev-" + UUID.randomUUID();
        TestUser user = server.newUser(device, null);
        server.restart();
        for (int i = 0; i < 3; i++) { // the first from the store's files, the next from memory
            HttpResponse<String> response = login(device, false);
            assertEquals(user.userId(), uid(response));
            assertFalse(created(response), response.body());
        }
    }
}
