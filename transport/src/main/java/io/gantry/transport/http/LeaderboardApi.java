package io.gantry.transport.http;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import com.heroiclabs.nakama.api.LeaderboardRecordList;
import com.heroiclabs.nakama.api.TournamentList;
import com.heroiclabs.nakama.api.TournamentRecordList;
import com.heroiclabs.nakama.api.WriteLeaderboardRecordRequest;
import io.gantry.core.ServiceException;
import io.gantry.core.leaderboard.LeaderboardService;
import io.gantry.core.runtime.ApiHooks;
import io.gantry.runtime.AroundOwnerRequest;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.LeaderboardRecord;
import io.gantry.runtime.LeaderboardRecordPage;
import io.gantry.runtime.LeaderboardRecordWrite;
import io.gantry.runtime.LeaderboardRecordsRequest;
import io.gantry.runtime.Operator;
import io.gantry.runtime.SortOrder;
import io.gantry.runtime.Tournament;
import io.gantry.runtime.TournamentListRequest;
import io.gantry.runtime.TournamentPage;
import io.netty.handler.codec.http.HttpMethod;

import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * Leaderboards and tournaments over REST, each call through server code's hooks ({@link ApiHooks})
 * around one {@link LeaderboardService} call, with a session token. As in Nakama 3.18:
 * <ul>
 *   <li>{@code POST /v2/leaderboard/{id}} (body: the record {@code {score, subscore, metadata,
 *       operator}}), {@code DELETE /v2/leaderboard/{id}} (the caller's record),
 *       {@code GET /v2/leaderboard/{id}?owner_ids=..&limit=&cursor=&expiry=},
 *       {@code GET /v2/leaderboard/{id}/owner/{owner_id}?limit=&cursor=&expiry=};</li>
 *   <li>{@code GET /v2/tournament?category_start=&category_end=&start_time=&end_time=&limit=&cursor=},
 *       {@code POST /v2/tournament/{id}/join}, {@code PUT} or {@code POST /v2/tournament/{id}} (body:
 *       the record), {@code DELETE /v2/tournament/{id}}, {@code GET /v2/tournament/{id}} and
 *       {@code GET /v2/tournament/{id}/owner/{owner_id}} with the leaderboard's parameters.</li>
 * </ul>
 * The caller writes, joins and deletes as itself (its session's user id and username).
 *
 * <p>Threads: a call that server code hooked runs on the user-code executor ({@code gantry-rpc});
 * the others on the API executor.
 */
public final class LeaderboardApi {

    private final LeaderboardService service;
    private final ApiHooks hooks;
    private final Executor userCode;

    /** @param userCode runs the calls server code hooked (the RPC executor) */
    public LeaderboardApi(LeaderboardService service, ApiHooks hooks, Executor userCode) {
        this.service = service;
        this.hooks = hooks;
        this.userCode = userCode;
    }

    public void register(ApiRoutes routes) {
        routes.hookable(HttpMethod.POST, "/v2/leaderboard/{leaderboard_id}", ApiCall.WRITE_LEADERBOARD_RECORD, hooks,
                        userCode, r -> write(r, "leaderboard_id", ApiCall.WRITE_LEADERBOARD_RECORD, false))
                .hookable(HttpMethod.DELETE, "/v2/leaderboard/{leaderboard_id}", ApiCall.DELETE_LEADERBOARD_RECORD,
                        hooks, userCode, r -> r.change(hooks, ApiCall.DELETE_LEADERBOARD_RECORD,
                                r.pathParam("leaderboard_id"),
                                (caller, id) -> service.deleteLeaderboardRecord(caller, id, caller)))
                .hookable(HttpMethod.GET, "/v2/leaderboard/{leaderboard_id}", ApiCall.LIST_LEADERBOARD_RECORDS, hooks,
                        userCode, r -> ApiResponse.ok(leaderboardList(list(r, "leaderboard_id",
                                ApiCall.LIST_LEADERBOARD_RECORDS, false))))
                .hookable(HttpMethod.GET, "/v2/leaderboard/{leaderboard_id}/owner/{owner_id}",
                        ApiCall.LIST_LEADERBOARD_RECORDS_AROUND_OWNER, hooks, userCode,
                        r -> ApiResponse.ok(leaderboardList(around(r, "leaderboard_id",
                                ApiCall.LIST_LEADERBOARD_RECORDS_AROUND_OWNER, false))))
                .hookable(HttpMethod.GET, "/v2/tournament", ApiCall.LIST_TOURNAMENTS, hooks, userCode,
                        this::listTournaments)
                .hookable(HttpMethod.POST, "/v2/tournament/{tournament_id}/join", ApiCall.JOIN_TOURNAMENT, hooks,
                        userCode, r -> r.change(hooks, ApiCall.JOIN_TOURNAMENT, r.pathParam("tournament_id"),
                                (caller, id) -> service.joinTournament(id, caller, r.hookContext(hooks).username())))
                .hookable(HttpMethod.PUT, "/v2/tournament/{tournament_id}", ApiCall.WRITE_TOURNAMENT_RECORD, hooks,
                        userCode, r -> write(r, "tournament_id", ApiCall.WRITE_TOURNAMENT_RECORD, true))
                .hookable(HttpMethod.POST, "/v2/tournament/{tournament_id}", ApiCall.WRITE_TOURNAMENT_RECORD, hooks,
                        userCode, r -> write(r, "tournament_id", ApiCall.WRITE_TOURNAMENT_RECORD, true))
                .hookable(HttpMethod.DELETE, "/v2/tournament/{tournament_id}", ApiCall.DELETE_TOURNAMENT_RECORD,
                        hooks, userCode, r -> r.change(hooks, ApiCall.DELETE_TOURNAMENT_RECORD,
                                r.pathParam("tournament_id"),
                                (caller, id) -> service.deleteTournamentRecord(caller, id, caller)))
                .hookable(HttpMethod.GET, "/v2/tournament/{tournament_id}", ApiCall.LIST_TOURNAMENT_RECORDS, hooks,
                        userCode, r -> ApiResponse.ok(tournamentList(list(r, "tournament_id",
                                ApiCall.LIST_TOURNAMENT_RECORDS, true))))
                .hookable(HttpMethod.GET, "/v2/tournament/{tournament_id}/owner/{owner_id}",
                        ApiCall.LIST_TOURNAMENT_RECORDS_AROUND_OWNER, hooks, userCode,
                        r -> ApiResponse.ok(tournamentList(around(r, "tournament_id",
                                ApiCall.LIST_TOURNAMENT_RECORDS_AROUND_OWNER, true))));
    }

    private ApiResponse write(ApiRequest request, String idParam, ApiCall<LeaderboardRecordWrite, LeaderboardRecord> call,
                              boolean tournament) throws ApiException, ServiceException {
        // the body is the record alone (grpc-gateway's body: "record")
        checkOperatorName(request.body());
        WriteLeaderboardRecordRequest.LeaderboardRecordWrite body =
                request.bodyAs(WriteLeaderboardRecordRequest.LeaderboardRecordWrite.newBuilder()).build();
        var ctx = request.hookContext(hooks);
        String caller = ctx.userId();
        LeaderboardRecordWrite write = new LeaderboardRecordWrite(request.pathParam(idParam), caller, ctx.username(),
                body.getScore(), body.getSubscore(), body.getMetadata(), operator(body.getOperator(), tournament));
        LeaderboardRecord record = hooks.call(call, ctx, write, w -> tournament
                ? service.writeTournamentRecord(caller, w)
                : service.writeLeaderboardRecord(caller, w));
        return ApiResponse.ok(record(record));
    }

    private LeaderboardRecordPage list(ApiRequest request, String idParam,
                                       ApiCall<LeaderboardRecordsRequest, LeaderboardRecordPage> call, boolean tournament)
            throws ApiException, ServiceException {
        LeaderboardRecordsRequest list = new LeaderboardRecordsRequest(request.pathParam(idParam),
                request.queryParams("owner_ids"), FriendApi.number(request, "limit"),
                FriendApi.single(request, "cursor"), int64(request, "expiry"));
        return hooks.call(call, request.hookContext(hooks), list, l -> tournament
                ? service.listTournamentRecords(l)
                : service.listLeaderboardRecords(l));
    }

    private LeaderboardRecordPage around(ApiRequest request, String idParam,
                                         ApiCall<AroundOwnerRequest, LeaderboardRecordPage> call, boolean tournament)
            throws ApiException, ServiceException {
        Long limit = uint32(request, "limit");
        AroundOwnerRequest around = new AroundOwnerRequest(request.pathParam(idParam), request.pathParam("owner_id"),
                limit == null ? null : (int) Math.min(limit, Integer.MAX_VALUE), FriendApi.single(request, "cursor"),
                int64(request, "expiry"));
        return hooks.call(call, request.hookContext(hooks), around, a -> tournament
                ? service.tournamentRecordsAroundOwner(a)
                : service.leaderboardRecordsAroundOwner(a));
    }

    private ApiResponse listTournaments(ApiRequest request) throws ApiException, ServiceException {
        Long categoryStart = uint32(request, "category_start");
        Long categoryEnd = uint32(request, "category_end");
        TournamentListRequest list = new TournamentListRequest(
                categoryStart == null ? null : (int) Math.min(categoryStart, Integer.MAX_VALUE),
                categoryEnd == null ? null : (int) Math.min(categoryEnd, Integer.MAX_VALUE),
                uint32(request, "start_time"), uint32(request, "end_time"), FriendApi.number(request, "limit"),
                FriendApi.single(request, "cursor"));
        TournamentPage page = hooks.call(ApiCall.LIST_TOURNAMENTS, request.hookContext(hooks), list,
                service::listTournaments);
        TournamentList.Builder out = TournamentList.newBuilder();
        for (Tournament t : page.tournaments()) {
            out.addTournaments(tournament(t));
        }
        if (page.cursor() != null) {
            out.setCursor(page.cursor());
        }
        return ApiResponse.ok(out.build());
    }

    // ---- protobuf forms ------------------------------------------------------------------------

    static com.heroiclabs.nakama.api.LeaderboardRecord record(LeaderboardRecord r) {
        com.heroiclabs.nakama.api.LeaderboardRecord.Builder b = com.heroiclabs.nakama.api.LeaderboardRecord.newBuilder()
                .setLeaderboardId(r.leaderboardId())
                .setOwnerId(r.ownerId())
                .setScore(r.score())
                .setSubscore(r.subscore())
                .setNumScore(r.numScore())
                .setMaxNumScore(r.maxNumScore())
                .setMetadata(r.metadata())
                .setCreateTime(seconds(r.createTime()))
                .setUpdateTime(seconds(r.updateTime()))
                .setRank(r.rank());
        if (r.username() != null) {
            b.setUsername(StringValue.of(r.username()));
        }
        if (r.expiryTime() != null) {
            b.setExpiryTime(seconds(r.expiryTime()));
        }
        return b.build();
    }

    private static LeaderboardRecordList leaderboardList(LeaderboardRecordPage page) {
        LeaderboardRecordList.Builder out = LeaderboardRecordList.newBuilder().setRankCount(page.rankCount());
        page.records().forEach(r -> out.addRecords(record(r)));
        page.ownerRecords().forEach(r -> out.addOwnerRecords(record(r)));
        if (page.nextCursor() != null) {
            out.setNextCursor(page.nextCursor());
        }
        if (page.prevCursor() != null) {
            out.setPrevCursor(page.prevCursor());
        }
        return out.build();
    }

    /** A tournament's page: the same message as a leaderboard's, field for field (Nakama's field numbers). */
    private static TournamentRecordList tournamentList(LeaderboardRecordPage page) {
        try {
            return TournamentRecordList.parseFrom(leaderboardList(page).toByteString());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("LeaderboardRecordList and TournamentRecordList differ", e);
        }
    }

    static com.heroiclabs.nakama.api.Tournament tournament(Tournament t) {
        com.heroiclabs.nakama.api.Tournament.Builder b = com.heroiclabs.nakama.api.Tournament.newBuilder()
                .setId(t.id())
                .setTitle(t.title())
                .setDescription(t.description())
                .setCategory(t.category())
                .setSortOrder(t.sortOrder() == SortOrder.ASCENDING ? 0 : 1)
                .setSize(t.size())
                .setMaxSize(t.maxSize())
                .setMaxNumScore(t.maxNumScore())
                .setCanEnter(t.canEnter())
                .setEndActive((int) t.endActive())
                .setNextReset((int) t.nextReset())
                .setMetadata(t.metadata())
                .setCreateTime(seconds(t.createTime()))
                .setStartTime(seconds(t.startTime()))
                .setDuration(t.duration())
                .setStartActive((int) t.startActive())
                .setPrevReset((int) t.prevReset())
                .setOperator(operator(t.operator()))
                .setAuthoritative(t.authoritative());
        if (t.endTime() != null) {
            b.setEndTime(seconds(t.endTime()));
        }
        return b.build();
    }

    private static com.heroiclabs.nakama.api.Operator operator(Operator operator) {
        return switch (operator) {
            case BEST -> com.heroiclabs.nakama.api.Operator.BEST;
            case SET -> com.heroiclabs.nakama.api.Operator.SET;
            case INCREMENT -> com.heroiclabs.nakama.api.Operator.INCREMENT;
            case DECREMENT -> com.heroiclabs.nakama.api.Operator.DECREMENT;
        };
    }

    /** A write's operator override; NO_OVERRIDE is null; a number Nakama does not know fails as its write does. */
    private static Operator operator(com.heroiclabs.nakama.api.Operator operator, boolean tournament)
            throws ServiceException {
        return switch (operator) {
            case NO_OVERRIDE -> null;
            case BEST -> Operator.BEST;
            case SET -> Operator.SET;
            case INCREMENT -> Operator.INCREMENT;
            case DECREMENT -> Operator.DECREMENT;
            default -> throw new ServiceException(ServiceException.Kind.INTERNAL,
                    tournament ? "Error writing score to tournament." : "Error writing score to leaderboard.");
        };
    }

    /**
     * An operator given by a name protojson does not know is a 400, as Nakama's gateway refuses it
     * (the lenient body parser would read it as the default).
     */
    private static void checkOperatorName(String body) throws ApiException {
        if (body == null || body.isBlank() || !body.contains("operator")) {
            return;
        }
        com.google.gson.JsonElement parsed;
        try {
            parsed = com.google.gson.JsonParser.parseString(body);
        } catch (RuntimeException e) {
            return; // the parser answers malformed bodies
        }
        if (!parsed.isJsonObject()) {
            return;
        }
        com.google.gson.JsonElement op = parsed.getAsJsonObject().get("operator");
        if (op != null && op.isJsonPrimitive() && op.getAsJsonPrimitive().isString()
                && com.heroiclabs.nakama.api.Operator.getDescriptor().findValueByName(op.getAsString()) == null) {
            throw ApiException.badInput("proto: invalid value for enum type: \"" + op.getAsString() + "\"");
        }
    }

    private static Timestamp seconds(Instant time) {
        return Timestamp.newBuilder().setSeconds(time.getEpochSecond()).build();
    }

    /** An int64 query parameter (absent or "" is 0), with grpc-gateway's words for a bad one. */
    private static long int64(ApiRequest request, String name) throws ApiException {
        String text = FriendApi.single(request, name);
        if (text == null || text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.badInput("parsing field \"" + name + "\": strconv.ParseInt: parsing \""
                    + text + "\": invalid syntax");
        }
    }

    /** A uint32 query parameter (absent or "" is null), with grpc-gateway's words for a bad one. */
    private static Long uint32(ApiRequest request, String name) throws ApiException {
        String text = FriendApi.single(request, name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            long value = Long.parseLong(text);
            if (value < 0 || value > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badInput("parsing field \"" + name + "\": strconv.ParseUint: parsing \""
                    + text + "\": invalid syntax");
        }
    }
}
