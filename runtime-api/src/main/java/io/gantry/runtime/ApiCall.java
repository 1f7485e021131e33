package io.gantry.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A client REST call that server code can hook: its request type {@code I} (what a before hook
 * sees and may replace) and its result type {@code O} (what an after hook sees). Calls without a
 * request body have {@code I = Void}; calls without a result have {@code O = Void}.
 *
 * <pre>{@code
 * registrar.before(ApiCall.WRITE_STORAGE_OBJECTS, (ctx, writes) -> { validate(writes); return writes; });
 * registrar.after(ApiCall.DELETE_ACCOUNT, (ctx, request, result) -> audit(ctx.userId()));
 * }</pre>
 *
 * @param <I> the request
 * @param <O> the result
 */
public final class ApiCall<I, O> {

    public static final ApiCall<Void, Account> GET_ACCOUNT = new ApiCall<>("GetAccount");
    public static final ApiCall<AccountUpdate, Void> UPDATE_ACCOUNT = new ApiCall<>("UpdateAccount");
    public static final ApiCall<Void, Void> DELETE_ACCOUNT = new ApiCall<>("DeleteAccount");
    public static final ApiCall<UsersRequest, List<User>> GET_USERS = new ApiCall<>("GetUsers");
    /** The request is the device id. */
    public static final ApiCall<String, Void> LINK_DEVICE = new ApiCall<>("LinkDevice");
    public static final ApiCall<String, Void> UNLINK_DEVICE = new ApiCall<>("UnlinkDevice");
    /** The request is the custom id. */
    public static final ApiCall<String, Void> LINK_CUSTOM = new ApiCall<>("LinkCustom");
    public static final ApiCall<String, Void> UNLINK_CUSTOM = new ApiCall<>("UnlinkCustom");
    public static final ApiCall<EmailCredentials, Void> LINK_EMAIL = new ApiCall<>("LinkEmail");
    public static final ApiCall<EmailCredentials, Void> UNLINK_EMAIL = new ApiCall<>("UnlinkEmail");
    public static final ApiCall<List<StorageObjectId>, List<StorageObject>> READ_STORAGE_OBJECTS =
            new ApiCall<>("ReadStorageObjects");
    public static final ApiCall<List<StorageWrite>, List<StorageAck>> WRITE_STORAGE_OBJECTS =
            new ApiCall<>("WriteStorageObjects");
    public static final ApiCall<List<StorageDelete>, Void> DELETE_STORAGE_OBJECTS =
            new ApiCall<>("DeleteStorageObjects");
    public static final ApiCall<StorageListRequest, StoragePage> LIST_STORAGE_OBJECTS =
            new ApiCall<>("ListStorageObjects");
    public static final ApiCall<FriendListRequest, FriendPage> LIST_FRIENDS = new ApiCall<>("ListFriends");
    public static final ApiCall<FriendsRequest, Void> ADD_FRIENDS = new ApiCall<>("AddFriends");
    public static final ApiCall<FriendsRequest, Void> DELETE_FRIENDS = new ApiCall<>("DeleteFriends");
    public static final ApiCall<FriendsRequest, Void> BLOCK_FRIENDS = new ApiCall<>("BlockFriends");
    public static final ApiCall<GroupCreate, Group> CREATE_GROUP = new ApiCall<>("CreateGroup");
    public static final ApiCall<GroupUpdate, Void> UPDATE_GROUP = new ApiCall<>("UpdateGroup");
    /** The request is the group id. */
    public static final ApiCall<String, Void> DELETE_GROUP = new ApiCall<>("DeleteGroup");
    public static final ApiCall<GroupListRequest, GroupPage> LIST_GROUPS = new ApiCall<>("ListGroups");
    /** The request is the group id. */
    public static final ApiCall<String, Void> JOIN_GROUP = new ApiCall<>("JoinGroup");
    /** The request is the group id. */
    public static final ApiCall<String, Void> LEAVE_GROUP = new ApiCall<>("LeaveGroup");
    public static final ApiCall<GroupUsersRequest, Void> ADD_GROUP_USERS = new ApiCall<>("AddGroupUsers");
    public static final ApiCall<GroupUsersRequest, Void> KICK_GROUP_USERS = new ApiCall<>("KickGroupUsers");
    public static final ApiCall<GroupUsersRequest, Void> PROMOTE_GROUP_USERS = new ApiCall<>("PromoteGroupUsers");
    public static final ApiCall<GroupUsersRequest, Void> DEMOTE_GROUP_USERS = new ApiCall<>("DemoteGroupUsers");
    public static final ApiCall<GroupUsersRequest, Void> BAN_GROUP_USERS = new ApiCall<>("BanGroupUsers");
    public static final ApiCall<GroupUserListRequest, GroupUserPage> LIST_GROUP_USERS =
            new ApiCall<>("ListGroupUsers");
    public static final ApiCall<UserGroupListRequest, UserGroupPage> LIST_USER_GROUPS =
            new ApiCall<>("ListUserGroups");
    public static final ApiCall<LeaderboardRecordWrite, LeaderboardRecord> WRITE_LEADERBOARD_RECORD =
            new ApiCall<>("WriteLeaderboardRecord");
    public static final ApiCall<LeaderboardRecordsRequest, LeaderboardRecordPage> LIST_LEADERBOARD_RECORDS =
            new ApiCall<>("ListLeaderboardRecords");
    public static final ApiCall<AroundOwnerRequest, LeaderboardRecordPage> LIST_LEADERBOARD_RECORDS_AROUND_OWNER =
            new ApiCall<>("ListLeaderboardRecordsAroundOwner");
    /** The input is the leaderboard's id. */
    public static final ApiCall<String, Void> DELETE_LEADERBOARD_RECORD = new ApiCall<>("DeleteLeaderboardRecord");
    public static final ApiCall<TournamentListRequest, TournamentPage> LIST_TOURNAMENTS =
            new ApiCall<>("ListTournaments");
    /** The input is the tournament's id. */
    public static final ApiCall<String, Void> JOIN_TOURNAMENT = new ApiCall<>("JoinTournament");
    public static final ApiCall<LeaderboardRecordWrite, LeaderboardRecord> WRITE_TOURNAMENT_RECORD =
            new ApiCall<>("WriteTournamentRecord");
    public static final ApiCall<LeaderboardRecordsRequest, LeaderboardRecordPage> LIST_TOURNAMENT_RECORDS =
            new ApiCall<>("ListTournamentRecords");
    public static final ApiCall<AroundOwnerRequest, LeaderboardRecordPage> LIST_TOURNAMENT_RECORDS_AROUND_OWNER =
            new ApiCall<>("ListTournamentRecordsAroundOwner");
    /** The input is the tournament's id. */
    public static final ApiCall<String, Void> DELETE_TOURNAMENT_RECORD = new ApiCall<>("DeleteTournamentRecord");

    /** Every call, in the order above. */
    public static final List<ApiCall<?, ?>> ALL = List.of(GET_ACCOUNT, UPDATE_ACCOUNT, DELETE_ACCOUNT, GET_USERS,
            LINK_DEVICE, UNLINK_DEVICE, LINK_CUSTOM, UNLINK_CUSTOM, LINK_EMAIL, UNLINK_EMAIL,
            READ_STORAGE_OBJECTS, WRITE_STORAGE_OBJECTS, DELETE_STORAGE_OBJECTS, LIST_STORAGE_OBJECTS,
            LIST_FRIENDS, ADD_FRIENDS, DELETE_FRIENDS, BLOCK_FRIENDS,
            CREATE_GROUP, UPDATE_GROUP, DELETE_GROUP, LIST_GROUPS, JOIN_GROUP, LEAVE_GROUP, ADD_GROUP_USERS,
            KICK_GROUP_USERS, PROMOTE_GROUP_USERS, DEMOTE_GROUP_USERS, BAN_GROUP_USERS, LIST_GROUP_USERS,
            LIST_USER_GROUPS, WRITE_LEADERBOARD_RECORD, LIST_LEADERBOARD_RECORDS,
            LIST_LEADERBOARD_RECORDS_AROUND_OWNER, DELETE_LEADERBOARD_RECORD, LIST_TOURNAMENTS, JOIN_TOURNAMENT,
            WRITE_TOURNAMENT_RECORD, LIST_TOURNAMENT_RECORDS, LIST_TOURNAMENT_RECORDS_AROUND_OWNER,
            DELETE_TOURNAMENT_RECORD);

    private final String name;

    private ApiCall(String name) {
        this.name = Objects.requireNonNull(name);
    }

    /** Nakama's name for the call (its gRPC method), e.g. "WriteStorageObjects". */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
