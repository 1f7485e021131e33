package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /v2/channel/{id}}: pages forward and backward, stable cursors, and its errors. */
@SocketScenario
class ChannelHistoryTest {

    static TestServer server;
    /** A room with {@link #COUNT} messages, in send order. */
    static String roomId;
    static List<String> sentIds = new ArrayList<>();
    static TestUser reader;
    static final int COUNT = 25;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
        reader = server.newUser();
        try (Chat alice = Chat.connect(server, server.newUser())) {
            roomId = alice.joinRoomAndOwnEvent("history-" + UUID.randomUUID().toString().substring(0, 8))
                    .get("id").getAsString();
            for (int i = 0; i < COUNT; i++) {
                sentIds.add(alice.sendOk(roomId, "{\"i\":" + i + "}").get("message_id").getAsString());
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static int port() {
        return server.port();
    }

    @Test
    void forwardPagesRunOldestToNewestAndTheLastHasNoNextCursor() {
        JsonObject first = History.page(port(), reader.token(), roomId, 10, true, null);
        assertEquals(sentIds.subList(0, 10), History.ids(first));
        String cursor = History.nextCursor(first);
        assertNotNull(cursor);
        JsonObject second = History.page(port(), reader.token(), roomId, 10, true, cursor);
        assertEquals(sentIds.subList(10, 20), History.ids(second));
        JsonObject third = History.page(port(), reader.token(), roomId, 10, true, History.nextCursor(second));
        assertEquals(sentIds.subList(20, 25), History.ids(third));
        assertNull(History.nextCursor(third), () -> "last page has no next_cursor: " + third);
    }

    @Test
    void backwardPagesRunNewestToOldest() {
        List<String> reversed = new ArrayList<>(sentIds);
        Collections.reverse(reversed);
        JsonObject first = History.page(port(), reader.token(), roomId, 10, false, null);
        assertEquals(reversed.subList(0, 10), History.ids(first));
        JsonObject second = History.page(port(), reader.token(), roomId, 10, false, History.nextCursor(first));
        assertEquals(reversed.subList(10, 20), History.ids(second));
        JsonObject third = History.page(port(), reader.token(), roomId, 10, false, History.nextCursor(second));
        assertEquals(reversed.subList(20, 25), History.ids(third));
        assertNull(History.nextCursor(third));
    }

    @Test
    void anExactlyFullLastPageHasNoNextCursor() {
        JsonObject page = History.page(port(), reader.token(), roomId, 25, true, null);
        assertEquals(sentIds, History.ids(page));
        assertNull(History.nextCursor(page), () -> "all 25 fit in one page: " + page);
        JsonObject two = History.page(port(), reader.token(), roomId, 5, false,
                History.nextCursor(History.page(port(), reader.token(), roomId, 20, false, null)));
        assertEquals(5, History.ids(two).size());
        assertNull(History.nextCursor(two));
    }

    @Test
    void everyPageSizeWalksTheWholeHistoryBothWays() {
        for (int limit : new int[] {1, 2, 3, 7, 24, 25, 26, 100}) {
            List<String> forward = History.all(port(), reader.token(), roomId, limit, true).stream()
                    .map(m -> m.get("message_id").getAsString()).toList();
            assertEquals(sentIds, forward, "forward with limit " + limit);
            List<String> backward = new ArrayList<>(History.all(port(), reader.token(), roomId, limit, false).stream()
                    .map(m -> m.get("message_id").getAsString()).toList());
            Collections.reverse(backward);
            assertEquals(sentIds, backward, "backward with limit " + limit);
        }
    }

    @Test
    void historyEntriesCarryTheMessageFields() {
        JsonObject message = History.messages(History.page(port(), reader.token(), roomId, 1, true, null)).get(0);
        assertEquals(roomId, message.get("channel_id").getAsString());
        assertEquals(sentIds.get(0), message.get("message_id").getAsString());
        assertTrue(message.has("code"), () -> "code present even though 0: " + message);
        assertEquals(0, message.get("code").getAsInt());
        assertFalse(message.get("sender_id").getAsString().isEmpty());
        assertFalse(message.get("username").getAsString().isEmpty());
        assertEquals("{\"i\":0}", message.get("content").getAsString());
        assertTrue(message.get("persistent").getAsBoolean());
        assertEquals(roomId.substring(4), message.get("room_name").getAsString());
        RoomChatTest.assertRfc3339(message, "create_time");
        RoomChatTest.assertRfc3339(message, "update_time");
    }

    @Test
    void messagesSentBetweenPageReadsCauseNoDuplicatesAndNoGaps() {
        try (Chat writer = Chat.connect(server, server.newUser())) {
            String id = writer.joinRoomAndOwnEvent("busy-" + UUID.randomUUID().toString().substring(0, 8))
                    .get("id").getAsString();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sent.add(writer.sendOk(id, "{\"i\":" + i + "}").get("message_id").getAsString());
            }

            // forward: what arrives meanwhile is found at the end, once
            List<String> forward = new ArrayList<>();
            String cursor = null;
            int extra = 0;
            do {
                JsonObject page = History.page(port(), reader.token(), id, 4, true, cursor);
                forward.addAll(History.ids(page));
                cursor = History.nextCursor(page);
                if (cursor != null) {
                    sent.add(writer.sendOk(id, "{\"extra\":" + extra++ + "}").get("message_id").getAsString());
                }
            } while (cursor != null);
            assertEquals(2, extra, "pages of 4 over 10 + 2 messages");
            assertEquals(sent, forward, "forward walk: every message once, those sent meanwhile included");
            assertEquals(sent, History.allIds(port(), reader.token(), id, true));

            // backward: newer messages do not shift the older pages
            List<String> backward = new ArrayList<>();
            JsonObject first = History.page(port(), reader.token(), id, 4, false, null);
            backward.addAll(History.ids(first));
            cursor = History.nextCursor(first);
            for (int i = 0; i < 3; i++) {
                writer.sendOk(id, "{\"newer\":" + i + "}");
            }
            while (cursor != null) {
                JsonObject page = History.page(port(), reader.token(), id, 4, false, cursor);
                backward.addAll(History.ids(page));
                writer.sendOk(id, "{\"newest\":1}");
                cursor = History.nextCursor(page);
            }
            Collections.reverse(backward);
            assertEquals(sent, backward, "backward walk from the first page's head: every message once");
        }
    }

    @Test
    void theCacheableCursorFindsOnlyWhatArrivedSince() {
        try (Chat writer = Chat.connect(server, server.newUser())) {
            String id = writer.joinRoomAndOwnEvent("since-" + UUID.randomUUID().toString().substring(0, 8))
                    .get("id").getAsString();
            writer.sendOk(id, "{\"old\":1}");
            JsonObject page = History.page(port(), reader.token(), id, 10, true, null);
            assertTrue(page.has("cacheable_cursor"), () -> "cacheable cursor: " + page);
            String fresh = writer.sendOk(id, "{\"new\":1}").get("message_id").getAsString();
            JsonObject since = History.page(port(), reader.token(), id, 10, true, page.get("cacheable_cursor").getAsString());
            assertEquals(List.of(fresh), History.ids(since));
        }
    }

    @Test
    void anUnknownButValidRoomHasAnEmptyHistory() {
        JsonObject page = History.page(port(), reader.token(), "2...never-used-" + UUID.randomUUID(), 10, true, null);
        assertEquals(List.of(), History.ids(page));
        assertNull(History.nextCursor(page));
        assertFalse(page.has("prev_cursor"));
        JsonObject backward = History.page(port(), reader.token(), "2...never-used", 10, false, null);
        assertEquals(List.of(), History.ids(backward));
    }

    @Test
    void limitsOutsideOneToHundredAreBadInput() {
        for (String limit : List.of("0", "101", "-1", "abc", "1.5", "99999999999")) {
            History.assertError(History.get(port(), reader.token(), roomId, limit, true, null), 400, 3);
        }
        assertEquals(COUNT, History.ids(History.page(port(), reader.token(), roomId, 100, true, null)).size(),
                "limit 100 is fine");
        assertEquals(1, History.ids(History.page(port(), reader.token(), roomId, 1, true, null)).size());
    }

    @Test
    void aForgedOrForeignCursorIsBadInput() {
        String good = History.nextCursor(History.page(port(), reader.token(), roomId, 5, true, null));
        assertNotNull(good);
        List<String> forged = new ArrayList<>(List.of(
                "garbage",
                "AAAA",
                Base64.getEncoder().encodeToString("{\"offset\":0}".getBytes()),
                good.substring(0, good.length() - 2),
                good + "x",
                flipOneCharacter(good),
                "%%%",
                "\u00e9t\u00e9"));
        for (String cursor : forged) {
            HttpResponse<String> response = History.get(port(), reader.token(), roomId, "5", true, cursor);
            History.assertError(response, 400, 3);
        }
        // a real cursor of another channel, or of the other direction, is not valid here either
        History.assertError(History.get(port(), reader.token(), "2...elsewhere", "5", true, good), 400, 3);
        History.assertError(History.get(port(), reader.token(), roomId, "5", false, good), 400, 3);
        // and the real one still works
        assertEquals(sentIds.subList(5, 10), History.ids(History.page(port(), reader.token(), roomId, 5, true, good)));
    }

    private static String flipOneCharacter(String cursor) {
        char[] chars = cursor.toCharArray();
        int middle = chars.length / 2;
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    @Test
    void aMalformedChannelIdIsBadInput() {
        for (String id : List.of("lobby", "2..lobby", "9...x", "4.a.b.", "2.x..lobby", "3.not-a-uuid..")) {
            History.assertError(History.get(port(), reader.token(), id, "10", true, null), 400, 3);
        }
    }

    @Test
    void historyNeedsASessionToken() {
        History.assertError(History.get(port(), null, roomId, "10", true, null), 401, 16);
        History.assertError(History.get(port(), "not.a.token", roomId, "10", true, null), 401, 16);
    }

    @Test
    void defaultsAreForwardFromTheOldest() {
        JsonObject page = History.page(port(), reader.token(), roomId, 3, true, null);
        HttpResponse<String> noForward = History.get(port(), reader.token(), roomId, "3", null, null);
        assertEquals(200, noForward.statusCode());
        assertEquals(History.ids(page), History.ids(com.google.gson.JsonParser.parseString(noForward.body()).getAsJsonObject()));
    }

    /** Room names are free text: history must find them under the URL-encoded id nakama-js sends. */
    @Test
    void roomNamesWithUrlSpecialCharactersFindTheirHistory() {
        List<String> failures = new ArrayList<>();
        try (Chat writer = Chat.connect(server, server.newUser())) {
            String tag = UUID.randomUUID().toString().substring(0, 6);
            for (String name : List.of("a b " + tag, "a+b " + tag, "a/b " + tag, "a?b&c=d " + tag, "100% " + tag,
                    "caf\u00e9 " + tag, "emoji \ud83d\ude00 " + tag, "dots...x " + tag, "hash#1 " + tag)) {
                String id = writer.joinRoomAndOwnEvent(name).get("id").getAsString();
                String messageId = writer.sendOk(id, "{\"in\":1}").get("message_id").getAsString();
                HttpResponse<String> response = History.get(port(), reader.token(), id, "10", true, null);
                String got = response.statusCode() + " " + response.body();
                if (response.statusCode() != 200 || !got.contains(messageId)) {
                    failures.add("'" + name + "' -> " + got);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aCursorStillWorksAfterItsMessageIsRemoved() {
        try (Chat writer = Chat.connect(server, server.newUser())) {
            String id = writer.joinRoomAndOwnEvent("removed-" + UUID.randomUUID().toString().substring(0, 8))
                    .get("id").getAsString();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(writer.sendOk(id, "{\"i\":" + i + "}").get("message_id").getAsString());
            }
            JsonObject first = History.page(port(), reader.token(), id, 3, true, null);
            writer.removeOk(id, sent.get(2)); // the message the cursor points at
            JsonObject second = History.page(port(), reader.token(), id, 3, true, History.nextCursor(first));
            assertEquals(sent.subList(3, 6), History.ids(second));
            assertNull(History.nextCursor(second));
        }
    }
}
