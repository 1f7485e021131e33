--[[
 Registers the RPC "tictactoe_create" (as examples/tictactoe's TicTacToeModule does in Gantry): it
 creates a "tictactoe" authoritative match (tictactoe.lua) and answers {"match_id":"<id>"}.
--]]
local nk = require("nakama")

nk.register_rpc(function(context, payload)
  local match_id = nk.match_create("tictactoe", {})
  return '{"match_id":"' .. match_id .. '"}'
end, "tictactoe_create")
