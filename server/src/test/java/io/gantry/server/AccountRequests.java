package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;

/** The account calls a test makes over HTTP with a user's session token. */
final class AccountRequests {

    private AccountRequests() {
    }

    static HttpResponse<String> put(TestServer server, String path, TestUser user, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token())
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> delete(TestServer server, String path, String token) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token).DELETE());
    }

    static JsonObject account(TestServer server, TestUser user) {
        HttpResponse<String> response = server.getWithToken("/v2/account", user.token());
        assertOk(response);
        return json(response);
    }
}
