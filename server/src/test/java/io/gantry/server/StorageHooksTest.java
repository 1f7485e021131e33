package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.StorageAck;
import io.gantry.runtime.StorageObject;
import io.gantry.runtime.StorageObjectId;
import io.gantry.runtime.StoragePage;
import io.gantry.runtime.StorageWrite;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server code and storage: before and after hooks on the storage calls (changing, refusing,
 * disabling a request; seeing the result), and {@code server.storage()} from an RPC function,
 * which ignores permissions but not versions.
 */
class StorageHooksTest {

    static TestServer server;
    static final List<String> afterWrites = new CopyOnWriteArrayList<>();
    static final List<String> hookThreads = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r
                // the README's example: every save must have a level
                .before(ApiCall.WRITE_STORAGE_OBJECTS, (ctx, writes) -> {
                    hookThreads.add(Thread.currentThread().getName());
                    List<StorageWrite> changed = new ArrayList<>();
                    for (StorageWrite w : writes) {
                        if (w.collection().equals("saves") && !w.value().contains("\"level\"")) {
                            throw new RefusedException(ErrorCode.INVALID_ARGUMENT, "Saves must have a level.");
                        }
                        // the hook makes every "public" object world-readable
                        changed.add(w.collection().equals("public")
                                ? new StorageWrite(w.collection(), w.key(), w.userId(), w.value(), w.version(), 2, w.permissionWrite())
                                : w);
                    }
                    return changed;
                })
                .after(ApiCall.WRITE_STORAGE_OBJECTS, (ctx, writes, acks) -> {
                    for (StorageAck ack : acks) {
                        afterWrites.add(ctx.userId() + ":" + ack.collection() + "/" + ack.key() + "@" + ack.version());
                    }
                })
                .before(ApiCall.DELETE_STORAGE_OBJECTS, (ctx, deletes) -> null)
                .before(ApiCall.READ_STORAGE_OBJECTS, (ctx, ids) -> ids.stream()
                        .map(id -> new StorageObjectId(id.collection(), id.key(), ctx.userId())).toList())
                .rpc("server_write", (ctx, payload) -> {
                    // write an object the owner cannot change, then change it anyway: server code may
                    List<StorageAck> acks = ctx.server().storage().write(List.of(
                            new StorageWrite("locked", "k", ctx.userId(), payload, null, 0, 0)));
                    ctx.server().storage().write(List.of(
                            new StorageWrite("locked", "k", ctx.userId(), payload, acks.get(0).version(), 1, 0)));
                    StoragePage page = ctx.server().storage().list(ctx.userId(), "locked", 10, "");
                    List<StorageObject> read = ctx.server().storage().read(List.of(new StorageObjectId("locked", "k", ctx.userId())));
                    return page.objects().size() + ":" + read.get(0).permissionRead() + ":" + read.get(0).value();
                })
                .rpc("server_conflict", (ctx, payload) -> {
                    try {
                        ctx.server().storage().write(List.of(new StorageWrite("locked", "k", ctx.userId(), "{}", "bad", 1, 1)));
                        return "written";
                    } catch (RefusedException e) {
                        return e.code() + ":" + e.getMessage();
                    }
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> put(String path, TestUser user, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token())
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> readOwn(TestUser user, String collection, String key) {
        return server.postWithToken("/v2/storage", user.token(), "{\"object_ids\":[{\"collection\":\"" + collection
                + "\",\"key\":\"" + key + "\",\"user_id\":\"" + user.userId() + "\"}]}");
    }

    @Test
    void aBeforeHookRefusesASaveWithoutALevelAndNothingIsWritten() {
        TestUser user = server.newUser();
        HttpResponse<String> refused = put("/v2/storage", user,
                "{\"objects\":[{\"collection\":\"saves\",\"key\":\"s1\",\"value\":\"{\\\"coins\\\":1}\"}]}");
        assertError(refused, 400, 3, "Saves must have a level.");
        assertEquals("{}", readOwn(user, "saves", "s1").body());
        assertOk(put("/v2/storage", user, "{\"objects\":[{\"collection\":\"saves\",\"key\":\"s1\",\"value\":\"{\\\"level\\\":1}\"}]}"));
        assertTrue(json(readOwn(user, "saves", "s1")).has("objects"));
        assertTrue(hookThreads.stream().allMatch(name -> name.startsWith("gantry-rpc")), hookThreads.toString());
    }

    @Test
    void aBeforeHookChangesTheRequestAndTheAfterHookSeesTheResult() {
        TestUser alice = server.newUser();
        TestUser bob = server.newUser();
        HttpResponse<String> written = put("/v2/storage", alice,
                "{\"objects\":[{\"collection\":\"public\",\"key\":\"p\",\"value\":\"{}\",\"permission_read\":1}]}");
        assertOk(written);
        String version = json(written).getAsJsonArray("acks").get(0).getAsJsonObject().get("version").getAsString();
        assertTrue(afterWrites.contains(alice.userId() + ":public/p@" + version), afterWrites.toString());
        // the hook made it public: Bob lists it
        HttpResponse<String> listed = server.getWithToken("/v2/storage/public?user_id=" + alice.userId(), bob.token());
        assertOk(listed);
        JsonObject o = json(listed).getAsJsonArray("objects").get(0).getAsJsonObject();
        assertEquals(2, o.get("permission_read").getAsInt());
    }

    @Test
    void aBeforeHookThatReturnsNullDisablesTheCall() {
        TestUser user = server.newUser();
        assertOk(put("/v2/storage", user, "{\"objects\":[{\"collection\":\"c\",\"key\":\"k\",\"value\":\"{}\"}]}"));
        assertError(put("/v2/storage/delete", user, "{\"object_ids\":[{\"collection\":\"c\",\"key\":\"k\"}]}"),
                404, 5, "Requested resource was not found.");
        assertTrue(json(readOwn(user, "c", "k")).has("objects"));
    }

    @Test
    void aReadHookRewritesTheOwner() {
        TestUser user = server.newUser();
        assertOk(put("/v2/storage", user, "{\"objects\":[{\"collection\":\"c\",\"key\":\"mine\",\"value\":\"{}\"}]}"));
        // no user_id would mean the system's object; the hook points it at the caller
        HttpResponse<String> read = server.postWithToken("/v2/storage", user.token(),
                "{\"object_ids\":[{\"collection\":\"c\",\"key\":\"mine\"}]}");
        assertOk(read);
        assertEquals(user.userId(), json(read).getAsJsonArray("objects").get(0).getAsJsonObject().get("user_id").getAsString());
    }

    @Test
    void serverCodeIgnoresPermissionsButNotVersions() {
        TestUser user = server.newUser();
        HttpResponse<String> rpc = server.postWithToken("/v2/rpc/server_write", user.token(), "\"{\\\"s\\\":1}\"");
        assertOk(rpc);
        assertEquals("1:1:{\"s\":1}", json(rpc).get("payload").getAsString());
        // the owner may read it now (read 1) but not change it (write 0)
        assertTrue(json(readOwn(user, "locked", "k")).has("objects"));
        assertError(put("/v2/storage", user, "{\"objects\":[{\"collection\":\"locked\",\"key\":\"k\",\"value\":\"{\\\"level\\\":2}\"}]}"),
                400, 3, "Storage write rejected - permission denied.");
        HttpResponse<String> conflict = server.postWithToken("/v2/rpc/server_conflict", user.token(), "\"\"");
        assertOk(conflict);
        assertEquals("INVALID_ARGUMENT:Storage write rejected - version check failed.", json(conflict).get("payload").getAsString());
    }
}
