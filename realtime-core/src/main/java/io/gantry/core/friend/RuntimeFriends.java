package io.gantry.core.friend;

import io.gantry.core.ServiceException;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.FriendListRequest;
import io.gantry.runtime.FriendPage;
import io.gantry.runtime.Friends;
import io.gantry.runtime.FriendsRequest;
import io.gantry.runtime.RefusedException;

import java.util.List;
import java.util.Objects;

/**
 * {@link Friends} for server code: the {@link FriendService}'s calls, a refusal being a
 * {@link RefusedException} with the code and message a client would get. Threads: any thread that
 * may block (an RPC function's, a hook's).
 */
public final class RuntimeFriends implements Friends {

    private final FriendService service;

    public RuntimeFriends(FriendService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public void add(String userId, List<String> ids, List<String> usernames) {
        try {
            service.add(userId, new FriendsRequest(ids, usernames));
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public void delete(String userId, List<String> ids, List<String> usernames) {
        try {
            service.delete(userId, new FriendsRequest(ids, usernames));
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public void block(String userId, List<String> ids, List<String> usernames) {
        try {
            service.block(userId, new FriendsRequest(ids, usernames));
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    @Override
    public FriendPage list(String userId, FriendListRequest request) {
        try {
            return service.list(userId, request);
        } catch (ServiceException e) {
            throw refused(e);
        }
    }

    private static RefusedException refused(ServiceException e) {
        return new RefusedException(ErrorCode.valueOf(e.kind().name()), e.getMessage());
    }
}
