package io.gantry.core.friend;

import com.google.gson.JsonObject;
import io.gantry.core.ServiceException;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.FriendStore;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.runtime.Friend;
import io.gantry.runtime.FriendListRequest;
import io.gantry.runtime.FriendPage;
import io.gantry.runtime.FriendsRequest;
import io.gantry.runtime.Notifications;
import io.gantry.runtime.User;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Friends, with Nakama 3.18's rules and messages ({@code api_friend.go}, {@code core_friend.go}):
 * invites, accepts, deletes, blocks and lists, for the REST edge and server code alike. An invite
 * sends the other user a persistent notification with code -2, an accept one with code -3, both
 * with content {@code {"username": <the caller's>}}; deletes and blocks send nothing.
 *
 * <pre>{@code
 * friends.add(alice, new FriendsRequest(List.of(bobId), List.of()));   // bob is told (-2)
 * friends.add(bob, new FriendsRequest(List.of(), List.of("alice")));   // alice is told (-3)
 * }</pre>
 *
 * <p>Every refusal is checked before anything is changed. Threads: blocking threads (the API and
 * RPC executors): the calls read and write the store and wait for persistent notifications.
 */
public final class FriendService {

    /** Nakama's notification codes. */
    public static final int CODE_FRIEND_REQUEST = -2;
    public static final int CODE_FRIEND_ACCEPT = -3;

    static final int MAX_LIMIT = 1000;
    private static final String SYSTEM_USER = "00000000-0000-0000-0000-000000000000";
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final FriendStore friends;
    private final AccountStore accounts;
    private final SessionRegistry sessions;
    private final Notifications notifications;
    private final Profiles profiles;

    /**
     * The public view of an account, as {@code GET /v2/user} shows it ({@code AccountService::user}):
     * a port, so that this service does not reach into the account service.
     */
    @FunctionalInterface
    public interface Profiles {
        User of(StoredAccount account, boolean online);
    }

    public FriendService(FriendStore friends, AccountStore accounts, SessionRegistry sessions,
                         Notifications notifications, Profiles profiles) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.friends = Objects.requireNonNull(friends, "friends");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
    }

    private enum Action {
        ADD("Cannot add self as friend.", true),
        DELETE("Cannot delete self.", false),
        BLOCK("Cannot block self.", true);

        final String selfMessage;
        /** Whether names that all fail to resolve, with no ids, are refused. */
        final boolean needsSomeone;

        Action(String selfMessage, boolean needsSomeone) {
            this.selfMessage = selfMessage;
            this.needsSomeone = needsSomeone;
        }
    }

    /** {@code POST /v2/friend}: accepts the users' invites or invites them. */
    public void add(String userId, FriendsRequest request) throws ServiceException {
        StoredAccount caller = caller(userId);
        for (String other : targets(caller, request, Action.ADD)) {
            if (accounts.byId(other).isEmpty()) {
                continue;   // an unknown user is skipped, as Nakama's insert finds no row
            }
            switch (friends.add(caller.getId(), other)) {
                case INVITED -> {
                    touch(new FriendStore.Counts(true, true), caller.getId(), other);
                    notify(other, caller, caller.getUsername() + " wants to add you as a friend", CODE_FRIEND_REQUEST);
                }
                case ACCEPTED -> notify(other, caller, caller.getUsername() + " accepted your friend request",
                        CODE_FRIEND_ACCEPT);
                case UNCHANGED -> { }
            }
        }
    }

    /** {@code DELETE /v2/friend}: removes the users from the caller's list (friend, invite or block). */
    public void delete(String userId, FriendsRequest request) throws ServiceException {
        StoredAccount caller = caller(userId);
        for (String other : targets(caller, request, Action.DELETE)) {
            touch(friends.delete(caller.getId(), other), caller.getId(), other);
        }
    }

    /** {@code POST /v2/friend/block}: blocks the users. */
    public void block(String userId, FriendsRequest request) throws ServiceException {
        StoredAccount caller = caller(userId);
        for (String other : targets(caller, request, Action.BLOCK)) {
            if (accounts.byId(other).isPresent()) {
                touch(friends.block(caller.getId(), other), caller.getId(), other);
            }
        }
    }

    /** {@code GET /v2/friend}: a page of the caller's list, by state then position. */
    public FriendPage list(String userId, FriendListRequest request) throws ServiceException {
        int limit = request.limit() == null ? MAX_LIMIT : request.limit();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ServiceException.invalidArgument("Invalid limit - limit must be between 1 and 1000.");
        }
        Integer state = request.state();
        if (state != null && (state < 0 || state > 3)) {
            throw ServiceException.invalidArgument("Invalid state - state must be between 0 and 3.");
        }
        FriendStore.Page page;
        try {
            page = friends.list(userId, state == null ? -1 : state, limit, request.cursor());
        } catch (InvalidCursorException e) {
            throw ServiceException.invalidArgument("Cursor is invalid.");
        }
        List<String> ids = new ArrayList<>(page.edges().size());
        for (FriendStore.Edge edge : page.edges()) {
            ids.add(edge.otherId());
        }
        Map<String, StoredAccount> others = new HashMap<>();
        for (StoredAccount account : accounts.byIds(ids)) {
            others.put(account.getId(), account);
        }
        List<Friend> out = new ArrayList<>(page.edges().size());
        for (FriendStore.Edge edge : page.edges()) {
            StoredAccount other = others.get(edge.otherId());
            if (other == null) {
                continue;   // deleted while this page was read
            }
            out.add(new Friend(profiles.of(other, sessions.appearsOnline(edge.otherId())),
                    edge.state(), edge.updateTime()));
        }
        return new FriendPage(out, page.cursor() == null ? "" : page.cursor());
    }

    // ---- input -------------------------------------------------------------------------------

    private StoredAccount caller(String userId) throws ServiceException {
        return accounts.byId(userId).orElseThrow(() -> ServiceException.notFound("User ID not found."));
    }

    /** The other users, each once, ids first: Nakama's checks, in its order, before any change. */
    private Set<String> targets(StoredAccount caller, FriendsRequest request, Action action) throws ServiceException {
        Set<String> out = new LinkedHashSet<>();
        if (request.ids().isEmpty() && request.usernames().isEmpty()) {
            return out;
        }
        for (String id : request.ids()) {
            if (caller.getId().equals(id)) {
                throw ServiceException.invalidArgument(action.selfMessage);
            }
            String canonical = canonicalId(id);
            if (canonical == null) {
                throw ServiceException.invalidArgument("Invalid user ID '" + id + "'.");
            }
        }
        for (String username : request.usernames()) {
            if (username.isEmpty()) {
                throw ServiceException.invalidArgument("Username must not be empty.");
            }
            if (caller.getUsername().equals(username)) {
                throw ServiceException.invalidArgument(action.selfMessage);
            }
        }
        List<String> named = new ArrayList<>();
        for (String username : request.usernames()) {
            accounts.byUsername(username).ifPresent(a -> named.add(a.getId()));
        }
        if (action.needsSomeone && named.isEmpty() && request.ids().isEmpty()) {
            throw ServiceException.invalidArgument("No valid ID or username was provided.");
        }
        for (String id : request.ids()) {
            out.add(canonicalId(id));
        }
        out.addAll(named);
        // the caller's own id in another spelling names no one else
        out.remove(caller.getId());
        return out;
    }

    /** The canonical (lower-case) form of a user id, or null if it is malformed or the system user. */
    private static String canonicalId(String id) {
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
            return null;
        }
        String canonical = UUID.fromString(id).toString().toLowerCase(Locale.ROOT);
        return SYSTEM_USER.equals(canonical) ? null : canonical;
    }

    /** As Nakama, a user whose edge count changed has its update time moved. */
    private void touch(FriendStore.Counts changed, String userId, String otherId) {
        if (changed.user()) {
            accounts.touch(userId);
        }
        if (changed.other()) {
            accounts.touch(otherId);
        }
    }

    private void notify(String to, StoredAccount from, String subject, int code) {
        JsonObject content = new JsonObject();
        content.addProperty("username", from.getUsername());
        notifications.send(to, subject, content.toString(), code, from.getId(), true);
    }
}
