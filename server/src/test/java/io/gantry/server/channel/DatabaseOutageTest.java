package io.gantry.server.channel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.persistence.PostgresTestServer;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gantry on PostgreSQL while the database goes away and comes back, under a load of storage
 * writes: store calls are answered UNAVAILABLE (503, code 14) and change nothing; what needs no
 * store (sockets, a relayed match) keeps working; a persisted chat message is refused with its
 * cid; once the database is back the same calls succeed without a restart, and every write that
 * was acknowledged, before or around the outage, is there.
 */
class DatabaseOutageTest {

    private static final String UNAVAILABLE = "Database unavailable; retry later.";
    private static final int WRITERS = 3;

    @Test
    void storeCallsAreUnavailableWhileTheDatabaseIsAwayAndNothingAcknowledgedIsLost() throws Exception {
        try (PostgresTestServer pg = PostgresTestServer.start();
             TestServer server = TestServer.start(c -> c
                     .with(ConfigKeys.DATABASE_ADDRESS, PostgresTestServer.address(pg.freshDatabase()))
                     .with(ConfigKeys.DATABASE_CONNECT_TIMEOUT_MS, 500L))) {
            TestUser alice = server.newUser();
            TestUser bob = server.newUser();
            try (Chat a = Chat.connect(server, alice); Chat b = Chat.connect(server, bob)) {
                String room = a.joinRoom("outage").get("id").getAsString();
                b.joinRoom("outage");
                String before = a.sendOk(room, "{\"n\":1}").get("message_id").getAsString();

                // the load: writers storing objects of their own as fast as they are answered
                Set<String> acked = ConcurrentHashMap.newKeySet();
                AtomicInteger refused = new AtomicInteger();
                List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService load = Executors.newFixedThreadPool(WRITERS);
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(load.submit(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            String key = "w" + writer + "-" + i;
                            HttpResponse<String> r = write(server, alice, key);
                            if (r.statusCode() == 200) {
                                acked.add(key);
                            } else if (r.statusCode() == 503 && isUnavailable(r)) {
                                refused.incrementAndGet();
                            } else {
                                unexpected.add(r.statusCode() + " " + r.body());
                            }
                        }
                    }));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 30);

                pg.stop();
                // store calls are unavailable, answered in the shape of Nakama's errors
                HttpResponse<String> write = write(server, alice, "during");
                assertEquals(503, write.statusCode(), write.body());
                assertTrue(isUnavailable(write), write.body());
                HttpResponse<String> login = server.postWithServerKey("/v2/account/authenticate/device?create=true",
                        "{\"id\":\"" + UUID.randomUUID() + "\"}");
                assertEquals(503, login.statusCode(), login.body());
                assertTrue(isUnavailable(login), login.body());
                await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() >= WRITERS);

                // what needs no store works: a relayed match between the two sockets
                JsonObject match = a.request("match_create", new JsonObject()).getAsJsonObject("match");
                String matchId = match.get("match_id").getAsString();
                JsonObject join = new JsonObject();
                join.addProperty("match_id", matchId);
                assertTrue(b.request("match_join", join).has("match"));
                JsonObject data = new JsonObject();
                data.addProperty("match_id", matchId);
                data.addProperty("op_code", 7);
                data.addProperty("data", "aGk=");
                a.sendRequest("match_data_send", data);
                JsonObject got = b.await(e -> e.has("match_data"), "the relayed match data").getAsJsonObject("match_data");
                assertEquals("aGk=", got.get("data").getAsString());

                // a persisted chat message cannot be stored: an error with its cid, and nobody sees it
                JsonObject failed = a.request("channel_message_send", Chat.send(room, "{\"n\":2}"));
                assertTrue(failed.has("error"), failed::toString);
                assertTrue(failed.getAsJsonObject("error").get("message").getAsString().contains("could not be stored"),
                        failed::toString);

                pg.restart();
                // back without a restart of Gantry: the same call succeeds
                await().atMost(Duration.ofSeconds(30)).until(() -> write(server, alice, "after").statusCode() == 200);
                int ackedAtRecovery = acked.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() > ackedAtRecovery + WRITERS);
                stop.set(true);
                for (Future<?> writer : writers) {
                    writer.get(30, TimeUnit.SECONDS);
                }
                load.shutdown();
                assertEquals(List.of(), unexpected, "every answer was a success or UNAVAILABLE");

                // nothing acknowledged was lost; nothing refused was written
                Set<String> stored = keys(server, alice, "load");
                assertTrue(stored.containsAll(acked), () -> "acknowledged but missing: "
                        + acked.stream().filter(k -> !stored.contains(k)).limit(10).toList());
                Set<String> other = keys(server, alice, "outage");
                assertEquals(Set.of("after"), other, "the refused write during the outage changed nothing");

                // chat is back: history holds the messages before and after, not the refused one
                String after = a.sendOk(room, "{\"n\":3}").get("message_id").getAsString();
                HttpResponse<String> history = server.getWithToken("/v2/channel/"
                        + URLEncoder.encode(room, StandardCharsets.UTF_8) + "?limit=100&forward=true", alice.token());
                assertEquals(200, history.statusCode(), history.body());
                List<String> contents = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (JsonElement m : JsonParser.parseString(history.body()).getAsJsonObject().getAsJsonArray("messages")) {
                    contents.add(m.getAsJsonObject().get("content").getAsString());
                    ids.add(m.getAsJsonObject().get("message_id").getAsString());
                }
                assertEquals(List.of(before, after), ids, contents::toString);
                assertFalse(contents.stream().anyMatch(c -> c.contains("\"n\":2")), contents::toString);
            }
        }
    }

    private static HttpResponse<String> write(TestServer server, TestUser user, String key) {
        String collection = key.startsWith("w") ? "load" : "outage";
        String body = "{\"objects\":[{\"collection\":\"" + collection + "\",\"key\":\"" + key
                + "\",\"value\":\"{\\\"k\\\":\\\"" + key + "\\\"}\"}]}";
        return server.send(HttpRequest.newBuilder(server.uri("/v2/storage"))
                .header("Authorization", "Bearer " + user.token())
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static boolean isUnavailable(HttpResponse<String> r) {
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        return body.get("code").getAsInt() == 14 && UNAVAILABLE.equals(body.get("message").getAsString());
    }

    /** Every key of the user's objects in the collection, page by page. */
    private static Set<String> keys(TestServer server, TestUser user, String collection) {
        Set<String> keys = new HashSet<>();
        String cursor = "";
        do {
            HttpResponse<String> page = server.getWithToken("/v2/storage/" + collection + "?user_id=" + user.userId()
                    + "&limit=100" + (cursor.isEmpty() ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)),
                    user.token());
            assertEquals(200, page.statusCode(), page.body());
            JsonObject json = JsonParser.parseString(page.body()).getAsJsonObject();
            JsonArray objects = json.has("objects") ? json.getAsJsonArray("objects") : new JsonArray();
            for (JsonElement o : objects) {
                keys.add(o.getAsJsonObject().get("key").getAsString());
            }
            cursor = json.has("cursor") ? json.get("cursor").getAsString() : "";
        } while (!cursor.isEmpty());
        return keys;
    }
}
