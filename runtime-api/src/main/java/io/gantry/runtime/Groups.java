package io.gantry.runtime;

import java.util.List;
import java.util.Optional;

/**
 * Groups, from server code, with a client's rules and messages (Nakama's), but with no caller: as
 * Nakama's runtime when its caller id is empty, nothing is checked against anyone's role. Server
 * code acts as a superadmin of every group: it may update, delete, add, kick, promote, demote and
 * ban in any group; what protects a group's last superadmin still holds (it is never kicked,
 * banned or demoted), and join and leave are the named user's own.
 *
 * <pre>{@code
 * Group g = server.groups().create(userId, new GroupCreate("Knights", "", "en", "", true, 50, "{\"tier\":1}"));
 * server.groups().addUsers(g.id(), List.of(otherId));                 // other is told (-4)
 * GroupUserPage users = server.groups().listUsers(new GroupUserListRequest(g.id(), 100, null, ""));
 * }</pre>
 *
 * Every refusal is a {@link RefusedException} with the code and message a client would get.
 * Thread-safe; the calls block on the store (and on the group chat's store for membership
 * messages), so call them from an RPC or hook, not a match tick.
 */
public interface Groups {

    /** Creates a group whose superadmin is {@code creatorId}; metadata may be set. */
    Group create(String creatorId, GroupCreate create);

    /** Changes the group's fields (null: unchanged); metadata and max count may be changed. */
    void update(GroupUpdate update);

    /** Deletes the group and every membership of it. */
    void delete(String groupId);

    /** The group, if it exists. */
    Optional<Group> get(String groupId);

    /** Adds the users (accepting their join requests); each is told (-4, sent by the server). */
    void addUsers(String groupId, List<String> userIds);

    /** Removes the users' memberships, requests and bans (the last superadmin is kept). */
    void kickUsers(String groupId, List<String> userIds);

    /** Member to admin, admin to superadmin. */
    void promoteUsers(String groupId, List<String> userIds);

    /** Superadmin to admin (not the last one), admin to member. */
    void demoteUsers(String groupId, List<String> userIds);

    /** Bans the users (the last superadmin is kept). */
    void banUsers(String groupId, List<String> userIds);

    /** {@code userId} joins: a member of an open group, a join request to a closed one. */
    void join(String groupId, String userId);

    /** {@code userId} leaves the group (refused for its last superadmin). */
    void leave(String groupId, String userId);

    /** A page of a group's users. */
    GroupUserPage listUsers(GroupUserListRequest request);

    /** A page of a user's groups. */
    UserGroupPage listUserGroups(UserGroupListRequest request);

    /** A page of groups. */
    GroupPage list(GroupListRequest request);
}
