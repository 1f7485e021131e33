package io.gantry.server;

import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.idBody;

/** The authenticate and refresh endpoints want the server key as basic auth. */
class ServerKeyTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> post(String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return server.send(request);
    }

    private static String deviceBody() {
        return idBody("device-" + UUID.randomUUID());
    }

    @Test
    void missingAuthorizationIsServerKeyRequired() {
        for (String path : new String[] {"/v2/account/authenticate/device", "/v2/account/authenticate/custom",
                "/v2/account/authenticate/email", "/v2/account/session/refresh"}) {
            assertError(post(path, null, deviceBody()), 401, 16, "Server key required");
        }
    }

    @Test
    void wrongKeyIsServerKeyInvalid() {
        assertError(post("/v2/account/authenticate/device", TestServer.basic("notthekey"), deviceBody()), 401, 16,
                "Server key invalid");
        assertError(post("/v2/account/session/refresh", TestServer.basic("notthekey"), "{\"token\":\"x\"}"), 401, 16,
                "Server key invalid");
    }

    @Test
    void otherSchemesAndGarbageAreServerKeyInvalid() {
        TestUser user = server.newUser();
        assertError(post("/v2/account/authenticate/device", "Bearer " + user.token(), deviceBody()), 401, 16,
                "Server key invalid");
        assertError(post("/v2/account/authenticate/device", "Basic !!!not-base64!!!", deviceBody()), 401, 16,
                "Server key invalid");
        // the key is the user name of basic auth; as the password it is not accepted
        String asPassword = "Basic " + Base64.getEncoder().encodeToString(":defaultkey".getBytes(StandardCharsets.UTF_8));
        assertError(post("/v2/account/authenticate/device", asPassword, deviceBody()), 401, 16, "Server key invalid");
    }

    @Test
    void rightKeyWorksWhateverThePassword() {
        assertOk(post("/v2/account/authenticate/device", TestServer.basic(TestServer.SERVER_KEY), deviceBody()));
        String withPassword = "Basic " + Base64.getEncoder().encodeToString("defaultkey:whatever".getBytes(StandardCharsets.UTF_8));
        assertOk(post("/v2/account/authenticate/device", withPassword, deviceBody()));
    }

    @Test
    void configuredKeyReplacesTheDefault() throws InterruptedException {
        try (TestServer custom = TestServer.start(config -> config.with(
                io.gantry.server.config.ConfigKeys.SOCKET_SERVER_KEY, "my-own-server-key"))) {
            HttpResponse<String> withDefault = custom.postWithServerKey("/v2/account/authenticate/device", deviceBody());
            assertError(withDefault, 401, 16, "Server key invalid");
            assertOk(custom.send(HttpRequest.newBuilder(custom.uri("/v2/account/authenticate/device"))
                    .header("Authorization", TestServer.basic("my-own-server-key"))
                    .POST(HttpRequest.BodyPublishers.ofString(deviceBody()))));
        }
    }
}
