package io.gantry.core.group;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.AccountStore;
import io.gantry.persistence.GroupNameTakenException;
import io.gantry.persistence.GroupStore;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredGroup;
import io.gantry.runtime.Group;
import io.gantry.runtime.GroupCreate;
import io.gantry.runtime.GroupListRequest;
import io.gantry.runtime.GroupPage;
import io.gantry.runtime.GroupUpdate;
import io.gantry.runtime.GroupUser;
import io.gantry.runtime.GroupUserListRequest;
import io.gantry.runtime.GroupUserPage;
import io.gantry.runtime.GroupUsersRequest;
import io.gantry.runtime.Notifications;
import io.gantry.runtime.User;
import io.gantry.runtime.UserGroup;
import io.gantry.runtime.UserGroupListRequest;
import io.gantry.runtime.UserGroupPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static io.gantry.persistence.GroupStore.ADMIN;
import static io.gantry.persistence.GroupStore.BANNED;
import static io.gantry.persistence.GroupStore.JOIN_REQUEST;
import static io.gantry.persistence.GroupStore.MEMBER;
import static io.gantry.persistence.GroupStore.NONE;
import static io.gantry.persistence.GroupStore.SUPERADMIN;

/**
 * Groups, with Nakama 3.18's rules and messages ({@code api_group.go}, {@code core_group.go}), for
 * the REST edge and server code alike: create, update, delete, join, leave, add, kick, promote,
 * demote, ban, and the three listings.
 *
 * <pre>{@code
 * Group g = groups.create(alice, new GroupCreate("Knights", "", "", "", false, 0, null));
 * groups.join(bob, g.id());                                    // a join request: alice is told (-5)
 * groups.addUsers(alice, new GroupUsersRequest(g.id(), List.of(bob)));   // bob is told (-4)
 * }</pre>
 *
 * <p>Every rule that depends on the group's memberships (roles, a full group, the last
 * superadmin) is checked inside {@link GroupStore#change}, under the group's lock, so a check and
 * the write it allows are one atomic step; a refusal throws there and nothing is written. A
 * {@code callerId} of null is server code: no role is checked (it acts as a superadmin), as
 * Nakama's runtime with an empty caller id.
 *
 * <p>After a change commits: each membership change is a message in the group's channel
 * ({@link GroupChat}; joined 3, added 4, left 5, kicked 6, promoted 7, banned 8, demoted 9), whose
 * storing the call waits for, at most {@link #CHAT_WAIT}; a join request notifies every superadmin
 * and admin (-5), an add the added user (-4), both persistent. Threads: blocking threads (the API
 * and RPC executors).
 */
public final class GroupService {

    /** Nakama's notification codes. */
    public static final int CODE_GROUP_ADD = -4;
    public static final int CODE_GROUP_JOIN_REQUEST = -5;

    /** How long a call waits for its membership messages to be stored and sent. */
    static final Duration CHAT_WAIT = Duration.ofSeconds(5);

    static final String BAD_GROUP_ID = "Group ID must be a valid ID.";
    static final String BAD_USER_ID = "User ID must be a valid ID.";
    static final String DENIED = "Group not found or permission denied.";
    static final String FULL = "Group is full.";
    private static final String BAD_STATE = "Invalid state - state must be between 0 and 4.";
    private static final String BAD_CURSOR = "Cursor is invalid.";
    private static final int DEFAULT_MAX_COUNT = 100;
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_LANG_LENGTH = 18;
    private static final Logger LOG = LoggerFactory.getLogger(GroupService.class);
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * The public view of an account, as {@code GET /v2/user} shows it: a port, so that this
     * service does not reach into the account service.
     */
    @FunctionalInterface
    public interface Profiles {
        User of(StoredAccount account, boolean online);
    }

    private final GroupStore groups;
    private final AccountStore accounts;
    private final SessionRegistry sessions;
    private final Notifications notifications;
    private final GroupChat chat;
    private final Profiles profiles;
    private final Clock clock;

    public GroupService(GroupStore groups, AccountStore accounts, SessionRegistry sessions,
                        Notifications notifications, GroupChat chat, Profiles profiles, Clock clock) {
        this.groups = Objects.requireNonNull(groups, "groups");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.chat = Objects.requireNonNull(chat, "chat");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One membership change to announce in the group's channel once it is written. */
    private record Change(String userId, int code) {
    }

    // ---- create, update, delete, get ---------------------------------------------------------

    /**
     * {@code POST /v2/group}: a new group whose superadmin is {@code creatorId}.
     *
     * @param serverCode whether the metadata is taken (server code) or ignored (a client)
     */
    public Group create(String creatorId, GroupCreate request, boolean serverCode) throws ServiceException {
        if (request.name() == null || request.name().isEmpty()) {
            throw ServiceException.invalidArgument("Group name must be set.");
        }
        if (request.maxCount() < 0) {
            throw ServiceException.invalidArgument("Group max count must be >= 1 when set.");
        }
        String creator = canonicalId(creatorId);
        if (creator == null || accounts.byId(creator).isEmpty()) {
            throw ServiceException.invalidArgument("Group creator user ID must be a valid ID.");
        }
        String lang = request.langTag() == null || request.langTag().isEmpty() ? "en" : request.langTag();
        String metadata = serverCode && request.metadata() != null ? jsonObject(request.metadata()) : "{}";
        if (request.name().length() > MAX_NAME_LENGTH || lang.length() > MAX_LANG_LENGTH) {
            // Nakama's column limits, answered as its failed insert is
            throw new ServiceException(ServiceException.Kind.INTERNAL, "Error while trying to create group.");
        }
        long now = nowMicros();
        StoredGroup group = StoredGroup.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setCreatorId(creator)
                .setName(request.name())
                .setDescription(orEmpty(request.description()))
                .setLangTag(lang)
                .setMetadata(metadata)
                .setAvatarUrl(orEmpty(request.avatarUrl()))
                .setOpen(request.open())
                .setMaxCount(request.maxCount() == 0 ? DEFAULT_MAX_COUNT : request.maxCount())
                .setCreateTimeUs(now)
                .setUpdateTimeUs(now)
                .build();
        try {
            return group(groups.create(group));
        } catch (GroupNameTakenException e) {
            throw ServiceException.alreadyExists("Group name is in use.");
        }
    }

    /** {@code PUT /v2/group/{id}}: a superadmin or admin changes the group's fields. */
    public void update(String callerId, GroupUpdate request) throws ServiceException {
        String groupId = groupId(request.groupId());
        if (request.name() != null && request.name().isEmpty()) {
            throw ServiceException.invalidArgument("Group name cannot be empty.");
        }
        if (request.langTag() != null && request.langTag().isEmpty()) {
            throw ServiceException.invalidArgument("Group language cannot be empty.");
        }
        boolean serverCode = callerId == null;
        String metadata = serverCode && request.metadata() != null ? jsonObject(request.metadata()) : null;
        Integer maxCount = serverCode && request.maxCount() != null && request.maxCount() > 0 ? request.maxCount() : null;
        String caller = caller(callerId);
        try {
            groups.change(groupId, m -> {
                if (m.group() == null || !serverCode && !isAdmin(m.state(caller))) {
                    throw ServiceException.notFound("Group not found or you're not allowed to update.");
                }
                if (request.name() == null && request.description() == null && request.langTag() == null
                        && request.avatarUrl() == null && request.open() == null && metadata == null
                        && maxCount == null) {
                    throw ServiceException.invalidArgument("Specify at least one field to update.");
                }
                StoredGroup.Builder g = m.group().toBuilder();
                if (request.name() != null) {
                    g.setName(request.name());
                }
                if (request.description() != null) {
                    g.setDescription(request.description());
                }
                if (request.langTag() != null) {
                    g.setLangTag(request.langTag());
                }
                if (request.avatarUrl() != null) {
                    g.setAvatarUrl(request.avatarUrl());
                }
                if (request.open() != null) {
                    g.setOpen(request.open());
                }
                if (metadata != null) {
                    g.setMetadata(metadata);
                }
                if (maxCount != null) {
                    g.setMaxCount(maxCount);
                }
                m.update(g.setUpdateTimeUs(nowMicros()).build());
                return null;
            });
        } catch (GroupNameTakenException e) {
            throw ServiceException.invalidArgument("Group name is in use.");
        }
    }

    /** {@code DELETE /v2/group/{id}}: only a superadmin (or server code) deletes; nothing is sent. */
    public void delete(String callerId, String id) throws ServiceException {
        String groupId = groupId(id);
        String caller = caller(callerId);
        groups.change(groupId, m -> {
            if (m.group() == null || caller != null && m.state(caller) != SUPERADMIN) {
                throw ServiceException.invalidArgument("Group not found or you're not allowed to delete.");
            }
            m.delete();
            return null;
        });
    }

    /** The group, if it exists (a malformed id names none). */
    public Optional<Group> get(String id) {
        String groupId = canonicalId(id);
        return groupId == null ? Optional.empty() : groups.get(groupId).map(GroupService::group);
    }

    // ---- join, leave --------------------------------------------------------------------------

    /**
     * {@code POST /v2/group/{id}/join}: a member of an open group (message 3), a join request to a
     * closed one (its superadmins and admins are told, -5); a user with any state already, banned
     * included, changes nothing.
     */
    public void join(String userId, String id) throws ServiceException {
        String groupId = groupId(id);
        StoredAccount user = account(userId);
        String uid = user.getId();
        // null: nothing changed; empty: joined an open group; else the admins to tell of a request
        List<String> outcome = groups.change(groupId, m -> {
            StoredGroup g = m.group();
            if (g == null) {
                throw ServiceException.notFound("Group not found.");
            }
            if (g.getEdgeCount() >= g.getMaxCount()) {
                throw ServiceException.invalidArgument(FULL);
            }
            if (m.state(uid) != NONE) {
                return null;
            }
            if (g.getOpen()) {
                m.setState(uid, MEMBER);
                return List.<String>of();
            }
            m.setState(uid, JOIN_REQUEST);
            List<String> admins = new ArrayList<>(m.usersIn(SUPERADMIN));
            admins.addAll(m.usersIn(ADMIN));
            return admins;
        });
        if (outcome == null) {
            return;
        }
        if (outcome.isEmpty()) {
            announce(groupId, List.of(new Change(uid, GroupChat.JOINED)));
            return;
        }
        JsonObject content = new JsonObject();
        content.addProperty("group_id", groupId);
        content.addProperty("username", user.getUsername());
        String subject = "User " + user.getUsername() + " wants to join your group";
        for (String admin : outcome) {
            notifications.send(admin, subject, content.toString(), CODE_GROUP_JOIN_REQUEST, uid, true);
        }
    }

    /**
     * {@code POST /v2/group/{id}/leave}: the user's membership or request ends (message 5); not
     * being in the group, or being banned from it, changes nothing; the last superadmin may not leave.
     */
    public void leave(String userId, String id) throws ServiceException {
        String groupId = groupId(id);
        String uid = account(userId).getId();
        boolean left = groups.change(groupId, m -> {
            if (m.group() == null) {
                return false;
            }
            int state = m.state(uid);
            if (state == NONE || state == BANNED) {
                return false;
            }
            if (state == SUPERADMIN && m.usersIn(SUPERADMIN).size() == 1) {
                throw ServiceException.invalidArgument("Cannot leave group when you are the last superadmin.");
            }
            m.remove(uid);
            return true;
        });
        if (left) {
            announce(groupId, List.of(new Change(uid, GroupChat.LEFT)));
        }
    }

    // ---- add, kick, promote, demote, ban ------------------------------------------------------

    /**
     * {@code POST /v2/group/{id}/add}: a superadmin or admin adds users or accepts their join
     * requests (message 4, and the user is told, -4); members and banned users are left as they
     * are. An unknown user, or a group that would be over its maximum, refuses the whole call.
     */
    public void addUsers(String callerId, GroupUsersRequest request) throws ServiceException {
        String groupId = groupId(request.groupId());
        List<String> targets = userIds(request.userIds());
        if (targets.isEmpty()) {
            return;
        }
        String caller = caller(callerId);
        targets.removeIf(t -> t.equals(caller));   // a caller never acts on itself
        record Added(String name, List<String> users) {
        }
        Added added = groups.change(groupId, m -> {
            callerState(m, caller);
            StoredGroup g = m.group();
            int count = g.getEdgeCount();
            List<String> out = new ArrayList<>();
            for (String target : targets) {
                if (accounts.byId(target).isEmpty()) {
                    throw ServiceException.invalidArgument("One or more users not found.");
                }
                int state = m.state(target);
                if (state != NONE && state != JOIN_REQUEST) {
                    continue;   // a member already, or banned: a repeat changes nothing
                }
                if (count + 1 > g.getMaxCount()) {
                    throw ServiceException.invalidArgument(FULL);
                }
                m.setState(target, MEMBER);
                count++;
                out.add(target);
            }
            return new Added(g.getName(), out);
        });
        List<Change> changes = new ArrayList<>(added.users().size());
        for (String target : added.users()) {
            changes.add(new Change(target, GroupChat.ADDED));
        }
        announce(groupId, changes);
        JsonObject content = new JsonObject();
        content.addProperty("group_id", groupId);
        content.addProperty("name", added.name());
        for (String target : added.users()) {
            notifications.send(target, "You've been added to group " + added.name(), content.toString(),
                    CODE_GROUP_ADD, caller, true);
        }
    }

    /**
     * {@code POST /v2/group/{id}/kick}: removes memberships, join requests and bans (removing a
     * ban is how a user is unbanned). A superadmin may kick anyone but the group's last
     * superadmin; an admin only members, join requests and banned users; others are skipped.
     * Members kicked are announced (6).
     */
    public void kickUsers(String callerId, GroupUsersRequest request) throws ServiceException {
        removeUsers(callerId, request, false);
    }

    /** {@code POST /v2/group/{id}/ban}: as {@link #kickUsers}, but the user's state becomes banned (8). */
    public void banUsers(String callerId, GroupUsersRequest request) throws ServiceException {
        removeUsers(callerId, request, true);
    }

    private void removeUsers(String callerId, GroupUsersRequest request, boolean ban) throws ServiceException {
        actOnUsers(callerId, request, false, (m, myState, target) -> {
            int state = m.state(target);
            if (state == NONE || (ban && state == BANNED)) {
                return NO_MESSAGE;
            }
            boolean allowed = myState == SUPERADMIN
                    ? !(state == SUPERADMIN && m.usersIn(SUPERADMIN).size() == 1)
                    : state > ADMIN;
            if (!allowed) {
                return NO_MESSAGE;
            }
            if (ban) {
                m.setState(target, BANNED);
            } else {
                m.remove(target);
            }
            return state < JOIN_REQUEST ? (ban ? GroupChat.BANNED : GroupChat.KICKED) : NO_MESSAGE;
        });
    }

    /**
     * {@code POST /v2/group/{id}/promote}: member to admin, admin to superadmin; a caller promotes
     * only users below its own state (an admin: members). Join requests and bans stay (7).
     */
    public void promoteUsers(String callerId, GroupUsersRequest request) throws ServiceException {
        actOnUsers(callerId, request, false, (m, myState, target) -> {
            int state = m.state(target);
            if (state > SUPERADMIN && state > myState && state <= MEMBER) {
                m.setState(target, state - 1);
                return GroupChat.PROMOTED;
            }
            return NO_MESSAGE;
        });
    }

    /**
     * {@code POST /v2/group/{id}/demote}: superadmin to admin (never the last one), admin to member;
     * an admin demotes only admins. Members stay members (9). A user named twice is demoted twice.
     */
    public void demoteUsers(String callerId, GroupUsersRequest request) throws ServiceException {
        // demote alone refuses an empty list (Nakama's api_group.go); the others answer {}
        actOnUsers(callerId, request, true, (m, myState, target) -> {
            int state = m.state(target);
            if (state == NONE || state < myState || state >= MEMBER) {
                return NO_MESSAGE;
            }
            if (myState == SUPERADMIN && otherSuperadmins(m, target) == 0) {
                return NO_MESSAGE;
            }
            m.setState(target, state + 1);
            return GroupChat.DEMOTED;
        });
    }

    /** {@link TargetAction}'s answer when nothing was said in the group's channel. */
    private static final int NO_MESSAGE = 0;

    /**
     * What a kick, ban, promotion or demotion does to one target, decided under the group's lock by
     * a caller of {@code callerState}: the membership message's code, or {@link #NO_MESSAGE}.
     */
    @FunctionalInterface
    private interface TargetAction {
        int apply(GroupStore.Membership m, int callerState, String target);
    }

    /**
     * The frame of kick, ban, promote and demote: the group and user ids checked, the caller never
     * acting on itself, {@code action} applied to each target in one change by a superadmin or
     * admin (server code: as a superadmin), then the membership messages sent.
     */
    private void actOnUsers(String callerId, GroupUsersRequest request, boolean refuseNone, TargetAction action)
            throws ServiceException {
        String groupId = groupId(request.groupId());
        List<String> targets = userIds(request.userIds());
        if (targets.isEmpty()) {
            if (refuseNone) {
                throw ServiceException.invalidArgument("User IDs must be set.");
            }
            return;
        }
        String caller = caller(callerId);
        targets.removeIf(t -> t.equals(caller));   // a caller never acts on itself
        List<Change> changes = groups.change(groupId, m -> {
            int myState = callerState(m, caller);
            List<Change> out = new ArrayList<>();
            for (String target : targets) {
                int code = action.apply(m, myState, target);
                if (code != NO_MESSAGE) {
                    out.add(new Change(target, code));
                }
            }
            return out;
        });
        announce(groupId, changes);
    }

    // ---- listings -----------------------------------------------------------------------------

    /** {@code GET /v2/group/{id}/user}: anyone may list any group's users; an unknown group has none. */
    public GroupUserPage listUsers(GroupUserListRequest request) throws ServiceException {
        String groupId = groupId(request.groupId());
        int limit = limit(request.limit(), ListLimit.MAX);
        int state = state(request.state());
        GroupStore.MemberPage page;
        try {
            page = groups.listUsers(groupId, state, limit, orEmpty(request.cursor()));
        } catch (InvalidCursorException e) {
            throw ServiceException.invalidArgument(BAD_CURSOR);
        }
        List<String> ids = new ArrayList<>(page.members().size());
        for (GroupStore.Member member : page.members()) {
            ids.add(member.userId());
        }
        Map<String, StoredAccount> users = new HashMap<>();
        for (StoredAccount account : accounts.byIds(ids)) {
            users.put(account.getId(), account);
        }
        List<GroupUser> out = new ArrayList<>(page.members().size());
        for (GroupStore.Member member : page.members()) {
            StoredAccount user = users.get(member.userId());
            if (user != null) {   // else deleted while this page was read
                out.add(new GroupUser(profiles.of(user, sessions.appearsOnline(member.userId())), member.state()));
            }
        }
        return new GroupUserPage(out, page.cursor() == null ? "" : page.cursor());
    }

    /** {@code GET /v2/user/{id}/group}: anyone may list any user's groups (never those banned from). */
    public UserGroupPage listUserGroups(UserGroupListRequest request) throws ServiceException {
        String userId = canonicalId(request.userId());
        if (userId == null) {
            throw ServiceException.invalidArgument(BAD_GROUP_ID);   // sic, Nakama's words
        }
        int limit = limit(request.limit(), ListLimit.MAX);
        int state = state(request.state());
        if (state == BANNED) {
            return new UserGroupPage(List.of(), "");   // as Nakama: a user's bans are never listed
        }
        GroupStore.MemberPage page;
        try {
            page = groups.listUserGroups(userId, state, limit, orEmpty(request.cursor()));
        } catch (InvalidCursorException e) {
            throw ServiceException.invalidArgument(BAD_CURSOR);
        }
        List<UserGroup> out = new ArrayList<>(page.members().size());
        for (GroupStore.Member member : page.members()) {
            groups.get(member.groupId()).ifPresent(g -> out.add(new UserGroup(group(g), member.state())));
        }
        return new UserGroupPage(out, page.cursor() == null ? "" : page.cursor());
    }

    /**
     * {@code GET /v2/group}: a page of groups, 1 by default. The name filter (leading {@code %} and
     * spaces stripped, as Nakama's) cannot be combined with the others.
     */
    public GroupPage list(GroupListRequest request) throws ServiceException {
        int limit = limit(request.limit(), 1);
        String name = request.name() == null ? "" : request.name();
        String lang = request.langTag() == null ? "" : request.langTag();
        int members = request.members() == null ? -1 : request.members();
        if (!name.isEmpty() && (!lang.isEmpty() || request.open() != null || members > -1)) {
            throw ServiceException.invalidArgument("name filter cannot be combined with any other filter");
        }
        String pattern = stripLeading(name);
        // a name of only '%' and ' ' is no filter at all (Nakama strips it to "" after the check)
        GroupStore.Filter filter = pattern.isEmpty()
                ? new GroupStore.Filter(null, lang.isEmpty() ? null : lang, request.open(), members > -1 ? members : null)
                : new GroupStore.Filter(pattern, null, null, null);
        GroupStore.GroupPage page;
        try {
            page = groups.list(filter, limit, orEmpty(request.cursor()));
        } catch (InvalidCursorException | IllegalArgumentException e) {
            // a garbage cursor, or a name pattern ending in a lone backslash that a name reaches: the
            // reference's database refuses both, and it answers 500
            throw new ServiceException(ServiceException.Kind.INTERNAL, "Error while trying to list groups.");
        }
        List<Group> out = new ArrayList<>(page.groups().size());
        for (StoredGroup g : page.groups()) {
            out.add(group(g));
        }
        return new GroupPage(out, page.cursor() == null ? "" : page.cursor());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The caller's state, which must be superadmin or admin; server code (null) is a superadmin. */
    private static int callerState(GroupStore.Membership m, String caller) throws ServiceException {
        if (m.group() == null) {
            throw ServiceException.notFound(DENIED);
        }
        if (caller == null) {
            return SUPERADMIN;
        }
        int state = m.state(caller);
        if (!isAdmin(state)) {
            throw ServiceException.notFound(DENIED);
        }
        return state;
    }

    private static boolean isAdmin(int state) {
        return state == SUPERADMIN || state == ADMIN;
    }

    private static int otherSuperadmins(GroupStore.Membership m, String userId) {
        List<String> superadmins = m.usersIn(SUPERADMIN);
        return superadmins.size() - (superadmins.contains(userId) ? 1 : 0);
    }

    /**
     * Sends the membership messages, in order, then waits (at most {@link #CHAT_WAIT} in all) until
     * each is stored and sent; the change is written whatever happens to its messages.
     */
    private void announce(String groupId, List<Change> changes) {
        List<CompletableFuture<Void>> pending = new ArrayList<>(changes.size());
        for (Change change : changes) {
            String username = accounts.byId(change.userId()).map(StoredAccount::getUsername).orElse("");
            pending.add(chat.membershipChanged(groupId, change.userId(), username, change.code()).toCompletableFuture()
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            LOG.warn("group {}: membership message {} for {} failed", groupId, change.code(),
                                    change.userId(), failure);
                        }
                    }));
        }
        if (pending.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(CHAT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // logged per message above (a timeout: the messages are still on their way)
        }
    }

    /** The calling user's id, or null for server code (no caller). */
    private String caller(String callerId) throws ServiceException {
        return callerId == null ? null : account(callerId).getId();
    }

    private StoredAccount account(String userId) throws ServiceException {
        String id = canonicalId(userId);
        Optional<StoredAccount> account = id == null ? Optional.empty() : accounts.byId(id);
        return account.orElseThrow(() -> ServiceException.notFound("User ID not found."));
    }

    private static String groupId(String id) throws ServiceException {
        String groupId = canonicalId(id);
        if (groupId == null) {
            throw ServiceException.invalidArgument(BAD_GROUP_ID);
        }
        return groupId;
    }

    /**
     * The canonical user ids, in order, repeats kept (as Nakama, a user named twice in a promote
     * is promoted twice); any malformed id refuses the call.
     */
    private static List<String> userIds(List<String> ids) throws ServiceException {
        List<String> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            String canonical = canonicalId(id);
            if (canonical == null || canonical.equals(NIL)) {
                throw ServiceException.invalidArgument(BAD_USER_ID);
            }
            out.add(canonical);
        }
        return out;
    }

    private static final String NIL = "00000000-0000-0000-0000-000000000000";

    private static int limit(Integer limit, int defaultLimit) throws ServiceException {
        return limit == null ? defaultLimit : ListLimit.check(limit);
    }

    private static int state(Integer state) throws ServiceException {
        if (state == null) {
            return GroupStore.ALL_BUT_BANNED;
        }
        if (state < SUPERADMIN || state > BANNED) {
            throw ServiceException.invalidArgument(BAD_STATE);
        }
        return state;
    }

    /** Nakama strips a name filter's leading '%' and ' ', so no "ends with" search exists. */
    static String stripLeading(String name) {
        int i = 0;
        while (i < name.length() && (name.charAt(i) == '%' || name.charAt(i) == ' ')) {
            i++;
        }
        return name.substring(i);
    }

    private static String jsonObject(String metadata) throws ServiceException {
        try {
            JsonElement parsed = JsonParser.parseString(metadata);
            if (parsed.isJsonObject()) {
                return metadata;
            }
        } catch (RuntimeException e) {
            // refused below
        }
        throw ServiceException.invalidArgument("Metadata must be a valid JSON object.");
    }

    /** The canonical (lower-case) form of an id, or null if it is malformed. */
    static String canonicalId(String id) {
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
            return null;
        }
        return UUID.fromString(id).toString().toLowerCase(Locale.ROOT);
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The runtime API's view of a stored group. */
    public static Group group(StoredGroup g) {
        return new Group(g.getId(), g.getCreatorId(), g.getName(), g.getDescription(), g.getLangTag(),
                g.getMetadata().isEmpty() ? "{}" : g.getMetadata(), g.getAvatarUrl(), g.getOpen(), g.getEdgeCount(),
                g.getMaxCount(), micros(g.getCreateTimeUs()), micros(g.getUpdateTimeUs()));
    }

    private static Instant micros(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
    }
}
