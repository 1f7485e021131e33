package io.gantry.server.runtime;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.heroiclabs.nakama.api.Rpc;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SocketScenario
class RpcTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r
                .rpc("echo", (ctx, payload) -> payload)
                .rpc("whoami", (ctx, payload) -> "{\"user_id\":\"" + ctx.userId() + "\",\"username\":\"" + ctx.username()
                        + "\",\"session\":\"" + ctx.sessionId() + "\",\"vars\":" + ctx.vars().size() + "}")
                .rpc("explode", (ctx, payload) -> {
                    throw new IllegalStateException("the dice are loaded");
                })
                .rpc("refuse", (ctx, payload) -> {
                    throw new io.gantry.runtime.RefusedException(io.gantry.runtime.ErrorCode.PERMISSION_DENIED, "not you");
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Envelope call(SocketClient socket, String cid, String id, String payload) {
        socket.send(Envelope.newBuilder().setCid(cid).setRpc(Rpc.newBuilder().setId(id).setPayload(payload)).build());
        return socket.awaitEnvelope(e -> e.getCid().equals(cid));
    }

    @Test
    void socketRpcAnswersWithTheFunctionsResultAndTheCid() {
        try (SocketClient socket = server.connect(server.newUser())) {
            Envelope reply = call(socket, "5", "echo", "{\"hello\":1}");
            assertEquals("echo", reply.getRpc().getId());
            assertEquals("{\"hello\":1}", reply.getRpc().getPayload());
        }
    }

    @Test
    void rpcIdsAreCaseInsensitiveAsInNakama() {
        try (SocketClient socket = server.connect(server.newUser())) {
            assertEquals("x", call(socket, "1", "ECHO", "x").getRpc().getPayload());
        }
    }

    @Test
    void socketRpcSeesTheCaller() {
        TestUser user = server.newUser();
        try (SocketClient socket = server.connect(user)) {
            JsonObject who = JsonParser.parseString(call(socket, "2", "whoami", "").getRpc().getPayload()).getAsJsonObject();
            assertEquals(user.userId(), who.get("user_id").getAsString());
            assertEquals(user.username(), who.get("username").getAsString());
            assertFalse(who.get("session").getAsString().isEmpty());
        }
    }

    @Test
    void unknownFunctionIsRuntimeFunctionNotFound() {
        try (SocketClient socket = server.connect(server.newUser())) {
            Envelope reply = call(socket, "3", "nope", "");
            assertEquals(Error.Code.RUNTIME_FUNCTION_NOT_FOUND_VALUE, reply.getError().getCode());
            // the socket stays usable
            assertEquals("ok", call(socket, "4", "echo", "ok").getRpc().getPayload());
        }
    }

    @Test
    void throwingFunctionIsRuntimeFunctionExceptionWithItsMessageOnly() {
        try (SocketClient socket = server.connect(server.newUser())) {
            Envelope reply = call(socket, "6", "explode", "");
            assertEquals(Error.Code.RUNTIME_FUNCTION_EXCEPTION_VALUE, reply.getError().getCode());
            assertEquals("the dice are loaded", reply.getError().getMessage());
            assertFalse(reply.getError().getMessage().contains("at io.gantry"));
            // over the socket a refusal is RUNTIME_FUNCTION_EXCEPTION too: Nakama's socket RPC drops the code
            Envelope refused = call(socket, "7", "refuse", "");
            assertEquals(Error.Code.RUNTIME_FUNCTION_EXCEPTION_VALUE, refused.getError().getCode());
            assertEquals("not you", refused.getError().getMessage());
        }
    }

    @Test
    void emptyRpcIdIsBadInput() {
        try (SocketClient socket = server.connect(server.newUser())) {
            assertEquals(Error.Code.BAD_INPUT_VALUE, call(socket, "7", "", "").getError().getCode());
        }
    }

    private static HttpResponse<String> post(String pathAndQuery, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request);
    }

    @Test
    void restRpcTakesAJsonStringAndAnswersWithPayload() {
        TestUser user = server.newUser();
        HttpResponse<String> response = post("/v2/rpc/echo", user.token(), "\"{\\\"a\\\":2}\"");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"a\":2}", JsonParser.parseString(response.body()).getAsJsonObject().get("payload").getAsString());
    }

    @Test
    void restRpcWithTheHttpKeyRunsWithoutAUser() {
        HttpResponse<String> response = post("/v2/rpc/whoami?http_key=defaulthttpkey", null, "\"\"");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject who = JsonParser.parseString(JsonParser.parseString(response.body()).getAsJsonObject()
                .get("payload").getAsString()).getAsJsonObject();
        assertEquals("", who.get("user_id").getAsString());
    }

    /**
     * Nakama answers RPC errors from its own handler (api_rpc.go), not grpc-gateway: the body repeats
     * the message as "error", and a 401 has no WWW-Authenticate.
     */
    private static JsonObject assertRpcError(HttpResponse<String> response, int status, int code, String message) {
        assertEquals(status, response.statusCode(), response.body());
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        assertEquals(java.util.Set.of("error", "message", "code"), body.keySet(), response.body());
        assertEquals(code, body.get("code").getAsInt());
        assertEquals(body.get("message"), body.get("error"));
        if (message != null) {
            assertEquals(message, body.get("message").getAsString());
        }
        assertTrue(response.headers().firstValue("WWW-Authenticate").isEmpty(), response.headers().map()::toString);
        return body;
    }

    @Test
    void restRpcWithAWrongHttpKeyIsUnauthenticated() {
        assertRpcError(post("/v2/rpc/echo?http_key=wrong", null, "\"x\""), 401, 16, "HTTP key invalid");
    }

    @Test
    void restRpcWithoutCredentialsIsUnauthenticated() {
        assertRpcError(post("/v2/rpc/echo", null, "\"x\""), 401, 16, "Auth token or HTTP key required");
    }

    @Test
    void restRpcUnwrapPassesRawBodies() {
        HttpResponse<String> response = post("/v2/rpc/echo?unwrap", server.newUser().token(), "{\"raw\":true}");
        assertEquals(200, response.statusCode());
        assertEquals("{\"raw\":true}", response.body());
    }

    @Test
    void restRpcGetTakesThePayloadFromTheQuery() {
        HttpResponse<String> response = server.getWithToken("/v2/rpc/echo?payload=abc", server.newUser().token());
        assertEquals(200, response.statusCode());
        assertEquals("abc", JsonParser.parseString(response.body()).getAsJsonObject().get("payload").getAsString());
    }

    @Test
    void restRpcErrors() {
        String token = server.newUser().token();
        assertRpcError(post("/v2/rpc/nope", token, "\"\""), 404, 5, null);
        assertRpcError(post("/v2/rpc/explode", token, "\"\""), 500, 13, "the dice are loaded");
        // a refusal keeps its status, as a Nakama module's error({message, code}) does
        assertRpcError(post("/v2/rpc/refuse", token, "\"\""), 403, 7, "not you");
        HttpResponse<String> notAString = post("/v2/rpc/echo", token, "{\"not\":\"a string\"}");
        assertEquals(400, notAString.statusCode());
        assertTrue(notAString.body().contains("JSON string"), notAString.body());
    }
}
