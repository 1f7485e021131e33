package io.gantry.core.group;

import io.gantry.core.ServiceException;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.Group;
import io.gantry.runtime.GroupCreate;
import io.gantry.runtime.GroupListRequest;
import io.gantry.runtime.GroupPage;
import io.gantry.runtime.GroupUpdate;
import io.gantry.runtime.GroupUserListRequest;
import io.gantry.runtime.GroupUserPage;
import io.gantry.runtime.GroupUsersRequest;
import io.gantry.runtime.Groups;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.UserGroupListRequest;
import io.gantry.runtime.UserGroupPage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Groups} for server code: the {@link GroupService}'s calls with no caller (no role is
 * checked, as Nakama's runtime with an empty caller id), a refusal being a {@link RefusedException}
 * with the code and message a client would get. Threads: any thread that may block (an RPC
 * function's, a hook's).
 */
public final class RuntimeGroups implements Groups {

    private final GroupService service;

    public RuntimeGroups(GroupService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws ServiceException;
    }

    private static <T> T refusing(Call<T> call) {
        try {
            return call.run();
        } catch (ServiceException e) {
            throw new RefusedException(ErrorCode.valueOf(e.kind().name()), e.getMessage());
        }
    }

    @Override
    public Group create(String creatorId, GroupCreate create) {
        return refusing(() -> service.create(creatorId, create, true));
    }

    @Override
    public void update(GroupUpdate update) {
        refusing(() -> {
            service.update(null, update);
            return null;
        });
    }

    @Override
    public void delete(String groupId) {
        refusing(() -> {
            service.delete(null, groupId);
            return null;
        });
    }

    @Override
    public Optional<Group> get(String groupId) {
        return service.get(groupId);
    }

    @Override
    public void addUsers(String groupId, List<String> userIds) {
        refusing(() -> {
            service.addUsers(null, new GroupUsersRequest(groupId, userIds));
            return null;
        });
    }

    @Override
    public void kickUsers(String groupId, List<String> userIds) {
        refusing(() -> {
            service.kickUsers(null, new GroupUsersRequest(groupId, userIds));
            return null;
        });
    }

    @Override
    public void promoteUsers(String groupId, List<String> userIds) {
        refusing(() -> {
            service.promoteUsers(null, new GroupUsersRequest(groupId, userIds));
            return null;
        });
    }

    @Override
    public void demoteUsers(String groupId, List<String> userIds) {
        refusing(() -> {
            service.demoteUsers(null, new GroupUsersRequest(groupId, userIds));
            return null;
        });
    }

    @Override
    public void banUsers(String groupId, List<String> userIds) {
        refusing(() -> {
            service.banUsers(null, new GroupUsersRequest(groupId, userIds));
            return null;
        });
    }

    @Override
    public void join(String groupId, String userId) {
        refusing(() -> {
            service.join(userId, groupId);
            return null;
        });
    }

    @Override
    public void leave(String groupId, String userId) {
        refusing(() -> {
            service.leave(userId, groupId);
            return null;
        });
    }

    @Override
    public GroupUserPage listUsers(GroupUserListRequest request) {
        return refusing(() -> service.listUsers(request));
    }

    @Override
    public UserGroupPage listUserGroups(UserGroupListRequest request) {
        return refusing(() -> service.listUserGroups(request));
    }

    @Override
    public GroupPage list(GroupListRequest request) {
        return refusing(() -> service.list(request));
    }
}
