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

/** POST /v2/account/authenticate/device: Nakama's rules, messages and status codes. */
class DeviceAuthenticationTest {

    private static final String PATH = "/v2/account/authenticate/device";
    private static final String ID_RULE = "Device ID invalid, must be 10-128 bytes.";

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

    private static String newDeviceId() {
        return "device-" + UUID.randomUUID();
    }

    @Test
    void createsOnceThenLogsInToTheSameAccount() {
        String deviceId = newDeviceId();
        HttpResponse<String> first = auth("?create=true", idBody(deviceId));
        assertOk(first);
        JsonObject session = json(first);
        assertTrue(session.get("created").getAsBoolean(), first.body());
        assertTrue(session.has("token") && session.has("refresh_token"), first.body());
        TestUser created = TestUser.fromSession(session.get("token").getAsString(), session.get("refresh_token").getAsString());

        HttpResponse<String> second = auth("?create=true", idBody(deviceId));
        assertOk(second);
        JsonObject again = json(second);
        // proto3 JSON omits false; Nakama clients read an absent "created" as false
        assertFalse(again.has("created") && again.get("created").getAsBoolean(), second.body());
        TestUser loggedIn = TestUser.fromSession(again.get("token").getAsString(), again.get("refresh_token").getAsString());
        assertEquals(created.userId(), loggedIn.userId());
        assertEquals(created.username(), loggedIn.username());

        HttpResponse<String> withoutCreate = auth("?create=false", idBody(deviceId));
        assertOk(withoutCreate);
        assertEquals(created.userId(), TestUser.claims(json(withoutCreate).get("token").getAsString()).get("uid").getAsString());
    }

    @Test
    void createIsTheDefault() {
        HttpResponse<String> response = auth("", idBody(newDeviceId()));
        assertOk(response);
        assertTrue(json(response).get("created").getAsBoolean());
    }

    @Test
    void usernameParameterBecomesTheUsername() {
        String username = "dev_" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> response = auth("?create=true&username=" + enc(username), idBody(newDeviceId()));
        assertOk(response);
        assertEquals(username, TestUser.claims(json(response).get("token").getAsString()).get("usn").getAsString());
    }

    @Test
    void usernameParameterIsIgnoredForAnExistingAccount() {
        String deviceId = newDeviceId();
        String username = "orig_" + UUID.randomUUID().toString().substring(0, 8);
        assertOk(auth("?create=true&username=" + enc(username), idBody(deviceId)));
        HttpResponse<String> again = auth("?create=true&username=" + enc("other_" + UUID.randomUUID().toString().substring(0, 8)),
                idBody(deviceId));
        assertOk(again);
        assertEquals(username, TestUser.claims(json(again).get("token").getAsString()).get("usn").getAsString());
    }

    @Test
    void generatedUsernameIsTenLetters() {
        HttpResponse<String> response = auth("?create=true", idBody(newDeviceId()));
        assertOk(response);
        String username = TestUser.claims(json(response).get("token").getAsString()).get("usn").getAsString();
        assertTrue(username.matches("[A-Za-z]{10}"), username);
    }

    @Test
    void unknownDeviceWithoutCreateIsNotFound() {
        HttpResponse<String> response = auth("?create=false", idBody(newDeviceId()));
        assertError(response, 404, 5, "User account not found.");
    }

    @Test
    void idLengthIsMeasuredInBytes() {
        assertError(auth("?create=true", idBody("123456789")), 400, 3, ID_RULE);
        assertOk(auth("?create=true", idBody(UUID.randomUUID().toString().substring(0, 10))));
        assertError(auth("?create=true", idBody("x".repeat(129))), 400, 3, ID_RULE);
        assertOk(auth("?create=true", idBody(UUID.randomUUID() + "y".repeat(128 - 36))));
        // 65 characters but 130 bytes of UTF-8
        assertError(auth("?create=true", idBody("é".repeat(65))), 400, 3, ID_RULE);
        // 5 characters but 10 bytes of UTF-8
        assertOk(auth("?create=true", idBody("é".repeat(5))));
    }

    @Test
    void idWithSpacesOrControlCharactersIsRefused() {
        assertError(auth("?create=true", idBody("device with spaces")), 400, 3,
                "Device ID invalid, no spaces or control characters allowed.");
        assertError(auth("?create=true", idBody("device\twith-tab")), 400, 3,
                "Device ID invalid, no spaces or control characters allowed.");
    }

    @Test
    void missingIdIsRefused() {
        assertError(auth("?create=true", "{}"), 400, 3, "Device ID is required.");
    }

    @Test
    void takenUsernameIsAConflict() {
        String username = "taken_" + UUID.randomUUID().toString().substring(0, 8);
        assertOk(auth("?create=true&username=" + enc(username), idBody(newDeviceId())));
        HttpResponse<String> second = auth("?create=true&username=" + enc(username), idBody(newDeviceId()));
        assertError(second, 409, 6, "Username is already in use.");
    }

    @Test
    void usernameWithSpacesOrOver128BytesIsRefused() {
        assertError(auth("?create=true&username=" + enc("has space"), idBody(newDeviceId())), 400, 3,
                "Username invalid, no spaces or control characters allowed.");
        assertError(auth("?create=true&username=" + enc("u".repeat(129)), idBody(newDeviceId())), 400, 3,
                "Username invalid, must be 1-128 bytes.");
        assertOk(auth("?create=true&username=" + enc(UUID.randomUUID() + "u".repeat(128 - 36)), idBody(newDeviceId())));
    }

    @Test
    void concurrentFirstLoginsOfOneDeviceMakeOneAccount() throws Exception {
        String deviceId = newDeviceId();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<HttpResponse<String>>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> auth("?create=true", idBody(deviceId))));
            }
            java.util.Set<String> uids = new java.util.HashSet<>();
            int created = 0;
            for (var future : futures) {
                HttpResponse<String> response = future.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertOk(response);
                JsonObject session = json(response);
                uids.add(TestUser.claims(session.get("token").getAsString()).get("uid").getAsString());
                if (session.has("created") && session.get("created").getAsBoolean()) {
                    created++;
                }
            }
            assertEquals(1, uids.size(), uids.toString());
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesWithOneUsernameGiveOneAccountAndConflicts() throws Exception {
        String username = "race_" + UUID.randomUUID().toString().substring(0, 8);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<HttpResponse<String>>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> auth("?create=true&username=" + enc(username), idBody(newDeviceId()))));
            }
            int ok = 0;
            for (var future : futures) {
                HttpResponse<String> response = future.get(10, java.util.concurrent.TimeUnit.SECONDS);
                if (response.statusCode() == 200) {
                    ok++;
                } else {
                    assertError(response, 409, 6, "Username is already in use.");
                }
            }
            assertEquals(1, ok);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void malformedJsonBodyIsBadInput() {
        assertError(auth("?create=true", "{\"id\": "), 400, 3, null);
        assertError(auth("?create=true", "not json at all"), 400, 3, null);
        assertError(auth("?create=true", "{\"id\": {\"nested\": true}}"), 400, 3, null);
    }

    @Test
    void badCreateParameterIsBadInput() {
        assertError(auth("?create=maybe", idBody(newDeviceId())), 400, 3, null);
    }
}
