--[[
 Leaderboards and tournaments for the interop tests (leaderboards.test.js, tournaments.test.js).
 Gantry's Java twin does exactly the same; keep the two in step.

 At load it creates (each call is a no-op when the board already exists):
   leaderboard "global": authoritative false, "desc", "best", no reset, metadata {}
   leaderboard "weekly": authoritative false, "desc", "best", reset "0 0 * * 1", metadata {}
   tournament "weekly-cup": authoritative false, "desc", "best", reset "0 0 * * 1", metadata {},
     title "Weekly cup", description "Best score of the week", category 1, start_time 0,
     end_time 0, duration 604800, max_size 0, max_num_score 0, join_required true

 RPCs, for server-to-server calls only (the HTTP key: context.user_id is nil or ""). A call with a
 session is refused with error({"leaderboard RPCs need the http key", 7}): gRPC code 7
 PERMISSION_DENIED, HTTP 403 {"code":7,"error":{},"message":"leaderboard RPCs need the http key"}.
 Every payload is a JSON object; absent optional fields are nil (the runtime's default).
 An error of the runtime call itself propagates as the RPC's error (HTTP 500, code 13, the
 runtime's message); the tests never rely on those.

   leaderboard_create {id, authoritative, sort_order "asc"|"desc", operator
     "best"|"set"|"incr"|"decr", reset_schedule, metadata (object)}  -> {"id": id}
     = nk.leaderboard_create(id, authoritative, sort_order, operator, reset_schedule, metadata)
   tournament_create {id, authoritative, sort_order, operator, reset_schedule, metadata, title,
     description, category, start_time, end_time, duration, max_size, max_num_score,
     join_required}  -> {"id": id}
     = nk.tournament_create(id, authoritative, sort_order, operator, duration, reset_schedule,
       metadata, title, description, category, start_time, end_time, max_size, max_num_score,
       join_required)
   leaderboard_record_write {id, owner_id, username, score, subscore, metadata, operator}
     -> the record as nk.leaderboard_record_write returns it, JSON-encoded: leaderboard_id,
        owner_id, username (absent when none), score, subscore, num_score, max_num_score,
        metadata (object), create_time, update_time, expiry_time (absent when none; times are
        epoch seconds), rank
   tournament_record_write: the same fields, nk.tournament_record_write, same answer
   leaderboard_delete {id}  -> {"id": id}   (= nk.leaderboard_delete(id))
   tournament_delete {id}   -> {"id": id}   (= nk.tournament_delete(id))
   tournament_add_attempt {id, owner_id, count}  -> {"id": id}
     (= nk.tournament_add_attempt(id, owner_id, count))
 Gantry's twin is examples/leaderboards (LeaderboardsModule). Where the payload leaves a field out,
 each side uses its own default (the Lua runtime: tournament authoritative TRUE; the Java twin:
 false; a payload that is not a JSON object is a Lua error here, INVALID_ARGUMENT there): the tests
 always send every field.
--]]
local nk = require("nakama")

nk.leaderboard_create("global", false, "desc", "best", "", {})
nk.leaderboard_create("weekly", false, "desc", "best", "0 0 * * 1", {})
nk.tournament_create("weekly-cup", false, "desc", "best", 604800, "0 0 * * 1", {}, "Weekly cup",
  "Best score of the week", 1, 0, 0, 0, 0, true)

local function server_only(context)
  if context.user_id ~= nil and context.user_id ~= "" then
    error({ "leaderboard RPCs need the http key", 7 })
  end
end

local function rpc(name, fn)
  nk.register_rpc(function(context, payload)
    server_only(context)
    local input = nk.json_decode(payload)
    return nk.json_encode(fn(input))
  end, name)
end

rpc("leaderboard_create", function(p)
  nk.leaderboard_create(p.id, p.authoritative, p.sort_order, p.operator, p.reset_schedule, p.metadata)
  return { id = p.id }
end)

rpc("tournament_create", function(p)
  nk.tournament_create(p.id, p.authoritative, p.sort_order, p.operator, p.duration, p.reset_schedule,
    p.metadata, p.title, p.description, p.category, p.start_time, p.end_time, p.max_size,
    p.max_num_score, p.join_required)
  return { id = p.id }
end)

rpc("leaderboard_record_write", function(p)
  return nk.leaderboard_record_write(p.id, p.owner_id, p.username, p.score, p.subscore, p.metadata, p.operator)
end)

rpc("tournament_record_write", function(p)
  return nk.tournament_record_write(p.id, p.owner_id, p.username, p.score, p.subscore, p.metadata, p.operator)
end)

rpc("leaderboard_delete", function(p)
  nk.leaderboard_delete(p.id)
  return { id = p.id }
end)

rpc("tournament_delete", function(p)
  nk.tournament_delete(p.id)
  return { id = p.id }
end)

rpc("tournament_add_attempt", function(p)
  nk.tournament_add_attempt(p.id, p.owner_id, p.count)
  return { id = p.id }
end)
