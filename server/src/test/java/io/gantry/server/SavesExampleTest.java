package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.examples.saves.SavesModule;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The README's example module ({@code examples/saves}) behind real REST calls: its before hook on
 * storage writes refuses a save without a good level (nothing of the call is written) and makes
 * saves private; its RPC reads the saves back through the server's storage API.
 */
class SavesExampleTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r.module(new SavesModule()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> write(TestUser user, String objects) {
        return server.send(HttpRequest.newBuilder(server.uri("/v2/storage")).header("Authorization", "Bearer " + user.token())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"objects\":[" + objects + "]}")));
    }

    static HttpResponse<String> listSaves(TestUser owner, TestUser caller) {
        return server.getWithToken("/v2/storage/saves?limit=100&user_id=" + owner.userId(), caller.token());
    }

    @Test
    void aSaveWithoutALevelIsRefusedWithTheModulesMessageAndNothingOfTheCallIsWritten() {
        TestUser player = server.newUser();
        HttpResponse<String> refused = write(player,
                "{\"collection\":\"settings\",\"key\":\"audio\",\"value\":\"{\\\"volume\\\":3}\"},"
                        + "{\"collection\":\"saves\",\"key\":\"slot1\",\"value\":\"{\\\"level\\\":0}\"}");
        assertError(refused, 400, 3, "A save needs a whole-number level from 1 to 100.");
        assertEquals("{}", server.getWithToken("/v2/storage/settings?user_id=" + player.userId(), player.token()).body());
        assertEquals("{}", listSaves(player, player).body());
    }

    @Test
    void aGoodSaveIsWrittenPrivateWhateverTheClientAskedAndTheRpcReadsItBack() {
        TestUser player = server.newUser();
        TestUser other = server.newUser();
        assertOk(write(player, "{\"collection\":\"saves\",\"key\":\"slot1\",\"value\":\"{\\\"level\\\":3}\",\"permission_read\":2},"
                + "{\"collection\":\"saves\",\"key\":\"slot2\",\"value\":\"{\\\"level\\\":7}\",\"permission_read\":2}"));
        HttpResponse<String> own = listSaves(player, player);
        assertOk(own);
        for (var save : json(own).getAsJsonArray("objects")) {
            assertEquals(1, save.getAsJsonObject().get("permission_read").getAsInt());
        }
        // the client asked for public saves; the hook made them private, so another player sees none
        assertEquals("{}", listSaves(player, other).body());
        HttpResponse<String> best = server.postWithToken("/v2/rpc/" + SavesModule.RPC_BEST_LEVEL, player.token(), "\"{}\"");
        assertOk(best);
        JsonObject payload = com.google.gson.JsonParser.parseString(json(best).get("payload").getAsString()).getAsJsonObject();
        assertEquals(7, payload.get("best_level").getAsInt());
        assertFalse(json(own).has("cursor"));
    }
}
