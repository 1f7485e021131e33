package io.gantry.transport.http;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Timestamp;
import com.heroiclabs.nakama.api.CreateGroupRequest;
import com.heroiclabs.nakama.api.GroupList;
import com.heroiclabs.nakama.api.GroupUserList;
import com.heroiclabs.nakama.api.UpdateGroupRequest;
import com.heroiclabs.nakama.api.UserGroupList;
import io.gantry.core.ServiceException;
import io.gantry.core.group.GroupService;
import io.gantry.core.runtime.ApiHooks;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.Group;
import io.gantry.runtime.GroupCreate;
import io.gantry.runtime.GroupListRequest;
import io.gantry.runtime.GroupPage;
import io.gantry.runtime.GroupUpdate;
import io.gantry.runtime.GroupUser;
import io.gantry.runtime.GroupUserListRequest;
import io.gantry.runtime.GroupUserPage;
import io.gantry.runtime.GroupUsersRequest;
import io.gantry.runtime.UserGroup;
import io.gantry.runtime.UserGroupListRequest;
import io.gantry.runtime.UserGroupPage;
import io.netty.handler.codec.http.HttpMethod;

import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * Groups over REST, each call through server code's hooks ({@link ApiHooks}) around one
 * {@link GroupService} call, with a session token. As in Nakama 3.18:
 * <ul>
 *   <li>{@code POST /v2/group} (body {@code CreateGroupRequest}), {@code PUT /v2/group/{id}} (body
 *       {@code UpdateGroupRequest}: an absent field is unchanged), {@code DELETE /v2/group/{id}};</li>
 *   <li>{@code GET /v2/group?name=&lang_tag=&open=&members=&limit=&cursor=} (limit 1 by default, sic);</li>
 *   <li>{@code POST /v2/group/{id}/join}, {@code /leave};</li>
 *   <li>{@code POST /v2/group/{id}/add?user_ids=..} and {@code /kick}, {@code /promote},
 *       {@code /demote}, {@code /ban}: the users are repeated QUERY parameters (a body is ignored);</li>
 *   <li>{@code GET /v2/group/{id}/user?limit=&state=&cursor=} and
 *       {@code GET /v2/user/{id}/group?limit=&state=&cursor=} (limit 100 by default).</li>
 * </ul>
 *
 * <p>Threads: a call that server code hooked runs on the user-code executor ({@code gantry-rpc});
 * the others on the API executor.
 */
public final class GroupApi {

    private final GroupService groups;
    private final ApiHooks hooks;
    private final Executor userCode;

    /** @param userCode runs the calls server code hooked (the RPC executor) */
    public GroupApi(GroupService groups, ApiHooks hooks, Executor userCode) {
        this.groups = groups;
        this.hooks = hooks;
        this.userCode = userCode;
    }

    public void register(ApiRoutes routes) {
        routes.hookable(HttpMethod.POST, "/v2/group", ApiCall.CREATE_GROUP, hooks, userCode, this::create)
                .hookable(HttpMethod.GET, "/v2/group", ApiCall.LIST_GROUPS, hooks, userCode, this::list)
                .hookable(HttpMethod.PUT, "/v2/group/{group_id}", ApiCall.UPDATE_GROUP, hooks, userCode, this::update)
                .hookable(HttpMethod.DELETE, "/v2/group/{group_id}", ApiCall.DELETE_GROUP, hooks, userCode, this::delete)
                .hookable(HttpMethod.POST, "/v2/group/{group_id}/join", ApiCall.JOIN_GROUP, hooks, userCode, this::join)
                .hookable(HttpMethod.POST, "/v2/group/{group_id}/leave", ApiCall.LEAVE_GROUP, hooks, userCode, this::leave)
                .hookable(HttpMethod.POST, "/v2/group/{group_id}/add", ApiCall.ADD_GROUP_USERS, hooks, userCode,
                        r -> r.change(hooks, ApiCall.ADD_GROUP_USERS, users(r), groups::addUsers))
                .hookable(HttpMethod.POST, "/v2/group/{group_id}/kick", ApiCall.KICK_GROUP_USERS, hooks, userCode,
                        r -> r.change(hooks, ApiCall.KICK_GROUP_USERS, users(r), groups::kickUsers))
                .hookable(HttpMethod.POST, "/v2/group/{group_id}/promote", ApiCall.PROMOTE_GROUP_USERS, hooks, userCode,
                        r -> r.change(hooks, ApiCall.PROMOTE_GROUP_USERS, users(r), groups::promoteUsers))
                .hookable(HttpMethod.POST, "/v2/group/{group_id}/demote", ApiCall.DEMOTE_GROUP_USERS, hooks, userCode,
                        r -> r.change(hooks, ApiCall.DEMOTE_GROUP_USERS, users(r), groups::demoteUsers))
                .hookable(HttpMethod.POST, "/v2/group/{group_id}/ban", ApiCall.BAN_GROUP_USERS, hooks, userCode,
                        r -> r.change(hooks, ApiCall.BAN_GROUP_USERS, users(r), groups::banUsers))
                .hookable(HttpMethod.GET, "/v2/group/{group_id}/user", ApiCall.LIST_GROUP_USERS, hooks, userCode,
                        this::listUsers)
                .hookable(HttpMethod.GET, "/v2/user/{user_id}/group", ApiCall.LIST_USER_GROUPS, hooks, userCode,
                        this::listUserGroups);
    }

    ApiResponse create(ApiRequest request) throws ApiException, ServiceException {
        CreateGroupRequest body = request.bodyAs(CreateGroupRequest.newBuilder()).build();
        // A client sets no metadata: the service ignores it for a client.
        GroupCreate create = new GroupCreate(body.getName(), body.getDescription(), body.getLangTag(),
                body.getAvatarUrl(), body.getOpen(), body.getMaxCount(), null);
        String caller = request.caller().userId();
        Group group = hooks.call(ApiCall.CREATE_GROUP, request.hookContext(hooks), create,
                c -> groups.create(caller, c, false));
        return ApiResponse.ok(group(group));
    }

    ApiResponse update(ApiRequest request) throws ApiException, ServiceException {
        UpdateGroupRequest body = request.bodyAs(UpdateGroupRequest.newBuilder()).build();
        GroupUpdate update = new GroupUpdate(request.pathParam("group_id"),
                body.hasName() ? body.getName().getValue() : null,
                body.hasDescription() ? body.getDescription().getValue() : null,
                body.hasLangTag() ? body.getLangTag().getValue() : null,
                body.hasAvatarUrl() ? body.getAvatarUrl().getValue() : null,
                body.hasOpen() ? body.getOpen().getValue() : null);
        return request.change(hooks, ApiCall.UPDATE_GROUP, update, groups::update);
    }

    ApiResponse delete(ApiRequest request) throws ServiceException {
        return request.change(hooks, ApiCall.DELETE_GROUP, request.pathParam("group_id"), groups::delete);
    }

    ApiResponse join(ApiRequest request) throws ServiceException {
        return request.change(hooks, ApiCall.JOIN_GROUP, request.pathParam("group_id"), groups::join);
    }

    ApiResponse leave(ApiRequest request) throws ServiceException {
        return request.change(hooks, ApiCall.LEAVE_GROUP, request.pathParam("group_id"), groups::leave);
    }

    ApiResponse list(ApiRequest request) throws ApiException, ServiceException {
        GroupListRequest list = new GroupListRequest(orEmpty(FriendApi.single(request, "name")),
                orEmpty(FriendApi.single(request, "lang_tag")), bool(request, "open"),
                FriendApi.number(request, "members"), FriendApi.number(request, "limit"),
                orEmpty(FriendApi.single(request, "cursor")));
        GroupPage page = hooks.call(ApiCall.LIST_GROUPS, request.hookContext(hooks), list, groups::list);
        GroupList.Builder out = GroupList.newBuilder().setCursor(page.cursor());
        for (Group g : page.groups()) {
            out.addGroups(group(g));
        }
        return ApiResponse.ok(out.build());
    }

    ApiResponse listUsers(ApiRequest request) throws ApiException, ServiceException {
        GroupUserListRequest list = new GroupUserListRequest(request.pathParam("group_id"),
                FriendApi.number(request, "limit"), FriendApi.number(request, "state"),
                orEmpty(FriendApi.single(request, "cursor")));
        GroupUserPage page = hooks.call(ApiCall.LIST_GROUP_USERS, request.hookContext(hooks), list, groups::listUsers);
        GroupUserList.Builder out = GroupUserList.newBuilder().setCursor(page.cursor());
        for (GroupUser u : page.groupUsers()) {
            out.addGroupUsers(GroupUserList.GroupUser.newBuilder()
                    .setUser(AccountApi.user(u.user())).setState(Int32Value.of(u.state())));
        }
        return ApiResponse.ok(out.build());
    }

    ApiResponse listUserGroups(ApiRequest request) throws ApiException, ServiceException {
        UserGroupListRequest list = new UserGroupListRequest(request.pathParam("user_id"),
                FriendApi.number(request, "limit"), FriendApi.number(request, "state"),
                orEmpty(FriendApi.single(request, "cursor")));
        UserGroupPage page = hooks.call(ApiCall.LIST_USER_GROUPS, request.hookContext(hooks), list,
                groups::listUserGroups);
        UserGroupList.Builder out = UserGroupList.newBuilder().setCursor(page.cursor());
        for (UserGroup g : page.userGroups()) {
            out.addUserGroups(UserGroupList.UserGroup.newBuilder()
                    .setGroup(group(g.group())).setState(Int32Value.of(g.state())));
        }
        return ApiResponse.ok(out.build());
    }

    private static GroupUsersRequest users(ApiRequest request) {
        return new GroupUsersRequest(request.pathParam("group_id"), request.queryParams("user_ids"));
    }

    /** A bool query parameter as grpc-gateway reads it (Go's strconv.ParseBool); absent or "" is null. */
    private static Boolean bool(ApiRequest request, String name) throws ApiException {
        String text = FriendApi.single(request, name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        switch (text) {
            case "1", "t", "T", "TRUE", "true", "True" -> {
                return true;
            }
            case "0", "f", "F", "FALSE", "false", "False" -> {
                return false;
            }
            default -> throw ApiException.badInput("parsing field \"" + name + "\": strconv.ParseBool: parsing \""
                    + text + "\": invalid syntax");
        }
    }

    /** Nakama's Group message: whole-second times, "open" always present. */
    static com.heroiclabs.nakama.api.Group group(Group g) {
        return com.heroiclabs.nakama.api.Group.newBuilder()
                .setId(g.id())
                .setCreatorId(g.creatorId())
                .setName(g.name())
                .setDescription(g.description())
                .setLangTag(g.langTag())
                .setMetadata(g.metadata())
                .setAvatarUrl(g.avatarUrl())
                .setOpen(BoolValue.of(g.open()))
                .setEdgeCount(g.edgeCount())
                .setMaxCount(g.maxCount())
                .setCreateTime(seconds(g.createTime()))
                .setUpdateTime(seconds(g.updateTime()))
                .build();
    }

    private static Timestamp seconds(Instant time) {
        return Timestamp.newBuilder().setSeconds(time.getEpochSecond()).build();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
