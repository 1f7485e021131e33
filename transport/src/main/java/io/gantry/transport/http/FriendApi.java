package io.gantry.transport.http;

import com.google.protobuf.Int32Value;
import com.google.protobuf.Timestamp;
import com.heroiclabs.nakama.api.FriendList;
import io.gantry.core.ServiceException;
import io.gantry.core.friend.FriendService;
import io.gantry.core.runtime.ApiHooks;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.Friend;
import io.gantry.runtime.FriendListRequest;
import io.gantry.runtime.FriendPage;
import io.gantry.runtime.FriendsRequest;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * Friends over REST, each call through server code's hooks ({@link ApiHooks}) around one
 * {@link FriendService} call, with a session token. As in Nakama 3.18, the users are repeated
 * QUERY parameters {@code ids} and {@code usernames} (a JSON body is ignored):
 * <ul>
 *   <li>{@code GET /v2/friend?limit=&state=&cursor=}: a page of the caller's list ({@code limit}
 *       1–1000, 1000 when absent), {@code {}} when empty;</li>
 *   <li>{@code POST /v2/friend?ids=&usernames=}: invite or accept;</li>
 *   <li>{@code DELETE /v2/friend?ids=&usernames=}: remove a friend, an invite or a block;</li>
 *   <li>{@code POST /v2/friend/block?ids=&usernames=}: block.</li>
 * </ul>
 *
 * <p>Threads: a call that server code hooked runs on the user-code executor ({@code gantry-rpc});
 * the others on the API executor.
 */
public final class FriendApi {

    private final FriendService friends;
    private final ApiHooks hooks;
    private final Executor userCode;

    /** @param userCode runs the calls server code hooked (the RPC executor) */
    public FriendApi(FriendService friends, ApiHooks hooks, Executor userCode) {
        this.friends = friends;
        this.hooks = hooks;
        this.userCode = userCode;
    }

    public void register(ApiRoutes routes) {
        routes.hookable(HttpMethod.GET, "/v2/friend", ApiCall.LIST_FRIENDS, hooks, userCode, this::list);
        routes.hookable(HttpMethod.POST, "/v2/friend", ApiCall.ADD_FRIENDS, hooks, userCode, this::add);
        routes.hookable(HttpMethod.DELETE, "/v2/friend", ApiCall.DELETE_FRIENDS, hooks, userCode, this::delete);
        routes.hookable(HttpMethod.POST, "/v2/friend/block", ApiCall.BLOCK_FRIENDS, hooks, userCode, this::block);
    }

    ApiResponse add(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.ADD_FRIENDS, users(request), friends::add);
    }

    ApiResponse delete(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.DELETE_FRIENDS, users(request), friends::delete);
    }

    ApiResponse block(ApiRequest request) throws ApiException, ServiceException {
        return request.change(hooks, ApiCall.BLOCK_FRIENDS, users(request), friends::block);
    }

    ApiResponse list(ApiRequest request) throws ApiException, ServiceException {
        FriendListRequest list = new FriendListRequest(number(request, "limit"), number(request, "state"),
                orEmpty(single(request, "cursor")));
        String caller = request.caller().userId();
        FriendPage page = hooks.call(ApiCall.LIST_FRIENDS, request.hookContext(hooks), list, l -> friends.list(caller, l));
        FriendList.Builder out = FriendList.newBuilder().setCursor(page.cursor());
        for (Friend f : page.friends()) {
            out.addFriends(com.heroiclabs.nakama.api.Friend.newBuilder()
                    .setUser(AccountApi.user(f.user()))
                    .setState(Int32Value.of(f.state()))
                    .setUpdateTime(Timestamp.newBuilder().setSeconds(f.updateTime().getEpochSecond())));
        }
        return ApiResponse.ok(out.build());
    }

    private static FriendsRequest users(ApiRequest request) {
        return new FriendsRequest(request.queryParams("ids"), request.queryParams("usernames"));
    }

    /** An int32 query parameter: absent or "" is null; else grpc-gateway's words for a bad number. */
    static Integer number(ApiRequest request, String name) throws ApiException {
        String text = single(request, name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badInput("parsing field \"" + name + "\": strconv.ParseInt: parsing \""
                    + text + "\": invalid syntax");
        }
    }

    /** A query parameter given at most once (grpc-gateway refuses repeats of a singular field). */
    static String single(ApiRequest request, String name) throws ApiException {
        List<String> values = request.queryParams(name);
        if (values.size() > 1) {
            throw ApiException.badInput("too many values for field \"" + name + "\": " + String.join(", ", values));
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
