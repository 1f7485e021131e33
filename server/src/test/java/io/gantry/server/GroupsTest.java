package io.gantry.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.BoolValue;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.enc;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Groups over REST ({@code /v2/group...}, {@code /v2/user/{id}/group}): Nakama 3.18's answers as
 * recorded in interop/differential/reference-facts/social.md, sections "groups: ...": create
 * defaults and refusals, update rules, join (open, closed, full, again), add and accept, leave and
 * the last superadmin, delete, who may kick/promote/demote/ban whom, bans, listings with their
 * filters, limits, cursors and states; the join-request (-5) and add (-4) notifications live and
 * stored. Every refusal is checked to change nothing. A concurrency test checks that each group's
 * edge_count stays equal to its listed members whatever many clients do at once.
 */
@SocketScenario
class GroupsTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- helpers ------------------------------------------------------------------------------

    static HttpResponse<String> call(String method, String path, TestUser user, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        if (user != null) {
            request.header("Authorization", "Bearer " + user.token());
        }
        return server.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    static void ok(String method, String path, TestUser user) {
        HttpResponse<String> response = call(method, path, user, null);
        assertOk(response);
        assertEquals("{}", response.body(), path);
    }

    static JsonObject get(String path, TestUser user) {
        HttpResponse<String> response = call("GET", path, user, null);
        assertOk(response);
        return json(response);
    }

    static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonObject create(TestUser user, String body) {
        HttpResponse<String> response = call("POST", "/v2/group", user, body);
        assertOk(response);
        return json(response);
    }

    /** Creates a group named {@code name}, open or closed, with max_count 100; returns its id. */
    static String group(TestUser creator, String name, boolean open) {
        return create(creator, "{\"name\":\"" + name + "\",\"open\":" + open + "}").get("id").getAsString();
    }

    /** The group with exactly this name (names in these tests hold no wildcard). */
    static JsonObject byName(String name, TestUser viewer) {
        JsonObject body = get("/v2/group?name=" + enc(name) + "&limit=100", viewer);
        for (JsonElement e : array(body, "groups")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        return null;
    }

    static JsonArray array(JsonObject body, String field) {
        return body.has(field) ? body.getAsJsonArray(field) : new JsonArray();
    }

    /** userId → state of every edge of the group, banned users included. */
    static Map<String, Integer> members(String groupId, TestUser viewer) {
        Map<String, Integer> out = new TreeMap<>();
        for (String query : List.of("?limit=100", "?limit=100&state=4")) {
            for (JsonElement e : array(get("/v2/group/" + groupId + "/user" + query, viewer), "group_users")) {
                JsonObject u = e.getAsJsonObject();
                out.put(u.getAsJsonObject("user").get("id").getAsString(), u.get("state").getAsInt());
            }
        }
        return out;
    }

    /** Everything a refusal must leave as it was: the group as listed, and every edge. */
    static String snapshot(String groupId, String name, TestUser viewer) {
        return String.valueOf(byName(name, viewer)) + " " + members(groupId, viewer);
    }

    static List<String> names(JsonObject list) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : array(list, "groups")) {
            out.add(e.getAsJsonObject().get("name").getAsString());
        }
        return out;
    }

    // ---- create -------------------------------------------------------------------------------

    @Test
    void createAnswersTheGroupWithNakamasDefaultsAndRefusesBadInputChangingNothing() {
        TestUser o = server.newUser();
        TestUser m = server.newUser();
        String r = tag();
        JsonObject full = create(o, "{\"name\":\"G-" + r + "\",\"description\":\"desc\",\"lang_tag\":\"lt" + r
                + "\",\"avatar_url\":\"http://x/g.png\",\"open\":true,\"max_count\":5}");
        assertEquals(Set.of("id", "creator_id", "name", "description", "lang_tag", "metadata", "avatar_url", "open",
                "edge_count", "max_count", "create_time", "update_time"), full.keySet());
        assertEquals(o.userId(), full.get("creator_id").getAsString());
        assertEquals("desc", full.get("description").getAsString());
        assertEquals("lt" + r, full.get("lang_tag").getAsString());
        assertEquals("{}", full.get("metadata").getAsString());
        assertTrue(full.get("open").getAsBoolean());
        assertEquals(1, full.get("edge_count").getAsInt());
        assertEquals(5, full.get("max_count").getAsInt());
        assertTrue(full.get("create_time").getAsString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));

        JsonObject min = create(o, "{\"name\":\"min-" + r + "\"}");
        assertEquals(Set.of("id", "creator_id", "name", "lang_tag", "metadata", "open", "edge_count", "max_count",
                "create_time", "update_time"), min.keySet(), "empty description and avatar are omitted, open is not");
        assertEquals("en", min.get("lang_tag").getAsString());
        assertFalse(min.get("open").getAsBoolean());
        assertEquals(100, min.get("max_count").getAsInt());
        assertEquals(Map.of(o.userId(), 0), members(min.get("id").getAsString(), m));

        assertEquals(100, create(o, "{\"name\":\"mc0-" + r + "\",\"max_count\":0}").get("max_count").getAsInt());
        assertEquals(1, create(o, "{\"name\":\"mc1-" + r + "\",\"max_count\":1}").get("max_count").getAsInt());
        assertEquals("en", create(o, "{\"name\":\"le-" + r + "\",\"lang_tag\":\"\"}").get("lang_tag").getAsString());
        assertEquals(" sp %" + r + " ", create(o, "{\"name\":\" sp %" + r + " \"}").get("name").getAsString());
        assertEquals("{}", create(o, "{\"name\":\"md-" + r + "\",\"metadata\":\"{\\\"a\\\":1}\"}").get("metadata").getAsString(),
                "a client's metadata is ignored");
        create(o, "{\"name\":\"uf-" + r + "\",\"foo\":1}");
        assertEquals("g-" + r, create(m, "{\"name\":\"g-" + r + "\"}").get("name").getAsString(),
                "names are unique case-sensitively");
        String name255 = r + "n".repeat(255 - r.length());
        create(o, "{\"name\":\"" + name255 + "\"}");

        int before = array(get("/v2/user/" + o.userId() + "/group", o), "user_groups").size();
        assertEquals(9, before);
        assertError(call("POST", "/v2/group", o, "{\"name\":\"G-" + r + "\"}"), 409, 6, "Group name is in use.");
        assertError(call("POST", "/v2/group", m, "{\"name\":\"g-" + r + "\"}"), 409, 6, "Group name is in use.");
        assertError(call("POST", "/v2/group", o, "{\"description\":\"x\"}"), 400, 3, "Group name must be set.");
        assertError(call("POST", "/v2/group", o, "{\"name\":\"\"}"), 400, 3, "Group name must be set.");
        assertError(call("POST", "/v2/group", o, "{\"name\":\"mcn-" + r + "\",\"max_count\":-1}"), 400, 3,
                "Group max count must be >= 1 when set.");
        assertError(call("POST", "/v2/group", o, "{\"name\":\"l19-" + r + "\",\"lang_tag\":\"" + "x".repeat(19) + "\"}"),
                500, 13, "Error while trying to create group.");
        assertError(call("POST", "/v2/group", o, "{\"name\":\"" + name255 + "n\"}"), 500, 13,
                "Error while trying to create group.");
        assertError(call("POST", "/v2/group", o, "nope"), 400, 3, null);
        assertError(call("POST", "/v2/group", null, "{\"name\":\"nt-" + r + "\"}"), 401, 16, "Auth token required");
        assertEquals(before, array(get("/v2/user/" + o.userId() + "/group", o), "user_groups").size(),
                "no refused create made a group");
        assertEquals(null, byName("mcn-" + r, o));
    }

    // ---- update -------------------------------------------------------------------------------

    @Test
    void superadminsAndAdminsUpdateOnlyTheFieldsSentAndRefusalsChangeNothing() {
        TestUser o = server.newUser();
        TestUser m = server.newUser();
        TestUser ad = server.newUser();
        String r = tag();
        String g1 = group(o, "G-" + r, true);
        group(o, "min-" + r, false);
        ok("POST", "/v2/group/" + g1 + "/add?user_ids=" + ad.userId(), o);
        ok("POST", "/v2/group/" + g1 + "/promote?user_ids=" + ad.userId(), o);
        ok("POST", "/v2/group/" + g1 + "/join", m);

        String before = snapshot(g1, "G-" + r, o);
        String denied = "Group not found or you're not allowed to update.";
        TestUser outsider = server.newUser();
        assertError(call("PUT", "/v2/group/" + g1, outsider, "{\"description\":\"hack\"}"), 404, 5, denied);
        assertError(call("PUT", "/v2/group/" + g1, m, "{\"description\":\"m\"}"), 404, 5, denied);
        assertError(call("PUT", "/v2/group/" + g1, o, "{}"), 400, 3, "Specify at least one field to update.");
        assertError(call("PUT", "/v2/group/" + g1, o, "{\"max_count\":9}"), 400, 3, "Specify at least one field to update.");
        assertError(call("PUT", "/v2/group/" + g1, o, "{\"metadata\":\"{\\\"a\\\":1}\"}"), 400, 3,
                "Specify at least one field to update.");
        assertError(call("PUT", "/v2/group/" + g1, o, "{\"name\":\"min-" + r + "\"}"), 400, 3, "Group name is in use.");
        assertError(call("PUT", "/v2/group/" + g1, o, "{\"name\":\"\"}"), 400, 3, "Group name cannot be empty.");
        assertError(call("PUT", "/v2/group/" + g1, o, "{\"lang_tag\":\"\"}"), 400, 3, "Group language cannot be empty.");
        assertError(call("PUT", "/v2/group/nope", o, "{\"description\":\"x\"}"), 400, 3, "Group ID must be a valid ID.");
        assertError(call("PUT", "/v2/group/11111111-2222-3333-4444-555555555555", o, "{\"description\":\"x\"}"),
                404, 5, denied);
        assertEquals(before, snapshot(g1, "G-" + r, o), "no refused update changed anything");

        assertOk(call("PUT", "/v2/group/" + g1, o, "{\"open\":true}"));   // the current value again
        assertOk(call("PUT", "/v2/group/" + g1, o, "{\"description\":\"desc2\",\"avatar_url\":\"http://x/h.png\"}"));
        assertOk(call("PUT", "/v2/group/" + g1, ad, "{\"lang_tag\":\"xx\",\"open\":false}"));
        assertOk(call("PUT", "/v2/group/" + g1, o, "{\"name\":\"G2-" + r + "\"}"));
        JsonObject updated = byName("G2-" + r, o);
        assertEquals("desc2", updated.get("description").getAsString());
        assertEquals("http://x/h.png", updated.get("avatar_url").getAsString());
        assertEquals("xx", updated.get("lang_tag").getAsString());
        assertFalse(updated.get("open").getAsBoolean());
        assertEquals(100, updated.get("max_count").getAsInt(), "max_count is not a client's to change");
        assertEquals(null, byName("G-" + r, o), "the old name is free");
        assertOk(call("PUT", "/v2/group/" + g1, o, "{\"description\":\"\"}"));
        assertFalse(byName("G2-" + r, o).has("description"), "an empty description clears it");
    }

    // ---- join, add, leave, delete -------------------------------------------------------------

    @Test
    void joiningAnOpenGroupMakesAMemberAndAClosedOneARequestTheAdminsAreToldOf() {
        TestUser o = server.newUser();
        TestUser ad = server.newUser();
        TestUser m = server.newUser();
        TestUser x = server.newUser();
        String r = tag();
        String g1 = group(o, "G-" + r, true);
        String g2 = group(o, "min-" + r, false);
        ok("POST", "/v2/group/" + g2 + "/add?user_ids=" + ad.userId(), o);
        ok("POST", "/v2/group/" + g2 + "/promote?user_ids=" + ad.userId(), o);
        try (SocketClient os = server.connect(o, "json", false);
             SocketClient ads = server.connect(ad, "json", false);
             SocketClient xs = server.connect(x, "json", false)) {
            ok("POST", "/v2/group/" + g1 + "/join", m);
            ok("POST", "/v2/group/" + g1 + "/join", m);   // again: nothing
            ok("POST", "/v2/group/" + g1 + "/join", o);   // its superadmin: nothing
            assertEquals(Map.of(o.userId(), 0, m.userId(), 2), members(g1, o));
            assertEquals(2, byName("G-" + r, o).get("edge_count").getAsInt());

            ok("POST", "/v2/group/" + g2 + "/join", x);
            for (SocketClient admin : List.of(os, ads)) {
                JsonObject n = FriendsTest.notification(admin);
                assertEquals("User " + x.username() + " wants to join your group", n.get("subject").getAsString());
                assertEquals(-5, n.get("code").getAsInt());
                assertEquals(x.userId(), n.get("sender_id").getAsString());
                assertTrue(n.get("persistent").getAsBoolean());
                JsonObject content = JsonParser.parseString(n.get("content").getAsString()).getAsJsonObject();
                assertEquals(Map.of("group_id", g2, "username", x.username()),
                        Map.of("group_id", content.get("group_id").getAsString(), "username", content.get("username").getAsString()));
            }
            ok("POST", "/v2/group/" + g2 + "/join", x);   // a pending request again: nothing sent
            assertEquals(Map.of(o.userId(), 0, ad.userId(), 1, x.userId(), 3), members(g2, o));
            assertEquals(2, byName("min-" + r, o).get("edge_count").getAsInt(), "a request is not counted");
            JsonArray xGroups = get("/v2/user/" + x.userId() + "/group", x).getAsJsonArray("user_groups");
            assertEquals(1, xGroups.size());
            assertEquals(3, xGroups.get(0).getAsJsonObject().get("state").getAsInt());
            JsonArray stored = get("/v2/notification?limit=10", o).getAsJsonArray("notifications");
            assertEquals(1, stored.size(), "one request stored for o");
            assertEquals(-5, stored.get(0).getAsJsonObject().get("code").getAsInt());
            for (SocketClient s : List.of(os, ads, xs)) {
                s.assertNothingElse();
            }
        }
        assertError(call("POST", "/v2/group/11111111-2222-3333-4444-555555555555/join", x, null), 404, 5, "Group not found.");
        assertError(call("POST", "/v2/group/nope/join", x, null), 400, 3, "Group ID must be a valid ID.");
    }

    @Test
    void addingAcceptsARequestOrAddsDirectlyAndTellsTheUserAndAnyBadUserRefusesTheWholeCall() {
        TestUser o = server.newUser();
        TestUser x = server.newUser();
        TestUser y = server.newUser();
        TestUser z = server.newUser();
        String r = tag();
        String name = "min-" + r;
        String g2 = group(o, name, false);
        ok("POST", "/v2/group/" + g2 + "/join", x);
        try (SocketClient xs = server.connect(x, "json", false); SocketClient ys = server.connect(y, "json", false)) {
            ok("POST", "/v2/group/" + g2 + "/add?user_ids=" + x.userId() + "&user_ids=" + y.userId(), o);
            for (SocketClient s : List.of(xs, ys)) {
                JsonObject n = FriendsTest.notification(s);
                assertEquals("You've been added to group " + name, n.get("subject").getAsString());
                assertEquals(-4, n.get("code").getAsInt());
                assertEquals(o.userId(), n.get("sender_id").getAsString());
                JsonObject content = JsonParser.parseString(n.get("content").getAsString()).getAsJsonObject();
                assertEquals(g2, content.get("group_id").getAsString());
                assertEquals(name, content.get("name").getAsString());
            }
            ok("POST", "/v2/group/" + g2 + "/add?user_ids=" + x.userId(), o);   // a member already: nothing
            xs.assertNothingElse();
            ys.assertNothingElse();
        }
        JsonArray stored = get("/v2/notification?limit=10", x).getAsJsonArray("notifications");
        assertEquals(1, stored.size());
        assertEquals(-4, stored.get(0).getAsJsonObject().get("code").getAsInt());
        assertEquals(Map.of(o.userId(), 0, x.userId(), 2, y.userId(), 2), members(g2, o));

        String before = snapshot(g2, name, o);
        assertError(call("POST", "/v2/group/" + g2 + "/add?user_ids=" + z.userId()
                + "&user_ids=11111111-2222-3333-4444-555555555555", o, null), 400, 3, "One or more users not found.");
        assertError(call("POST", "/v2/group/" + g2 + "/add?user_ids=nope", o, null), 400, 3, "User ID must be a valid ID.");
        assertError(call("POST", "/v2/group/11111111-2222-3333-4444-555555555555/add?user_ids=" + z.userId(), o, null),
                404, 5, "Group not found or permission denied.");
        assertError(call("POST", "/v2/group/nope/add?user_ids=" + z.userId(), o, null), 400, 3, "Group ID must be a valid ID.");
        assertError(call("POST", "/v2/group/" + g2 + "/add?user_ids=" + z.userId(), x, null), 404, 5,
                "Group not found or permission denied.");
        ok("POST", "/v2/group/" + g2 + "/add", o);
        assertOk(call("POST", "/v2/group/" + g2 + "/add", o, "{\"user_ids\":[\"" + z.userId() + "\"]}"));
        assertEquals(before, snapshot(g2, name, o), "z was never added: the known z with an unknown user, a body");

        String fullName = "full-" + r;
        String gf = create(o, "{\"name\":\"" + fullName + "\",\"open\":true,\"max_count\":2}").get("id").getAsString();
        ok("POST", "/v2/group/" + gf + "/join", x);
        String fullBefore = snapshot(gf, fullName, o);
        assertError(call("POST", "/v2/group/" + gf + "/join", y, null), 400, 3, "Group is full.");
        assertError(call("POST", "/v2/group/" + gf + "/add?user_ids=" + y.userId(), o, null), 400, 3, "Group is full.");
        // the full check comes first: a member joining again, or the superadmin, hear it too
        assertError(call("POST", "/v2/group/" + gf + "/join", x, null), 400, 3, "Group is full.");
        assertError(call("POST", "/v2/group/" + gf + "/join", o, null), 400, 3, "Group is full.");
        assertOk(call("PUT", "/v2/group/" + gf, o, "{\"open\":false}"));
        fullBefore = fullBefore.replace("\"open\":true", "\"open\":false").replaceAll("\"update_time\":\"[^\"]*\"", "");
        assertError(call("POST", "/v2/group/" + gf + "/join", y, null), 400, 3, "Group is full.");
        assertEquals(fullBefore, snapshot(gf, fullName, o).replaceAll("\"update_time\":\"[^\"]*\"", ""));
    }

    @Test
    void leavingEndsAMembershipButNotTheLastSuperadminsAndOnlyASuperadminDeletes() {
        TestUser o = server.newUser();
        TestUser u1 = server.newUser();
        TestUser ad = server.newUser();
        TestUser z = server.newUser();
        String r = tag();
        String name = "pA-" + r;
        String g = group(o, name, true);
        ok("POST", "/v2/group/" + g + "/join", u1);
        ok("POST", "/v2/group/" + g + "/add?user_ids=" + ad.userId(), o);
        ok("POST", "/v2/group/" + g + "/promote?user_ids=" + ad.userId(), o);

        ok("POST", "/v2/group/11111111-2222-3333-4444-555555555555/leave", z);
        ok("POST", "/v2/group/" + g + "/leave", z);
        String before = snapshot(g, name, o);
        assertError(call("POST", "/v2/group/" + g + "/leave", o, null), 400, 3,
                "Cannot leave group when you are the last superadmin.");
        assertError(call("POST", "/v2/group/nope/leave", o, null), 400, 3, "Group ID must be a valid ID.");
        String denied = "Group not found or you're not allowed to delete.";
        assertError(call("DELETE", "/v2/group/" + g, u1, null), 400, 3, denied);
        assertError(call("DELETE", "/v2/group/" + g, ad, null), 400, 3, denied);
        assertError(call("DELETE", "/v2/group/11111111-2222-3333-4444-555555555555", o, null), 400, 3, denied);
        assertError(call("DELETE", "/v2/group/nope", o, null), 400, 3, "Group ID must be a valid ID.");
        assertEquals(before, snapshot(g, name, o));

        // named twice, promoted twice (2 → 1 → 0), as Nakama
        ok("POST", "/v2/group/" + g + "/promote?user_ids=" + u1.userId() + "&user_ids=" + u1.userId(), o);
        assertEquals(0, members(g, o).get(u1.userId()));
        ok("POST", "/v2/group/" + g + "/leave", o);   // no longer the last superadmin
        assertError(call("POST", "/v2/group/" + g + "/leave", u1, null), 400, 3,
                "Cannot leave group when you are the last superadmin.");
        assertEquals(Map.of(u1.userId(), 0, ad.userId(), 1), members(g, u1));
        assertEquals(2, byName(name, u1).get("edge_count").getAsInt());

        ok("DELETE", "/v2/group/" + g, u1);
        assertError(call("DELETE", "/v2/group/" + g, u1, null), 400, 3, denied);
        assertEquals("{}", call("GET", "/v2/group/" + g + "/user", u1, null).body());
        assertEquals(0, array(get("/v2/user/" + ad.userId() + "/group", ad), "user_groups").size());
        assertEquals(null, byName(name, u1));
        assertError(call("POST", "/v2/group/" + g + "/join", z, null), 404, 5, "Group not found.");
    }

    /** The next channel message on the socket, as "code:sender username". */
    static String membershipMessage(SocketClient socket, String groupId) {
        Envelope e = socket.awaitEnvelope(Envelope.MessageCase.CHANNEL_MESSAGE);
        var message = e.getChannelMessage();
        assertEquals(groupId, message.getGroupId());
        assertEquals("{}", message.getContent());
        return message.getCode().getValue() + ":" + message.getSenderId() + " " + message.getUsername();
    }

    @Test
    void eachMembershipChangeIsAMessageInTheGroupsChannelFromTheAffectedUser() {
        TestUser o = server.newUser();
        TestUser m = server.newUser();
        TestUser x = server.newUser();
        String g = group(o, "chat-" + tag(), true);
        try (SocketClient os = server.connect(o, "json", false)) {
            Envelope joined = os.request(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder().setTarget(g).setType(3)
                    .setPersistence(BoolValue.of(true)).setHidden(BoolValue.of(false))));
            assertTrue(joined.hasChannel(), joined::toString);
            os.barrier();   // o's own presence event
            ok("POST", "/v2/group/" + g + "/join", m);
            assertEquals("3:" + m.userId() + " " + m.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/add?user_ids=" + x.userId(), o);
            assertEquals("4:" + x.userId() + " " + x.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/promote?user_ids=" + x.userId(), o);
            assertEquals("7:" + x.userId() + " " + x.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/demote?user_ids=" + x.userId(), o);
            assertEquals("9:" + x.userId() + " " + x.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/kick?user_ids=" + x.userId(), o);
            assertEquals("6:" + x.userId() + " " + x.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/ban?user_ids=" + m.userId(), o);
            assertEquals("8:" + m.userId() + " " + m.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/join", x);
            assertEquals("3:" + x.userId() + " " + x.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/leave", x);
            assertEquals("5:" + x.userId() + " " + x.username(), membershipMessage(os, g));
            ok("POST", "/v2/group/" + g + "/join", m);   // banned: nothing
            ok("POST", "/v2/group/" + g + "/leave", m);   // banned: nothing
            os.assertNothingElse();
            // the messages are the channel's history too
            JsonArray history = get("/v2/channel/3." + g + "..?limit=100", o).getAsJsonArray("messages");
            List<Integer> codes = new ArrayList<>();
            for (JsonElement e : history) {
                codes.add(e.getAsJsonObject().get("code").getAsInt());
            }
            assertEquals(List.of(3, 4, 7, 9, 6, 8, 3, 5), codes);
            ok("DELETE", "/v2/group/" + g, o);
            os.assertNothingElse();
        }
    }

    // ---- who may kick / promote / demote / ban whom ---------------------------------------------

    /** The roles of the matrix: S creates the group; S2 superadmin, A/A2 admins, M/M2 members, J/J2 requests, Bn banned. */
    static final List<String> ROLES = List.of("S", "S2", "A", "A2", "M", "M2", "J", "J2", "Bn", "O");

    static Map<String, TestUser> matrixGroup(Map<String, String> ids) {
        Map<String, TestUser> users = new LinkedHashMap<>();
        for (String role : ROLES) {
            users.put(role, server.newUser());
        }
        String g = group(users.get("S"), "mx-" + tag(), false);
        ids.put("g", g);
        TestUser s = users.get("S");
        ok("POST", "/v2/group/" + g + "/add?user_ids=" + String.join("&user_ids=", Stream.of("S2", "A", "A2", "M", "M2", "Bn")
                .map(k -> users.get(k).userId()).toList()), s);
        ok("POST", "/v2/group/" + g + "/promote?user_ids=" + String.join("&user_ids=", Stream.of("S2", "A", "A2")
                .map(k -> users.get(k).userId()).toList()), s);
        ok("POST", "/v2/group/" + g + "/promote?user_ids=" + users.get("S2").userId(), s);
        ok("POST", "/v2/group/" + g + "/join", users.get("J"));
        ok("POST", "/v2/group/" + g + "/join", users.get("J2"));
        ok("POST", "/v2/group/" + g + "/ban?user_ids=" + users.get("Bn").userId(), s);
        return users;
    }

    /** The target's state after the action, or "-" for no edge. */
    static String stateOf(Map<String, Integer> members, TestUser user) {
        Integer state = members.get(user.userId());
        return state == null ? "-" : String.valueOf(state);
    }

    /**
     * Each row: action, actor, then the target's state after the action for targets S2, A2, M2, J2,
     * Bn, O, self (before: 0, 1, 2, 3, 4, -, the actor's own). Copied from the reference facts.
     */
    @ParameterizedTest(name = "{0} by {1}")
    @CsvSource({
            "kick,    S, -, -, -, -, -, -, 0",
            "kick,    A, 0, 1, -, -, -, -, 1",
            "promote, S, 0, 0, 1, 3, 4, -, 0",
            "promote, A, 0, 1, 1, 3, 4, -, 1",
            "demote,  S, 1, 2, 2, 3, 4, -, 0",
            "demote,  A, 0, 2, 2, 3, 4, -, 1",
            "ban,     S, 4, 4, 4, 4, 4, -, 0",
            "ban,     A, 0, 1, 4, 4, 4, -, 1",
    })
    void superadminsAndAdminsActOnTheTargetsTheirRoleAllowsAndSkipTheOthersSilently(
            String action, String actor, String s2, String a2, String m2, String j2, String bn, String o, String self) {
        List<String> targets = List.of("S2", "A2", "M2", "J2", "Bn", "O", "self");
        List<String> expected = List.of(s2, a2, m2, j2, bn, o, self);
        for (int i = 0; i < targets.size(); i++) {
            Map<String, String> ids = new LinkedHashMap<>();
            Map<String, TestUser> users = matrixGroup(ids);
            String g = ids.get("g");
            TestUser target = users.get(targets.get(i).equals("self") ? actor : targets.get(i));
            ok("POST", "/v2/group/" + g + "/" + action + "?user_ids=" + target.userId(), users.get(actor));
            Map<String, Integer> after = members(g, users.get("S"));
            assertEquals(expected.get(i), stateOf(after, target), action + " by " + actor + " of " + targets.get(i));
            int counted = (int) after.values().stream().filter(st -> st <= 2).count();
            JsonObject listed = get("/v2/user/" + users.get("S").userId() + "/group", users.get("S"))
                    .getAsJsonArray("user_groups").get(0).getAsJsonObject().getAsJsonObject("group");
            assertEquals(counted, listed.get("edge_count").getAsInt(), "edge_count after " + action);
        }
    }

    static Stream<Arguments> refusedActors() {
        return Stream.of("kick", "promote", "demote", "ban")
                .flatMap(action -> Stream.of("M", "J", "Bn", "O").map(actor -> Arguments.of(action, actor)));
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("refusedActors")
    void membersRequestersBannedUsersAndOutsidersAreRefusedAndChangeNothing(String action, String actor) {
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, TestUser> users = matrixGroup(ids);
        String g = ids.get("g");
        Map<String, Integer> before = members(g, users.get("S"));
        for (String target : List.of("S2", "A2", "M2", "J2", "Bn", "O", actor)) {
            assertError(call("POST", "/v2/group/" + g + "/" + action + "?user_ids=" + users.get(target).userId(),
                    users.get(actor), null), 404, 5, "Group not found or permission denied.");
        }
        assertEquals(before, members(g, users.get("S")));
        assertError(call("POST", "/v2/group/11111111-2222-3333-4444-555555555555/" + action + "?user_ids="
                + users.get("M").userId(), users.get("S"), null), 404, 5, "Group not found or permission denied.");
        assertError(call("POST", "/v2/group/" + g + "/" + action + "?user_ids=nope", users.get("S"), null), 400, 3,
                "User ID must be a valid ID.");
        HttpResponse<String> none = call("POST", "/v2/group/" + g + "/" + action, users.get("S"), null);
        if (action.equals("demote")) {
            assertError(none, 400, 3, "User IDs must be set.");   // demote alone refuses no users
        } else {
            assertOk(none);
        }
        assertEquals(before, members(g, users.get("S")));
    }

    @Test
    void aBanRemovesAMemberFromTheCountKeepsTheUserOutAndAKickLiftsIt() {
        TestUser o = server.newUser();
        TestUser bn = server.newUser();
        String name = "qE-" + tag();
        String g = group(o, name, true);
        ok("POST", "/v2/group/" + g + "/add?user_ids=" + bn.userId(), o);
        assertEquals(2, byName(name, o).get("edge_count").getAsInt());
        ok("POST", "/v2/group/" + g + "/ban?user_ids=" + bn.userId(), o);
        assertEquals(1, byName(name, o).get("edge_count").getAsInt());
        assertEquals("{}", call("GET", "/v2/user/" + bn.userId() + "/group", bn, null).body());
        assertEquals("{}", call("GET", "/v2/user/" + bn.userId() + "/group?state=4", bn, null).body(),
                "a user's bans are never listed");
        ok("POST", "/v2/group/" + g + "/join", bn);
        ok("POST", "/v2/group/" + g + "/add?user_ids=" + bn.userId(), o);
        ok("POST", "/v2/group/" + g + "/leave", bn);
        assertEquals(Map.of(o.userId(), 0, bn.userId(), 4), members(g, o), "join, add and leave left the ban");
        assertEquals(1, byName(name, o).get("edge_count").getAsInt());
        ok("POST", "/v2/group/" + g + "/kick?user_ids=" + bn.userId(), o);
        assertEquals(Map.of(o.userId(), 0), members(g, o));
        ok("POST", "/v2/group/" + g + "/join", bn);
        assertEquals(Map.of(o.userId(), 0, bn.userId(), 2), members(g, o));
    }

    // ---- listings -----------------------------------------------------------------------------

    @Test
    void groupsAreListedByNameOrByLanguageOpennessAndSizeOnePageAtATimeByDefault() {
        TestUser o = server.newUser();
        TestUser u1 = server.newUser();
        TestUser u2 = server.newUser();
        String r = tag();
        String lt = "lt" + r;
        Map<String, String> ids = new LinkedHashMap<>();
        for (String[] spec : new String[][]{{"pA", "true"}, {"pB", "true"}, {"pC", "false"}, {"qD", "false"}, {"qE", "true"}}) {
            ids.put(spec[0], create(o, "{\"name\":\"" + spec[0] + "-" + r + "\",\"lang_tag\":\"" + lt + "\",\"open\":" + spec[1] + "}")
                    .get("id").getAsString());
        }
        ok("POST", "/v2/group/" + ids.get("pA") + "/join", u1);
        ok("POST", "/v2/group/" + ids.get("pA") + "/join", u2);
        ok("POST", "/v2/group/" + ids.get("pB") + "/join", u1);
        ok("POST", "/v2/group/" + ids.get("qD") + "/join", u1);

        JsonObject first = get("/v2/group?lang_tag=" + lt, o);
        assertEquals(1, array(first, "groups").size(), "the default limit is 1");
        assertTrue(first.has("cursor"));
        assertEquals(List.of("pA-" + r), names(get("/v2/group?name=pA-" + r, o)));
        assertEquals(List.of("pA-" + r), names(get("/v2/group?name=PA-" + r + "&limit=10", o)), "ILIKE");
        assertEquals(Set.of("pA-" + r, "pB-" + r, "pC-" + r), Set.copyOf(names(get("/v2/group?name=p%25-" + r + "&limit=10", o))));
        assertEquals(Set.of("pA-" + r, "pB-" + r, "pC-" + r), Set.copyOf(names(get("/v2/group?name=p_-" + r + "&limit=10", o))));
        assertEquals(List.of(), names(get("/v2/group?name=%25A-" + r + "&limit=10", o)), "a leading % is stripped");
        assertEquals(List.of(), names(get("/v2/group?name=pA-&limit=10", o)));
        assertEquals(List.of("pA-" + r), names(get("/v2/group?name=p%5CA-" + r + "&limit=10", o)), "'\\' escapes");
        assertError(call("GET", "/v2/group?name=pA-%5C", o, null), 500, 13, "Error while trying to list groups.");
        assertEquals(List.of("pA-" + r), names(get("/v2/group?name=pA-" + r + "&members=-1", o)), "members=-1 filters nothing");
        assertEquals(3, array(get("/v2/group?name=%25%20&limit=3", o), "groups").size(), "'%' and ' ' alone: no name filter");
        for (String other : List.of("lang_tag=" + lt, "open=true", "members=3")) {
            assertError(call("GET", "/v2/group?name=pA-" + r + "&" + other, o, null), 400, 3,
                    "name filter cannot be combined with any other filter");
        }
        assertEquals(Set.of("pA-" + r, "pB-" + r, "pC-" + r, "qD-" + r, "qE-" + r),
                Set.copyOf(names(get("/v2/group?lang_tag=" + lt + "&limit=10", o))));
        assertEquals(Set.of("pA-" + r, "pB-" + r, "qE-" + r), Set.copyOf(names(get("/v2/group?lang_tag=" + lt + "&open=true&limit=10", o))));
        assertEquals(Set.of("pC-" + r, "qD-" + r), Set.copyOf(names(get("/v2/group?lang_tag=" + lt + "&open=false&limit=10", o))));
        assertEquals(Set.of("pC-" + r, "qD-" + r, "qE-" + r), Set.copyOf(names(get("/v2/group?lang_tag=" + lt + "&members=1&limit=10", o))));
        assertEquals(Set.of("pB-" + r, "qE-" + r), Set.copyOf(names(get("/v2/group?lang_tag=" + lt + "&open=true&members=2&limit=10", o))));
        assertEquals(List.of(), names(get("/v2/group?lang_tag=" + lt + "&members=0&limit=10", o)));
        assertEquals(List.of(), names(get("/v2/group?lang_tag=" + lt.toUpperCase() + "&limit=10", o)), "lang_tag is exact");

        List<String> paged = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonObject page = get("/v2/group?lang_tag=" + lt + "&limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + enc(cursor)), o);
            paged.addAll(names(page));
            cursor = page.has("cursor") ? page.get("cursor").getAsString() : "";
            pages++;
        } while (!cursor.isEmpty() && pages < 10);
        assertEquals(3, pages);
        assertEquals(5, new HashSet<>(paged).size());
        assertEquals(5, paged.size(), "no group on two pages");

        assertError(call("GET", "/v2/group?limit=0", o, null), 400, 3, "Invalid limit - limit must be between 1 and 100.");
        assertError(call("GET", "/v2/group?limit=101", o, null), 400, 3, "Invalid limit - limit must be between 1 and 100.");
        assertError(call("GET", "/v2/group?lang_tag=" + lt + "&cursor=garbage", o, null), 500, 13,
                "Error while trying to list groups.");
        assertError(call("GET", "/v2/group?open=abc", o, null), 400, 3,
                "parsing field \"open\": strconv.ParseBool: parsing \"abc\": invalid syntax");
    }

    @Test
    void anyoneListsAGroupsUsersAndAUsersGroupsByStateWithCursors() {
        TestUser o = server.newUser();
        TestUser u1 = server.newUser();
        TestUser u2 = server.newUser();
        TestUser u3 = server.newUser();
        String r = tag();
        String pA = group(o, "pA-" + r, true);
        String pB = group(o, "pB-" + r, true);
        String qD = group(o, "qD-" + r, false);
        ok("POST", "/v2/group/" + pA + "/join", u1);
        ok("POST", "/v2/group/" + pA + "/join", u2);
        ok("POST", "/v2/group/" + pB + "/join", u1);
        ok("POST", "/v2/group/" + qD + "/join", u1);

        JsonArray all = get("/v2/group/" + pA + "/user", u3).getAsJsonArray("group_users");
        List<String> order = new ArrayList<>();
        for (JsonElement e : all) {
            order.add(e.getAsJsonObject().getAsJsonObject("user").get("id").getAsString() + ":" + e.getAsJsonObject().get("state").getAsInt());
        }
        assertEquals(List.of(o.userId() + ":0", u1.userId() + ":2", u2.userId() + ":2"), order, "by state, then position");
        List<String> paged = new ArrayList<>();
        String cursor = "";
        do {
            JsonObject page = get("/v2/group/" + pA + "/user?limit=1" + (cursor.isEmpty() ? "" : "&cursor=" + enc(cursor)), u3);
            JsonObject entry = page.getAsJsonArray("group_users").get(0).getAsJsonObject();
            paged.add(entry.getAsJsonObject("user").get("id").getAsString() + ":" + entry.get("state").getAsInt());
            cursor = page.has("cursor") ? page.get("cursor").getAsString() : "";
        } while (!cursor.isEmpty() && paged.size() < 5);
        assertEquals(order, paged, "the last page has no cursor");
        assertEquals(List.of(u1.userId()), ids(get("/v2/group/" + qD + "/user?state=3", o), "group_users", "user"));
        assertEquals("{}", call("GET", "/v2/group/" + qD + "/user?state=2", o, null).body());
        assertEquals("{}", call("GET", "/v2/group/11111111-2222-3333-4444-555555555555/user", o, null).body());
        assertError(call("GET", "/v2/group/" + pA + "/user?state=5", o, null), 400, 3, "Invalid state - state must be between 0 and 4.");
        assertError(call("GET", "/v2/group/" + pA + "/user?limit=0", o, null), 400, 3, "Invalid limit - limit must be between 1 and 100.");
        assertError(call("GET", "/v2/group/" + pA + "/user?limit=101", o, null), 400, 3, "Invalid limit - limit must be between 1 and 100.");
        assertError(call("GET", "/v2/group/" + pA + "/user?cursor=garbage", o, null), 400, 3, "Cursor is invalid.");
        assertError(call("GET", "/v2/group/nope/user", o, null), 400, 3, "Group ID must be a valid ID.");

        assertEquals(Set.of(pA, pB, qD), Set.copyOf(ids(get("/v2/user/" + u1.userId() + "/group", u3), "user_groups", "group")));
        assertEquals(List.of(qD), ids(get("/v2/user/" + u1.userId() + "/group?state=3", u1), "user_groups", "group"));
        assertEquals(Set.of(pA, pB), Set.copyOf(ids(get("/v2/user/" + u1.userId() + "/group?state=2", u1), "user_groups", "group")));
        JsonObject page1 = get("/v2/user/" + u1.userId() + "/group?limit=1", u1);
        assertEquals(1, page1.getAsJsonArray("user_groups").size());
        JsonObject page2 = get("/v2/user/" + u1.userId() + "/group?limit=1&cursor=" + enc(page1.get("cursor").getAsString()), u1);
        assertFalse(ids(page1, "user_groups", "group").equals(ids(page2, "user_groups", "group")));
        assertEquals("{}", call("GET", "/v2/user/11111111-2222-3333-4444-555555555555/group", u1, null).body());
        assertError(call("GET", "/v2/user/" + u1.userId() + "/group?state=5", u1, null), 400, 3,
                "Invalid state - state must be between 0 and 4.");
        assertError(call("GET", "/v2/user/" + u1.userId() + "/group?limit=101", u1, null), 400, 3,
                "Invalid limit - limit must be between 1 and 100.");
        assertError(call("GET", "/v2/user/nope/group", u1, null), 400, 3, "Group ID must be a valid ID.");
        assertError(call("GET", "/v2/user/" + u1.userId() + "/group?cursor=garbage", u1, null), 400, 3, "Cursor is invalid.");
    }

    static List<String> ids(JsonObject body, String list, String entity) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : array(body, list)) {
            out.add(e.getAsJsonObject().getAsJsonObject(entity).get("id").getAsString());
        }
        return out;
    }

    // ---- concurrency --------------------------------------------------------------------------

    @Test
    void manyClientsJoiningLeavingKickedAndAddedAtOnceLeaveEachGroupsEdgeCountEqualToItsMembers() {
        TestUser owner = server.newUser();
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            users.add(server.newUser());
        }
        String r = tag();
        List<String> names = List.of("cA-" + r, "cB-" + r, "cC-" + r);
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            // a small maximum, so that "full" refusals race the joins too
            groups.add(create(owner, "{\"name\":\"" + names.get(i) + "\",\"open\":" + (i != 2) + ",\"max_count\":8}")
                    .get("id").getAsString());
        }
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 300; i++) {
            String g = groups.get(random.nextInt(groups.size()));
            TestUser u = users.get(random.nextInt(users.size()));
            String path;
            TestUser caller = u;
            switch (random.nextInt(4)) {
                case 0 -> path = "/v2/group/" + g + "/join";
                case 1 -> path = "/v2/group/" + g + "/leave";
                case 2 -> {
                    path = "/v2/group/" + g + "/kick?user_ids=" + u.userId();
                    caller = owner;
                }
                default -> {
                    path = "/v2/group/" + g + "/add?user_ids=" + u.userId();
                    caller = owner;
                }
            }
            calls.add(server.http().sendAsync(HttpRequest.newBuilder(server.uri(path))
                    .header("Authorization", "Bearer " + caller.token())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> response = c.join();
            assertTrue(response.statusCode() == 200 || response.body().contains("Group is full."),
                    () -> response.statusCode() + " " + response.body());
        }
        for (int i = 0; i < groups.size(); i++) {
            Map<String, Integer> members = members(groups.get(i), owner);
            int counted = (int) members.values().stream().filter(st -> st <= 2).count();
            JsonObject listed = byName(names.get(i), owner);
            assertEquals(counted, listed.get("edge_count").getAsInt(), names.get(i) + ": " + members);
            assertTrue(counted <= 8, "never over max_count");
        }
    }
}
