package io.gantry.interop.nakamajs;

import io.gantry.runtime.GantryModule;
import io.gantry.runtime.MatchmakerEntry;
import io.gantry.runtime.Presence;
import io.gantry.runtime.Registrar;
import io.gantry.runtime.RpcContext;
import io.gantry.runtime.ServerApi;
import io.gantry.runtime.StreamId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server module nakama-js's own tests expect, ported from Nakama 3.18's {@code data/modules}:
 * the RPCs of {@code clientrpc.lua}, the match handler of {@code match.lua} (registered as
 * {@code "match"}, see {@link TestMatch}) and the matchmaker hook of {@code match_init.lua}
 * (Apache-2.0, The Nakama Authors; the originals are in {@code interop/nakama-js-suite/reference-modules}).
 *
 * <p>Not ported: {@code clientrpc.print_env} (Gantry has no {@code runtime.env} settings to show).
 * Calling it is {@code RUNTIME_FUNCTION_NOT_FOUND}.
 */
public final class ClientRpcModule implements GantryModule {

    /** clientrpc.lua's stream: {@code {mode = 20, label = "Stream Data Test"}}. */
    static final StreamId STREAM_DATA_TEST = new StreamId(20, "", "", "Stream Data Test");

    @Override
    public void register(Registrar registrar) {
        registrar.rpc("clientrpc.rpc", ClientRpcModule::rpc)
                .rpc("clientrpc.rpc_error", ClientRpcModule::rpcError)
                .rpc("clientrpc.rpc_get", ClientRpcModule::rpcGet)
                .rpc("clientrpc.send_notification", ClientRpcModule::sendNotification)
                .rpc("clientrpc.send_stream_data", ClientRpcModule::sendStreamData)
                .rpc("clientrpc.create_authoritative_match", ClientRpcModule::createAuthoritativeMatch)
                .rpc("clientrpc.create_leaderboard", ClientRpcModule::createLeaderboard)
                .match("match", TestMatch::new)
                .matchmakerMatched(ClientRpcModule::matchmakerMatched);
    }

    /**
     * Echoes the payload. The Lua function first calls {@code nk.event("foo", {bar = "baz"}, 12345, false)},
     * which hands an event to the server's registered event handlers; the test module registers none
     * and no client can see it, so there is nothing to port.
     */
    static String rpc(RpcContext ctx, String payload) {
        return payload;
    }

    static String rpcError(RpcContext ctx, String payload) {
        throw new IllegalStateException("Some error occured.");
    }

    static String rpcGet(RpcContext ctx, String payload) {
        return Json.encode(Map.of("message", "PONG"));
    }

    /** Sends the user named in the payload ({@code {"user_id": …}}) a persistent notification from the caller. */
    static String sendNotification(RpcContext ctx, String payload) {
        Object userId = Json.decodeObject(payload).get("user_id");
        if (!(userId instanceof String id) || id.isEmpty()) {
            throw new IllegalArgumentException("expects user_id");
        }
        ctx.server().notifications().send(id, "You've unlocked level 100!",
                Json.encode(Map.of("reward_coins", 1000)), 1, ctx.userId(), true);
        return "";
    }

    /** Joins the calling socket to the stream {@code {mode 20, label "Stream Data Test"}} and sends it the payload. */
    static String sendStreamData(RpcContext ctx, String payload) {
        if (ctx.sessionId() == null || ctx.sessionId().isEmpty()
                || !ctx.server().streams().join(ctx.sessionId(), STREAM_DATA_TEST, false, false, "")) {
            throw new IllegalArgumentException("expects a connected socket: call over the socket");
        }
        ctx.server().streams().send(STREAM_DATA_TEST, payload, null, null, true);
        return "";
    }

    /**
     * Creates a {@code "match"} with {@code {debug = true, label = <payload's label>}} and answers
     * {@code {"match_id": …}}. ({@code (decoded and decoded.debug) or true} is always true in Lua.)
     */
    static String createAuthoritativeMatch(RpcContext ctx, String payload) {
        Map<String, Object> decoded = Json.decodeObject(payload);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("debug", true);
        if (decoded.get("label") != null) {
            params.put("label", decoded.get("label"));
        }
        String matchId = ctx.server().matches().create("match", params);
        return Json.encode(Map.of("match_id", matchId));
    }

    /**
     * {@code create_leaderboard}: a new descending, non-authoritative leaderboard with a random id
     * and the payload's operator ({@code "best"}, {@code "set"}, {@code "incr"}, {@code "decr"});
     * answers {@code {"leaderboard_id": …}}. As the Lua function logs a failed creation and answers
     * the id anyway, so does this.
     */
    static String createLeaderboard(RpcContext ctx, String payload) {
        Map<String, Object> decoded = Json.decodeObject(payload);
        String id = java.util.UUID.randomUUID().toString();
        io.gantry.runtime.Operator operator = switch (String.valueOf(decoded.get("operator"))) {
            case "set" -> io.gantry.runtime.Operator.SET;
            case "incr", "increment" -> io.gantry.runtime.Operator.INCREMENT;
            case "decr", "decrement" -> io.gantry.runtime.Operator.DECREMENT;
            default -> io.gantry.runtime.Operator.BEST;
        };
        try {
            ctx.server().leaderboards().create(new io.gantry.runtime.LeaderboardCreate(id, false,
                    io.gantry.runtime.SortOrder.DESCENDING, operator, "", null));
        } catch (io.gantry.runtime.RefusedException e) {
            System.getLogger(ClientRpcModule.class.getName()).log(System.Logger.Level.ERROR,
                    "create_leaderboard: " + e.getMessage());
        }
        return Json.encode(Map.of("leaderboard_id", id));
    }

    /**
     * match_init.lua's hook: two users who both set the string property {@code mode} to
     * {@code "authoritative"} get a new {@code "match"} (with {@code debug} and the matched users as
     * {@code expected_users}); any other group plays a relayed match.
     */
    static String matchmakerMatched(ServerApi server, List<MatchmakerEntry> entries) {
        if (entries.size() != 2) {
            return null;
        }
        for (MatchmakerEntry entry : entries) {
            if (!"authoritative".equals(entry.stringProperties().get("mode"))) {
                return null;
            }
        }
        List<Object> expectedUsers = new ArrayList<>();
        for (MatchmakerEntry entry : entries) {
            Map<String, Object> properties = new LinkedHashMap<>(entry.stringProperties());
            properties.putAll(entry.numericProperties());
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("presence", presence(entry.presence()));
            user.put("properties", properties);
            expectedUsers.add(user);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("debug", true);
        params.put("expected_users", expectedUsers);
        return server.matches().create("match", params);
    }

    static Map<String, Object> presence(Presence p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", p.userId());
        m.put("session_id", p.sessionId());
        m.put("username", p.username());
        m.put("node", p.node());
        return m;
    }
}
