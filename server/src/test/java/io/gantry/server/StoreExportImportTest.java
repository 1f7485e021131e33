package io.gantry.server;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.examples.leaderboards.LeaderboardsModule;
import io.gantry.persistence.PostgresTestServer;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import static io.gantry.server.Rest.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gantry export}, {@code import} and {@code migrate}: a server's data on the embedded store,
 * made through the API (accounts, storage objects, friends, a group, a leaderboard record, chat
 * history, notifications), moves to PostgreSQL and back with every record the same, and a server
 * on the PostgreSQL copy answers the same reads as the original did.
 */
class StoreExportImportTest {

    @TempDir
    Path dir;

    @Test
    void dataMovesFromTheEmbeddedStoreToPostgresAndBackWithNothingLost() throws Exception {
        Path rocksA = dir.resolve("rocks-a");
        Path rocksB = dir.resolve("rocks-b");
        String postgres = PostgresTestServer.address(PostgresTestServer.shared().freshDatabase());
        String deviceId = "device-" + UUID.randomUUID();
        String email = "bob-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        List<String> reads;
        TestUser alice;
        try (TestServer server = onRocks(rocksA)) {
            alice = server.newUser(deviceId, "alice");
            TestUser bob = TestUser.fromSession(session(server, "/v2/account/authenticate/email?create=true&username=bob",
                    "{\"email\":\"" + email + "\",\"password\":\"password-1\"}"), "");
            assertOk(call(server, "PUT", "/v2/account", alice, "{\"display_name\":\"Alice A\"}"));
            assertOk(call(server, "PUT", "/v2/storage", alice, "{\"objects\":[{\"collection\":\"saves\",\"key\":\"slot1\","
                    + "\"value\":\"{\\\"level\\\": 3, \\\"z\\\": [1, 2]}\",\"permission_read\":2},"
                    + "{\"collection\":\"saves\",\"key\":\"slot2\",\"value\":\"{}\"}]}"));
            assertOk(call(server, "POST", "/v2/friend?ids=" + bob.userId(), alice, null));
            assertOk(call(server, "POST", "/v2/friend?ids=" + alice.userId(), bob, null));
            JsonObject group = Rest.json(call(server, "POST", "/v2/group", alice, "{\"name\":\"movers\",\"open\":true}"));
            assertOk(call(server, "POST", "/v2/group/" + group.get("id").getAsString() + "/join", bob, null));
            assertOk(call(server, "POST", "/v2/leaderboard/global", alice, "{\"score\":\"42\"}"));
            assertOk(call(server, "POST", "/v2/leaderboard/global", bob, "{\"score\":\"7\"}"));
            try (var socket = server.connect(alice, "json", false)) {
                for (String content : List.of("{\"n\":1}", "{\"n\":2}")) {
                    JsonObject send = new JsonObject();
                    send.addProperty("channel_id", "2...lobby");
                    send.addProperty("content", content);
                    if (content.contains("1")) {
                        JsonObject join = new JsonObject();
                        join.addProperty("target", "lobby");
                        join.addProperty("type", 1);
                        request(socket, "channel_join", join);
                    }
                    assertTrue(request(socket, "channel_message_send", send).has("channel_message_ack"));
                }
            }
            reads = reads(server, alice, bob, group.get("id").getAsString());
        }

        Path first = dir.resolve("first.gz");
        assertEquals(0, run("export", first.toString(), "--data_dir", rocksA.toString()));
        assertEquals(0, run("import", first.toString(), "--database.address", postgres));
        assertEquals(1, run("import", first.toString(), "--database.address", postgres), "a store with data is refused");
        Path second = dir.resolve("second");
        assertEquals(0, run("export", second.toString(), "--database.address", postgres));
        assertEquals(0, run("import", second.toString(), "--data_dir", rocksB.toString()));
        Path third = dir.resolve("third");
        assertEquals(0, run("export", third.toString(), "--data_dir", rocksB.toString()));

        List<String> records = records(first);
        assertTrue(records.size() >= 15, "the export holds the data: " + records.size());
        assertEquals(sorted(records), sorted(records(second)), "RocksDB to PostgreSQL: every record the same");
        assertEquals(sorted(records), sorted(records(third)), "and back: every record the same");
        assertEquals(0, run("migrate", "--database.address", postgres));

        // a server on the PostgreSQL copy answers as the original did
        try (TestServer server = onPostgres(postgres)) {
            TestUser again = server.newUser(deviceId, null);
            assertEquals(alice.userId(), again.userId(), "the device logs in to the same account");
            TestUser bob = TestUser.fromSession(session(server, "/v2/account/authenticate/email",
                    "{\"email\":\"" + email + "\",\"password\":\"password-1\"}"), "");
            JsonObject aliceGroups = Rest.json(server.getWithToken("/v2/user/" + again.userId() + "/group", again.token()));
            String groupId = aliceGroups.getAsJsonArray("user_groups").get(0).getAsJsonObject()
                    .getAsJsonObject("group").get("id").getAsString();
            assertEquals(reads, reads(server, again, bob, groupId));
        }
    }

    /** What the two users read back, each answer as JSON text, from the calls every store must answer alike. */
    private static List<String> reads(TestServer server, TestUser alice, TestUser bob, String groupId) {
        List<String> out = new ArrayList<>();
        JsonObject account = Rest.json(server.getWithToken("/v2/account", alice.token()));
        account.getAsJsonObject("user").remove("online");
        account.getAsJsonObject("user").remove("edge_count");
        out.add(account.toString());
        out.add(server.getWithToken("/v2/storage/saves?user_id=" + alice.userId() + "&limit=10", alice.token()).body());
        out.add(server.getWithToken("/v2/friend", alice.token()).body());
        out.add(server.getWithToken("/v2/friend", bob.token()).body());
        out.add(server.getWithToken("/v2/group/" + groupId + "/user", alice.token()).body());
        out.add(server.getWithToken("/v2/leaderboard/global", alice.token()).body());
        out.add(server.getWithToken("/v2/channel/" + URLEncoder.encode("2...lobby", StandardCharsets.UTF_8)
                + "?limit=10&forward=true", alice.token()).body());
        out.add(server.getWithToken("/v2/notification?limit=10", bob.token()).body());
        out.add(server.getWithToken("/v2/notification?limit=10", alice.token()).body());
        return out;
    }

    private static TestServer onRocks(Path dataDir) throws InterruptedException {
        return TestServer.start(c -> c.with(ConfigKeys.DATA_DIR, dataDir.toString())
                .with(ConfigKeys.DATABASE_ADDRESS, ""), r -> r.module(new LeaderboardsModule()));
    }

    private static TestServer onPostgres(String address) throws InterruptedException {
        return TestServer.start(c -> c.with(ConfigKeys.DATABASE_ADDRESS, address), r -> r.module(new LeaderboardsModule()));
    }

    private static int run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = StoreCommands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        System.out.println("gantry " + String.join(" ", args) + " -> " + status + ": "
                + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        return status;
    }

    /** Every record of an export but its header, as text. */
    private static List<String> records(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            DumpRecord header = DumpRecord.parseDelimitedFrom(in);
            assertTrue(header.hasHeader());
            DumpRecord record;
            while ((record = DumpRecord.parseDelimitedFrom(in)) != null) {
                assertFalse(record.hasHeader());
                out.add(record.toString());
            }
        }
        return out;
    }

    private static List<String> sorted(List<String> records) {
        List<String> copy = new ArrayList<>(records);
        copy.sort(null);
        return copy;
    }

    private static HttpResponse<String> call(TestServer server, String method, String path, TestUser user, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String session(TestServer server, String path, String body) {
        HttpResponse<String> response = server.postWithServerKey(path, body);
        assertOk(response);
        return JsonParser.parseString(response.body()).getAsJsonObject().get("token").getAsString();
    }

    private static JsonObject request(io.gantry.server.testing.SocketClient socket, String type, JsonObject body) {
        String cid = socket.nextCid();
        JsonObject envelope = new JsonObject();
        envelope.addProperty("cid", cid);
        envelope.add(type, body);
        socket.sendText(envelope.toString());
        return socket.awaitFrame(f -> f.text() != null && f.json().has("cid")
                && f.json().get("cid").getAsString().equals(cid), "reply " + cid).json();
    }
}
