--[[
 The tic-tac-toe example (examples/tictactoe, TicTacToeMatch.java) for the reference Nakama, so the
 interop scenarios that use it (tests/match.test.js) run unchanged against both servers in the
 differential run. Same op codes, same JSON (built by hand: key order as Gantry's), same label,
 same "match full" rejection, same tick rate. Loaded by Nakama as the match module "tictactoe";
 tictactoe_rpc.lua registers the RPC that creates a game.

 Op codes: 1 client->server {"cell":0-8}; 2 server->players the state; 3 server->mover {"reason":...}.
--]]

local OP_MOVE, OP_STATE, OP_REJECTED = 1, 2, 3
local TICK_RATE = 5
local DEFAULT_EMPTY_TICKS = 60 * TICK_RATE
local RESERVATION_TICKS = 10 * TICK_RATE
local LINES = { {1,2,3}, {4,5,6}, {7,8,9}, {1,4,7}, {2,5,8}, {3,6,9}, {1,5,9}, {3,5,7} }

local function label(open)
  return '{"open":' .. tostring(open) .. ',"game":"tictactoe"}'
end

local function quoted(v)
  if v == nil then return "null" end
  return '"' .. v .. '"'
end

local function state_json(g)
  local cells = {}
  for i = 1, 9 do cells[i] = '"' .. g.board[i] .. '"' end
  local marks = {}
  for _, uid in ipairs(g.order) do marks[#marks + 1] = '"' .. uid .. '":"' .. g.marks[uid] .. '"' end
  return '{"board":[' .. table.concat(cells, ",") .. '],"marks":{' .. table.concat(marks, ",")
    .. '},"next":' .. quoted(g.next) .. ',"winner":' .. quoted(g.winner) .. ',"draw":' .. tostring(g.draw) .. '}'
end

local function mark_count(g) return #g.order end

local function has_mark_value(g, value)
  for _, uid in ipairs(g.order) do if g.marks[uid] == value then return true end end
  return false
end

local function user_with_mark(g, value)
  for _, uid in ipairs(g.order) do if g.marks[uid] == value then return uid end end
  return nil
end

local function other_player(g, uid)
  for _, other in ipairs(g.order) do if other ~= uid then return other end end
  return nil
end

local function remove_mark(g, uid)
  g.marks[uid] = nil
  for i, other in ipairs(g.order) do
    if other == uid then table.remove(g.order, i) break end
  end
end

local function reservation_count(g)
  local n = 0
  for _ in pairs(g.reservations) do n = n + 1 end
  return n
end

local function player_count(g)
  local n = 0
  for _ in pairs(g.players) do n = n + 1 end
  return n
end

local function broadcast_state(dispatcher, g, to)
  dispatcher.broadcast_message(OP_STATE, state_json(g), to, nil, true)
end

local function reject(dispatcher, to, reason)
  dispatcher.broadcast_message(OP_REJECTED, '{"reason":"' .. reason:gsub('"', '\\"') .. '"}', { to }, nil, true)
end

local function update_open(dispatcher, g)
  local open = (not g.over) and (mark_count(g) + reservation_count(g) < 2)
  if open ~= g.open then
    g.open = open
    dispatcher.match_label_update(label(open))
  end
end

-- Applies a move; returns why it is refused, or nil.
local function move(g, uid, payload)
  if g.over then return "game over" end
  if g.next == nil then return "game not started" end
  if uid ~= g.next then
    if g.marks[uid] then return "not your turn" end
    return "not a player"
  end
  local digits = string.match(payload or "", '^%s*{%s*"cell"%s*:%s*(%-?%d%d?%d?)%s*}%s*$')
  if digits == nil then return 'invalid move: expected {"cell": 0-8}' end
  local cell = tonumber(digits)
  if cell < 0 or cell > 8 then return "invalid move: cell must be 0-8" end
  if g.board[cell + 1] ~= "" then return "cell taken" end
  local mark = g.marks[uid]
  g.board[cell + 1] = mark
  for _, line in ipairs(LINES) do
    if g.board[line[1]] == mark and g.board[line[2]] == mark and g.board[line[3]] == mark then
      g.winner = uid
      g.over = true
      g.next = nil
      return nil
    end
  end
  local full = true
  for i = 1, 9 do if g.board[i] == "" then full = false end end
  if full then
    g.draw = true
    g.over = true
    g.next = nil
  else
    g.next = other_player(g, uid)
  end
  return nil
end

local function match_init(context, params)
  local g = {
    board = { "", "", "", "", "", "", "", "", "" },
    marks = {}, order = {}, players = {}, reservations = {},
    next = nil, winner = nil, draw = false, over = false,
    empty_ticks = 0, max_empty_ticks = DEFAULT_EMPTY_TICKS, open = true,
  }
  if params and type(params.empty_ticks) == "number" then g.max_empty_ticks = params.empty_ticks end
  return g, TICK_RATE, label(true)
end

local function match_join_attempt(context, dispatcher, tick, g, presence, metadata)
  if g.marks[presence.user_id] then return g, true end -- a player coming back
  if g.over then return g, false, "game over" end
  for uid, at in pairs(g.reservations) do
    if tick - at > RESERVATION_TICKS then g.reservations[uid] = nil end
  end
  if mark_count(g) + reservation_count(g) >= 2 then return g, false, "match full" end
  g.reservations[presence.user_id] = tick
  return g, true
end

local function match_join(context, dispatcher, tick, g, presences)
  for _, p in ipairs(presences) do
    g.reservations[p.user_id] = nil
    g.players[p.user_id] = p
    if not g.marks[p.user_id] and mark_count(g) < 2 then
      g.marks[p.user_id] = has_mark_value(g, "X") and "O" or "X"
      g.order[#g.order + 1] = p.user_id
    end
  end
  if g.next == nil and not g.over and mark_count(g) == 2 then
    g.next = user_with_mark(g, "X") -- X starts
    broadcast_state(dispatcher, g, nil)
  elseif g.next ~= nil or g.over then
    broadcast_state(dispatcher, g, presences) -- rejoined: catch up
  end
  update_open(dispatcher, g)
  return g
end

local function match_leave(context, dispatcher, tick, g, presences)
  for _, p in ipairs(presences) do
    g.players[p.user_id] = nil
    if not g.over and g.next ~= nil and g.marks[p.user_id] then
      g.over = true
      g.next = nil
      g.winner = other_player(g, p.user_id)
      broadcast_state(dispatcher, g, nil)
    elseif g.next == nil and not g.over then
      remove_mark(g, p.user_id)
    end
  end
  update_open(dispatcher, g)
  return g
end

local function match_loop(context, dispatcher, tick, g, messages)
  for _, m in ipairs(messages) do
    if m.op_code ~= OP_MOVE then
      reject(dispatcher, m.sender, "unknown op code " .. tostring(m.op_code))
    else
      local problem = move(g, m.sender.user_id, m.data)
      if problem then
        reject(dispatcher, m.sender, problem)
      else
        broadcast_state(dispatcher, g, nil)
        update_open(dispatcher, g)
      end
    end
  end
  if player_count(g) == 0 then
    if g.over then return nil end
    g.empty_ticks = g.empty_ticks + 1
    if reservation_count(g) == 0 and g.empty_ticks >= g.max_empty_ticks then return nil end
  else
    g.empty_ticks = 0
  end
  return g
end

local function match_terminate(context, dispatcher, tick, g, grace_seconds)
  return nil
end

local function match_signal(context, dispatcher, tick, g, data)
  if data == "state" then return g, state_json(g) end
  return g, ""
end

return {
  match_init = match_init,
  match_join_attempt = match_join_attempt,
  match_join = match_join,
  match_leave = match_leave,
  match_loop = match_loop,
  match_terminate = match_terminate,
  match_signal = match_signal,
}
