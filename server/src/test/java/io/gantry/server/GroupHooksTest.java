package io.gantry.server;

import io.gantry.runtime.ApiCall;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.Group;
import io.gantry.runtime.GroupCreate;
import io.gantry.runtime.GroupUserListRequest;
import io.gantry.runtime.GroupUserPage;
import io.gantry.runtime.RefusedException;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Server code and groups: hooks on the group calls (a before hook refusing a create, an after hook
 * seeing the created group) and the runtime {@code Groups} API, which acts with no caller but with
 * a client's messages.
 */
class GroupHooksTest {

    static TestServer server;
    static final List<String> created = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.withRuntime(r -> r
                .before(ApiCall.CREATE_GROUP, (ctx, request) -> {
                    if (request.name().startsWith("forbidden")) {
                        throw new RefusedException(ErrorCode.PERMISSION_DENIED, "No such names here.");
                    }
                    return request;
                })
                .after(ApiCall.CREATE_GROUP, (ctx, request, group) ->
                        created.add(ctx.userId() + ":" + group.name() + ":" + group.creatorId()))
                .rpc("guild", (ctx, payload) -> {
                    // payload: a user id; the server makes a guild for the caller, adds the user, lists
                    Group g = ctx.server().groups().create(ctx.userId(),
                            new GroupCreate("guild-" + ctx.userId(), "", "", "", false, 0, "{\"tier\":1}"));
                    ctx.server().groups().addUsers(g.id(), List.of(payload));
                    GroupUserPage users = ctx.server().groups().listUsers(new GroupUserListRequest(g.id(), null, null, ""));
                    try {
                        ctx.server().groups().leave(g.id(), ctx.userId());
                        return "left";
                    } catch (RefusedException e) {
                        return users.groupUsers().size() + ":" + users.groupUsers().get(1).user().id() + ":"
                                + users.groupUsers().get(1).state() + ":" + g.metadata() + ":" + e.code() + ":" + e.getMessage();
                    }
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> create(TestUser user, String name) {
        return server.send(HttpRequest.newBuilder(server.uri("/v2/group")).header("Authorization", "Bearer " + user.token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")));
    }

    @Test
    void aBeforeHookRefusesACreateAndTheAfterHookSeesTheGroupCreated() {
        TestUser a = server.newUser();
        String name = "forbidden-" + a.userId();
        assertError(create(a, name), 403, 7, "No such names here.");
        assertEquals("{}", server.getWithToken("/v2/user/" + a.userId() + "/group", a.token()).body(), "nothing created");
        assertOk(create(a, "fine-" + a.userId()));
        assertEquals(List.of(a.userId() + ":fine-" + a.userId() + ":" + a.userId()),
                created.stream().filter(s -> s.startsWith(a.userId())).toList());
    }

    @Test
    void serverCodeCreatesWithMetadataAddsListsAndIsRefusedWithTheClientsMessages() {
        TestUser a = server.newUser();
        TestUser b = server.newUser();
        HttpResponse<String> rpc = server.postWithToken("/v2/rpc/guild", a.token(), "\"" + b.userId() + "\"");
        assertOk(rpc);
        assertEquals("2:" + b.userId() + ":2:{\"tier\":1}:INVALID_ARGUMENT:Cannot leave group when you are the last superadmin.",
                json(rpc).get("payload").getAsString());
    }
}
