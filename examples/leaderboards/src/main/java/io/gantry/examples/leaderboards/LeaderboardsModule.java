package io.gantry.examples.leaderboards;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.GantryModule;
import io.gantry.runtime.LeaderboardCreate;
import io.gantry.runtime.LeaderboardRecord;
import io.gantry.runtime.LeaderboardRecordWrite;
import io.gantry.runtime.Operator;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.Registrar;
import io.gantry.runtime.RpcContext;
import io.gantry.runtime.ServerApi;
import io.gantry.runtime.SortOrder;
import io.gantry.runtime.TournamentCreate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Leaderboards and a weekly tournament, created by server code as a Nakama module creates them
 * (clients cannot create boards):
 * <ul>
 *   <li>{@code global}: highest score first, each player's best kept, never reset;</li>
 *   <li>{@code weekly}: the same, reset every Monday at 00:00 UTC ({@code "0 0 * * 1"});</li>
 *   <li>{@code weekly-cup}: a tournament with the same weekly periods, a window of the whole week,
 *       which players join before they play.</li>
 * </ul>
 * Clients then write with {@code writeLeaderboardRecord(session, "global", {score})} and read with
 * {@code listLeaderboardRecords} and {@code listLeaderboardRecordsAroundOwner}.
 *
 * <p>It also offers server-to-server RPCs, callable only with the server's HTTP key (a call with a
 * session is refused), for an operator's tools: {@code leaderboard_create}, {@code tournament_create},
 * {@code leaderboard_record_write}, {@code tournament_record_write}, {@code leaderboard_delete},
 * {@code tournament_delete} and {@code tournament_add_attempt}. Their twin for the reference Nakama
 * is {@code interop/differential/reference-modules/leaderboards.lua}; the interop tests create
 * their boards through them.
 */
public final class LeaderboardsModule implements GantryModule {

    static final String GLOBAL = "global";
    static final String WEEKLY = "weekly";
    static final String WEEKLY_CUP = "weekly-cup";
    static final String EVERY_MONDAY = "0 0 * * 1";
    static final int WEEK_SECONDS = 7 * 24 * 3600;

    private static final Gson GSON = new Gson();

    @Override
    public void register(Registrar registrar) {
        registrar.onStart(LeaderboardsModule::createBoards)
                .rpc("leaderboard_create", (ctx, payload) -> admin(ctx, payload, LeaderboardsModule::createLeaderboard))
                .rpc("tournament_create", (ctx, payload) -> admin(ctx, payload, LeaderboardsModule::createTournament))
                .rpc("leaderboard_record_write", (ctx, payload) -> admin(ctx, payload, (server, p) ->
                        recordJson(server.leaderboards().writeRecord(write(p)))))
                .rpc("tournament_record_write", (ctx, payload) -> admin(ctx, payload, (server, p) ->
                        recordJson(server.tournaments().writeRecord(write(p)))))
                .rpc("leaderboard_delete", (ctx, payload) -> admin(ctx, payload, (server, p) -> {
                    server.leaderboards().delete(string(p, "id"));
                    return GSON.toJson(Map.of("id", string(p, "id")));
                }))
                .rpc("tournament_delete", (ctx, payload) -> admin(ctx, payload, (server, p) -> {
                    server.tournaments().delete(string(p, "id"));
                    return GSON.toJson(Map.of("id", string(p, "id")));
                }))
                .rpc("tournament_add_attempt", (ctx, payload) -> admin(ctx, payload, (server, p) -> {
                    server.tournaments().addAttempt(string(p, "id"), string(p, "owner_id"), (int) number(p, "count"));
                    return GSON.toJson(Map.of("id", string(p, "id")));
                }));
    }

    /** The module's boards; creating them again at each start changes nothing. */
    static void createBoards(ServerApi server) {
        server.leaderboards().create(new LeaderboardCreate(GLOBAL, false, SortOrder.DESCENDING, Operator.BEST, "", null));
        server.leaderboards().create(new LeaderboardCreate(WEEKLY, false, SortOrder.DESCENDING, Operator.BEST,
                EVERY_MONDAY, null));
        server.tournaments().create(new TournamentCreate(WEEKLY_CUP, false, SortOrder.DESCENDING, Operator.BEST,
                EVERY_MONDAY, null, "Weekly cup", "Best score of the week", 1, 0, 0, WEEK_SECONDS, 0, 0, true));
    }

    @FunctionalInterface
    interface AdminCall {
        String run(ServerApi server, JsonObject payload);
    }

    /** Runs an operator's call: only a server-to-server call (HTTP key, no user) may. */
    static String admin(RpcContext ctx, String payload, AdminCall call) {
        if (ctx.userId() != null && !ctx.userId().isEmpty()) {
            throw new RefusedException(ErrorCode.PERMISSION_DENIED, "leaderboard RPCs need the http key");
        }
        JsonObject body;
        try {
            JsonElement parsed = JsonParser.parseString(payload == null || payload.isEmpty() ? "{}" : payload);
            body = parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null) {
            throw new RefusedException(ErrorCode.INVALID_ARGUMENT, "The payload must be a JSON object.");
        }
        return call.run(ctx.server(), body);
    }

    static String createLeaderboard(ServerApi server, JsonObject p) {
        String id = string(p, "id");
        server.leaderboards().create(new LeaderboardCreate(id, bool(p, "authoritative"), sortOrder(p),
                operator(string(p, "operator")), string(p, "reset_schedule"), metadata(p)));
        return GSON.toJson(Map.of("id", id));
    }

    static String createTournament(ServerApi server, JsonObject p) {
        String id = string(p, "id");
        server.tournaments().create(new TournamentCreate(id, bool(p, "authoritative"), sortOrder(p),
                operator(string(p, "operator")), string(p, "reset_schedule"), metadata(p), string(p, "title"),
                string(p, "description"), (int) number(p, "category"), number(p, "start_time"),
                number(p, "end_time"), (int) number(p, "duration"), (int) number(p, "max_size"),
                (int) number(p, "max_num_score"), bool(p, "join_required")));
        return GSON.toJson(Map.of("id", id));
    }

    static LeaderboardRecordWrite write(JsonObject p) {
        String operator = string(p, "operator");
        return new LeaderboardRecordWrite(string(p, "id"), string(p, "owner_id"), string(p, "username"),
                number(p, "score"), number(p, "subscore"), metadata(p),
                operator.isEmpty() ? null : operator(operator));
    }

    /** A record as server code gets it, in the JSON the reference's Lua runtime gives it. */
    static String recordJson(LeaderboardRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("leaderboard_id", r.leaderboardId());
        out.put("owner_id", r.ownerId());
        if (r.username() != null) {
            out.put("username", r.username());
        }
        out.put("score", r.score());
        out.put("subscore", r.subscore());
        out.put("num_score", r.numScore());
        out.put("max_num_score", r.maxNumScore());
        out.put("metadata", JsonParser.parseString(r.metadata()));
        out.put("create_time", r.createTime().getEpochSecond());
        out.put("update_time", r.updateTime().getEpochSecond());
        if (r.expiryTime() != null) {
            out.put("expiry_time", r.expiryTime().getEpochSecond());
        }
        out.put("rank", r.rank());
        return GSON.toJson(out);
    }

    private static SortOrder sortOrder(JsonObject p) {
        return "asc".equals(string(p, "sort_order")) ? SortOrder.ASCENDING : SortOrder.DESCENDING;
    }

    private static Operator operator(String name) {
        return switch (name) {
            case "set" -> Operator.SET;
            case "incr", "increment" -> Operator.INCREMENT;
            case "decr", "decrement" -> Operator.DECREMENT;
            default -> Operator.BEST;
        };
    }

    private static String metadata(JsonObject p) {
        JsonElement m = p.get("metadata");
        return m == null || m.isJsonNull() ? null : GSON.toJson(m);
    }

    private static String string(JsonObject p, String name) {
        JsonElement e = p.get(name);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    private static long number(JsonObject p, String name) {
        JsonElement e = p.get(name);
        return e == null || e.isJsonNull() ? 0 : e.getAsLong();
    }

    private static boolean bool(JsonObject p, String name) {
        JsonElement e = p.get(name);
        return e != null && !e.isJsonNull() && e.getAsBoolean();
    }
}
