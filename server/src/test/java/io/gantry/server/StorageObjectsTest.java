package io.gantry.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage objects over REST ({@code PUT/POST /v2/storage}, {@code PUT /v2/storage/delete},
 * {@code GET /v2/storage/{collection}[/{user_id}]}): Nakama 3.18's answers as recorded in the
 * reference facts, permissions across two users, and that a refused call changes nothing.
 */
class StorageObjectsTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(c -> c.with(ConfigKeys.STORAGE_MAX_VALUE_BYTES, 64)
                .with(ConfigKeys.STORAGE_MAX_OBJECTS_PER_CALL, 3));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> put(String path, TestUser user, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token())
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String collection() {
        return "col-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String obj(String collection, String key, String value, String extra) {
        JsonObject o = new JsonObject();
        o.addProperty("collection", collection);
        o.addProperty("key", key);
        o.addProperty("value", value);
        return extra.isEmpty() ? o.toString() : o.toString().replaceFirst("}$", "," + extra + "}");
    }

    static JsonObject write(TestUser user, String... objects) {
        HttpResponse<String> response = put("/v2/storage", user, "{\"objects\":[" + String.join(",", objects) + "]}");
        assertOk(response);
        return json(response);
    }

    static HttpResponse<String> read(TestUser user, String collection, String key, String owner) {
        return server.postWithToken("/v2/storage", user.token(), "{\"object_ids\":[{\"collection\":\"" + collection
                + "\",\"key\":\"" + key + "\",\"user_id\":\"" + owner + "\"}]}");
    }

    /** The value of the object as its owner sees it, or null. */
    static String valueOf(TestUser owner, String collection, String key) {
        HttpResponse<String> response = read(owner, collection, key, owner.userId());
        assertOk(response);
        JsonObject body = json(response);
        return body.has("objects") ? body.getAsJsonArray("objects").get(0).getAsJsonObject().get("value").getAsString() : null;
    }

    static List<String> listKeys(TestUser user, String path) {
        HttpResponse<String> response = server.getWithToken(path, user.token());
        assertOk(response);
        List<String> keys = new ArrayList<>();
        JsonObject body = json(response);
        if (body.has("objects")) {
            for (JsonElement e : body.getAsJsonArray("objects")) {
                keys.add(e.getAsJsonObject().get("key").getAsString());
            }
        }
        return keys;
    }

    @Test
    void writeAnswersAcksInOrderWithMd5VersionsAndMicrosecondTimesAndReadReturnsTheObject() {
        TestUser alice = server.newUser();
        String col = collection();
        JsonObject acks = write(alice, obj(col, "z", "{\"b\":1,\"a\":2}", ""), obj(col, "a", "{}", "\"permission_read\":2"));
        JsonArray list = acks.getAsJsonArray("acks");
        assertEquals(2, list.size());
        JsonObject first = list.get(0).getAsJsonObject();
        assertEquals("z", first.get("key").getAsString());
        assertEquals(col, first.get("collection").getAsString());
        assertEquals("4d6cdf2743e326e6233749adcc15d0d2", first.get("version").getAsString());
        assertEquals(alice.userId(), first.get("user_id").getAsString());
        assertEquals(first.get("create_time"), first.get("update_time"));
        assertEquals("a", list.get(1).getAsJsonObject().get("key").getAsString());
        assertEquals("99914b932bd37a50b983c5e7c90ae93b", list.get(1).getAsJsonObject().get("version").getAsString());

        HttpResponse<String> response = read(alice, col, "z", alice.userId());
        assertOk(response);
        JsonObject o = json(response).getAsJsonArray("objects").get(0).getAsJsonObject();
        assertEquals("{\"b\":1,\"a\":2}", o.get("value").getAsString());
        assertEquals(1, o.get("permission_read").getAsInt());
        assertEquals(1, o.get("permission_write").getAsInt());
        Instant created = Instant.parse(o.get("create_time").getAsString());
        assertEquals(0, created.getNano(), "reads answer whole seconds");
        assertEquals(Instant.parse(first.get("create_time").getAsString()).getEpochSecond(), created.getEpochSecond());
    }

    @Test
    void versionsDecideWhatIsWrittenAndARejectedBatchWritesNothing() {
        TestUser alice = server.newUser();
        String col = collection();
        String v1 = write(alice, obj(col, "k", "{\"v\":1}", "")).getAsJsonArray("acks").get(0).getAsJsonObject()
                .get("version").getAsString();
        write(alice, obj(col, "k", "{\"v\":2}", "\"version\":\"" + v1 + "\""));
        String versionFailed = "Storage write rejected - version check failed.";
        assertError(put("/v2/storage", alice, "{\"objects\":[" + obj(col, "k", "{\"v\":3}", "\"version\":\"" + v1 + "\"") + "]}"),
                400, 3, versionFailed);
        assertError(put("/v2/storage", alice, "{\"objects\":[" + obj(col, "k", "{\"v\":3}", "\"version\":\"*\"") + "]}"),
                400, 3, versionFailed);
        assertError(put("/v2/storage", alice, "{\"objects\":[" + obj(col, "new", "{}", "\"version\":\"" + v1 + "\"") + "]}"),
                400, 3, versionFailed);
        assertError(put("/v2/storage", alice, "{\"objects\":[" + obj(col, "batchA", "{\"a\":1}", "") + ","
                + obj(col, "k", "{\"v\":9}", "\"version\":\"bad0\"") + "]}"), 400, 3, versionFailed);
        assertEquals(null, valueOf(alice, col, "batchA"));
        assertEquals(null, valueOf(alice, col, "new"));
        assertEquals("{\"v\":2}", valueOf(alice, col, "k"));
        write(alice, obj(col, "star", "{}", "\"version\":\"*\""));
        assertEquals("{}", valueOf(alice, col, "star"));
    }

    @Test
    void anObjectWithWritePermissionZeroCannotBeChangedOrDeletedByItsOwner() {
        TestUser alice = server.newUser();
        String col = collection();
        write(alice, obj(col, "w0", "{}", "\"permission_write\":0"));
        assertError(put("/v2/storage", alice, "{\"objects\":[" + obj(col, "w0", "{\"again\":1}", "") + "]}"),
                400, 3, "Storage write rejected - permission denied.");
        assertError(put("/v2/storage/delete", alice, "{\"object_ids\":[{\"collection\":\"" + col + "\",\"key\":\"w0\"}]}"),
                400, 3, "Storage delete rejected - not found, version check failed, or permission denied.");
        assertEquals("{}", valueOf(alice, col, "w0"));
    }

    @Test
    void readPermissionsDecideWhatOthersSee() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        String col = collection();
        write(alice, obj(col, "r0", "{}", "\"permission_read\":0"), obj(col, "r1", "{}", "\"permission_read\":1"),
                obj(col, "r2", "{}", "\"permission_read\":2"));
        String ids = "{\"object_ids\":[" + String.join(",", List.of("r2", "r0", "r1").stream().map(k ->
                "{\"collection\":\"" + col + "\",\"key\":\"" + k + "\",\"user_id\":\"" + alice.userId() + "\"}").toList()) + "]}";
        assertEquals(List.of("r1", "r2"), keys(server.postWithToken("/v2/storage", alice.token(), ids)));
        assertEquals(List.of("r2"), keys(server.postWithToken("/v2/storage", bob.token(), ids)));
        // without user_id the system's object is meant, which does not exist
        HttpResponse<String> noOwner = server.postWithToken("/v2/storage", alice.token(),
                "{\"object_ids\":[{\"collection\":\"" + col + "\",\"key\":\"r1\"}]}");
        assertOk(noOwner);
        assertEquals("{}", noOwner.body());

        assertEquals(List.of("r1", "r2"), listKeys(alice, "/v2/storage/" + col + "?limit=100&user_id=" + alice.userId()));
        assertEquals(List.of("r2"), listKeys(bob, "/v2/storage/" + col + "?limit=100&user_id=" + alice.userId()));
        assertEquals(List.of("r2"), listKeys(bob, "/v2/storage/" + col + "/" + alice.userId() + "?limit=100"));
        assertEquals(List.of("r2"), listKeys(bob, "/v2/storage/" + col + "?limit=100"));

        // Bob's write of the same key is his own object; Bob cannot delete Alice's
        write(bob, obj(col, "r2", "{\"bob\":1}", ""));
        assertEquals("{}", valueOf(alice, col, "r2"));
        HttpResponse<String> refused = put("/v2/storage/delete", bob,
                "{\"object_ids\":[{\"collection\":\"" + col + "\",\"key\":\"r1\"}]}");
        assertError(refused, 400, 3, "Storage delete rejected - not found, version check failed, or permission denied.");
        assertEquals("{}", valueOf(alice, col, "r1"));
    }

    static List<String> keys(HttpResponse<String> response) {
        assertOk(response);
        List<String> keys = new ArrayList<>();
        JsonObject body = json(response);
        if (body.has("objects")) {
            body.getAsJsonArray("objects").forEach(e -> keys.add(e.getAsJsonObject().get("key").getAsString()));
        }
        return keys;
    }

    @Test
    void deleteIsAllOrNothingAndHonoursVersions() {
        TestUser alice = server.newUser();
        String col = collection();
        write(alice, obj(col, "d1", "{}", ""), obj(col, "d2", "{\"x\":1}", ""));
        String rejected = "Storage delete rejected - not found, version check failed, or permission denied.";
        assertError(put("/v2/storage/delete", alice, "{\"object_ids\":[{\"collection\":\"" + col + "\",\"key\":\"d1\"},"
                + "{\"collection\":\"" + col + "\",\"key\":\"d2\",\"version\":\"bad\"}]}"), 400, 3, rejected);
        assertEquals("{}", valueOf(alice, col, "d1"));
        HttpResponse<String> ok = put("/v2/storage/delete", alice, "{\"object_ids\":[{\"collection\":\"" + col
                + "\",\"key\":\"d1\"},{\"collection\":\"" + col + "\",\"key\":\"d2\",\"version\":\"ac3ef48caa08fa3ed5e025da69edc645\"}]}");
        assertOk(ok);
        assertEquals("{}", ok.body());
        assertEquals(null, valueOf(alice, col, "d1"));
        assertEquals(null, valueOf(alice, col, "d2"));
        assertError(put("/v2/storage/delete", alice, "{\"object_ids\":[{\"collection\":\"" + col + "\",\"key\":\"d1\"}]}"),
                400, 3, rejected);
    }

    @Test
    void listingsPageWithCursorsAndRefuseForeignOrForgedOnes() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        String col = collection();
        write(alice, obj(col, "b", "{}", ""), obj(col, "a", "{}", "\"permission_read\":2"), obj(col, "c", "{}", "\"permission_read\":2"));
        write(alice, obj(col, "A", "{}", ""), obj(col, "_", "{}", ""), obj(col, "10", "{}", ""));
        write(alice, obj(col, "9", "{}", ""), obj(col, "z0", "{}", "\"permission_read\":0"));
        String base = "/v2/storage/" + col + "?user_id=" + alice.userId();
        assertEquals(List.of("10"), listKeys(alice, base));
        List<String> paged = new ArrayList<>();
        String cursor = "";
        do {
            HttpResponse<String> response = server.getWithToken(base + "&limit=3" + (cursor.isEmpty() ? "" : "&cursor=" + cursor), alice.token());
            assertOk(response);
            JsonObject body = json(response);
            body.getAsJsonArray("objects").forEach(e -> paged.add(e.getAsJsonObject().get("key").getAsString()));
            cursor = body.has("cursor") ? body.get("cursor").getAsString() : "";
        } while (!cursor.isEmpty());
        assertEquals(List.of("10", "9", "A", "_", "b", "a", "c"), paged);

        HttpResponse<String> first = server.getWithToken(base + "&limit=2", alice.token());
        String aliceCursor = json(first).get("cursor").getAsString();
        String malformed = "Malformed cursor was used.";
        assertError(server.getWithToken(base + "&limit=2&cursor=" + aliceCursor, bob.token()), 400, 3, malformed);
        assertError(server.getWithToken("/v2/storage/" + col + "?limit=2&cursor=" + aliceCursor, alice.token()), 400, 3, malformed);
        assertError(server.getWithToken(base + "&limit=2&cursor=AAAA", alice.token()), 400, 3, malformed);
        assertError(server.getWithToken(base + "&limit=2&cursor=undefined", alice.token()), 400, 3, malformed);
        assertEquals(List.of("A", "_"), keys(server.getWithToken(base + "&limit=2&cursor=" + aliceCursor, alice.token())));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"{}\",\"permission_read\":3}]}|Invalid Read permission supplied. It must be either 0, 1 or 2.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"{}\",\"permission_read\":-1}]}|Invalid Read permission supplied. It must be either 0, 1 or 2.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"{}\",\"permission_write\":2}]}|Invalid Write permission supplied. It must be either 0 or 1.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"not json\"}]}|Value must be a JSON object.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"[1,2]\"}]}|Value must be a JSON object.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"null\"}]}|Value must be a JSON object.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"{\\\"a\\\":1}{\\\"b\\\":2}\"}]}|Value must be a JSON object.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"\"}]}|Invalid collection or key value supplied. They must be set.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\"}]}|Invalid collection or key value supplied. They must be set.",
            "PUT|/v2/storage|{\"objects\":[{\"key\":\"k\",\"value\":\"{}\"}]}|Invalid collection or key value supplied. They must be set.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"value\":\"{}\"}]}|Invalid collection or key value supplied. They must be set.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"{\\\"x\\\":\\\"0123456789012345678901234567890123456789012345678901234567890\\\"}\"}]}|Value is too large: at most 64 bytes.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"a\",\"value\":\"{}\"},{\"collection\":\"c\",\"key\":\"b\",\"value\":\"{}\"},{\"collection\":\"c\",\"key\":\"c\",\"value\":\"{}\"},{\"collection\":\"c\",\"key\":\"d\",\"value\":\"{}\"}]}|Too many objects: at most 3 per call.",
            "PUT|/v2/storage|{\"objects\":[{\"collection\":\"c\",\"key\":\"ok\",\"value\":\"{}\"},{\"collection\":\"c\",\"key\":\"k\",\"value\":\"not json\"}]}|Value must be a JSON object.",
            "POST|/v2/storage|{\"object_ids\":[{\"collection\":\"c\",\"user_id\":\"00000000-0000-4000-8000-000000000001\"}]}|Invalid collection or key value supplied. They must be set.",
            "POST|/v2/storage|{\"object_ids\":[{\"collection\":\"c\",\"key\":\"k\",\"user_id\":\"not-a-uuid\"}]}|Invalid user ID - make sure user ID is a valid UUID.",
            "POST|/v2/storage|{\"object_ids\":[{\"collection\":\"c\",\"key\":\"k\",\"user_id\":\"00000000-0000-0000-0000-000000000000\"}]}|Invalid user ID - make sure user ID is a valid UUID.",
            "PUT|/v2/storage/delete|{\"object_ids\":[{\"collection\":\"c\"}]}|Invalid collection or key value supplied. They must be set.",
            "PUT|/v2/storage/delete|{\"object_ids\":[{\"collection\":\"c\",\"key\":\"ok\",\"version\":\"*\"}]}|Storage delete rejected - not found, version check failed, or permission denied.",
            "PUT|/v2/storage/delete|{\"object_ids\":[{\"collection\":\"c\",\"key\":\"nosuch\"}]}|Storage delete rejected - not found, version check failed, or permission denied.",
            "GET|/v2/storage/c?user_id=not-a-uuid|-|Invalid user ID - make sure user ID is a valid UUID.",
            "GET|/v2/storage/c/not-a-uuid|-|Invalid user ID - make sure user ID is a valid UUID.",
            "GET|/v2/storage/c?limit=0|-|Invalid limit - limit must be between 1 and 100.",
            "GET|/v2/storage/c?limit=101|-|Invalid limit - limit must be between 1 and 100.",
            "GET|/v2/storage/c?limit=abc|-|parsing field \"limit\": strconv.ParseInt: parsing \"abc\": invalid syntax",
            "GET|/v2/storage/c?cursor=notbase64!!|-|Malformed cursor was used.",
    })
    void badInputIsRefusedAndChangesNothing(String method, String path, String body, String message) {
        TestUser user = server.newUser();
        write(user, obj("c", "ok", "{\"before\":1}", ""));
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token());
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofString(body);
        HttpResponse<String> response = server.send(switch (method) {
            case "PUT" -> request.PUT(publisher);
            case "POST" -> request.POST(publisher);
            default -> request.GET();
        });
        assertError(response, 400, 3, message);
        assertEquals("{\"before\":1}", valueOf(user, "c", "ok"));
        assertEquals(List.of("ok"), listKeys(user, "/v2/storage/c?limit=100&user_id=" + user.userId()));
    }

    @Test
    void longCollectionsAndKeysAreRefusedWith400AndCountedInCharacters() {
        TestUser user = server.newUser();
        write(user, obj("c".repeat(128), "ü".repeat(128), "{}", ""));
        assertError(put("/v2/storage", user, "{\"objects\":[" + obj("c".repeat(129), "k", "{}", "") + "]}"),
                400, 3, "Invalid collection: at most 128 characters.");
        assertError(put("/v2/storage", user, "{\"objects\":[" + obj("c", "k".repeat(129), "{}", "") + "]}"),
                400, 3, "Invalid key: at most 128 characters.");
    }

    @Test
    void emptyCallsAnswerAnEmptyObjectAndTokensAreRequired() {
        TestUser user = server.newUser();
        for (HttpResponse<String> response : List.of(put("/v2/storage", user, "{\"objects\":[]}"), put("/v2/storage", user, "{}"),
                server.postWithToken("/v2/storage", user.token(), "{}"), put("/v2/storage/delete", user, "{}"),
                server.getWithToken("/v2/storage/empty-" + UUID.randomUUID(), user.token()))) {
            assertOk(response);
            assertEquals("{}", response.body());
        }
        assertError(server.send(HttpRequest.newBuilder(server.uri("/v2/storage")).PUT(HttpRequest.BodyPublishers.ofString("{}"))),
                401, 16, "Auth token required");
        assertError(server.send(HttpRequest.newBuilder(server.uri("/v2/storage/c"))), 401, 16, "Auth token required");
    }

    @Test
    void rewritingTheSameValueKeepsTheTimesAndAPermissionChangeMovesTheObjectInListings() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        String col = collection();
        JsonObject first = write(alice, obj(col, "same", "{\"s\":1}", "")).getAsJsonArray("acks").get(0).getAsJsonObject();
        JsonObject again = write(alice, obj(col, "same", "{\"s\":1}", "")).getAsJsonArray("acks").get(0).getAsJsonObject();
        assertEquals(first, again);
        assertEquals(List.of(), listKeys(bob, "/v2/storage/" + col + "?limit=100"));
        JsonObject pub = write(alice, obj(col, "same", "{\"s\":1}", "\"permission_read\":2")).getAsJsonArray("acks").get(0).getAsJsonObject();
        assertEquals(first.get("version"), pub.get("version"));
        assertEquals(first.get("create_time"), pub.get("create_time"));
        assertNotEquals(first.get("update_time"), pub.get("update_time"));
        assertEquals(List.of("same"), listKeys(bob, "/v2/storage/" + col + "?limit=100"));
        assertFalse(listKeys(bob, "/v2/storage/" + col + "?limit=100&user_id=" + alice.userId()).isEmpty());
        assertTrue(json(read(bob, col, "same", alice.userId())).has("objects"));
    }

    @Test
    void objectsSurviveARestart() throws InterruptedException {
        TestUser alice = server.newUser();
        String col = collection();
        write(alice, obj(col, "keep", "{\"k\":1}", ""));
        server.restart();
        assertEquals("{\"k\":1}", valueOf(alice, col, "keep"));
    }
}
