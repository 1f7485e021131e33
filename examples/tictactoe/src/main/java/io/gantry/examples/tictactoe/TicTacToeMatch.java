package io.gantry.examples.tictactoe;

import io.gantry.runtime.JoinDecision;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import io.gantry.runtime.SignalResult;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-authoritative tic-tac-toe: the server owns the board, checks every move and tells both
 * players the new state. Clients only send moves.
 *
 * <p>Protocol (match data op codes; payloads are JSON):
 * <ul>
 *   <li>{@link #OP_MOVE} 1, client to server: {@code {"cell": 0-8}}, cells numbered row by row.</li>
 *   <li>{@link #OP_STATE} 2, server to both: {@code {"board":["X","","O",…],"marks":{"<user id>":"X",…},
 *       "next":"<user id>"|null,"winner":"<user id>"|null,"draw":false}}, after the second player
 *       joins, after every move, and to a player who rejoins.</li>
 *   <li>{@link #OP_REJECTED} 3, server to the mover only: {@code {"reason":"not your turn"}} for a
 *       move that is not allowed; nothing changes.</li>
 * </ul>
 * The label is {@code {"open":true,"game":"tictactoe"}} while a seat is free, so clients find a
 * game with {@code GET /v2/match?authoritative=true&query=+label.open:T +label.game:tictactoe} (Nakama indexes JSON booleans as T and F).
 * A third player is refused with {@code MATCH_JOIN_REJECTED "match full"}. A player who leaves
 * a game in progress forfeits it. The match ends when the game is over and both players left, or
 * when it has had nobody in it for {@link #DEFAULT_EMPTY_TICKS} ticks (param {@code "empty_ticks"}).
 *
 * <p>One instance per match; the server calls it from one thread at a time, so the state needs no
 * locks.
 */
public final class TicTacToeMatch implements MatchHandler<TicTacToeMatch.Game> {

    public static final long OP_MOVE = 1;
    public static final long OP_STATE = 2;
    public static final long OP_REJECTED = 3;

    public static final int TICK_RATE = 5;
    /** 60 s at 5 ticks a second. */
    public static final long DEFAULT_EMPTY_TICKS = 60L * TICK_RATE;
    /** How long a seat promised by an accepted join attempt is kept for a join that never comes. */
    static final long RESERVATION_TICKS = 10L * TICK_RATE;

    private static final int[][] LINES = {
            {0, 1, 2}, {3, 4, 5}, {6, 7, 8},
            {0, 3, 6}, {1, 4, 7}, {2, 5, 8},
            {0, 4, 8}, {2, 4, 6}};
    private static final Pattern CELL = Pattern.compile("^\\s*\\{\\s*\"cell\"\\s*:\\s*(-?\\d{1,3})\\s*}\\s*$");

    /** One game: the board, who plays which mark, whose turn it is. */
    public static final class Game {
        final String[] board = {"", "", "", "", "", "", "", "", ""};
        /** user id → "X" or "O", in seating order. */
        final Map<String, String> marks = new LinkedHashMap<>();
        /** user id → the player's presence, while connected to the match. */
        final Map<String, Presence> players = new LinkedHashMap<>();
        /** user id → tick at which its accepted join attempt reserved a seat. */
        final Map<String, Long> reservations = new LinkedHashMap<>();
        String next;
        String winner;
        boolean draw;
        boolean over;
        long emptyTicks;
        long maxEmptyTicks = DEFAULT_EMPTY_TICKS;
        boolean open = true;

        /** The state as the players receive it. */
        public String json() {
            StringBuilder out = new StringBuilder(160).append("{\"board\":[");
            for (int i = 0; i < board.length; i++) {
                out.append(i == 0 ? "" : ",").append('"').append(board[i]).append('"');
            }
            out.append("],\"marks\":{");
            boolean first = true;
            for (Map.Entry<String, String> mark : marks.entrySet()) {
                out.append(first ? "" : ",").append('"').append(mark.getKey()).append("\":\"").append(mark.getValue()).append('"');
                first = false;
            }
            out.append("},\"next\":").append(quoted(next))
                    .append(",\"winner\":").append(quoted(winner))
                    .append(",\"draw\":").append(draw).append('}');
            return out.toString();
        }

        private static String quoted(String value) {
            return value == null ? "null" : "\"" + value + "\"";
        }
    }

    @Override
    public MatchInit<Game> init(MatchContext ctx, Map<String, Object> params) {
        Game game = new Game();
        Object emptyTicks = params.get("empty_ticks");
        if (emptyTicks instanceof Number number) {
            game.maxEmptyTicks = number.longValue();
        }
        return new MatchInit<>(game, TICK_RATE, label(true));
    }

    @Override
    public JoinDecision<Game> joinAttempt(MatchContext ctx, MatchDispatcher dispatcher, long tick, Game game,
                                          Presence presence, Map<String, String> metadata) {
        if (game.marks.containsKey(presence.userId())) {
            return JoinDecision.accept(game); // a player coming back
        }
        if (game.over) {
            return JoinDecision.reject(game, "game over");
        }
        game.reservations.values().removeIf(at -> tick - at > RESERVATION_TICKS);
        if (game.marks.size() + game.reservations.size() >= 2) {
            return JoinDecision.reject(game, "match full");
        }
        game.reservations.put(presence.userId(), tick);
        return JoinDecision.accept(game);
    }

    @Override
    public Game join(MatchContext ctx, MatchDispatcher dispatcher, long tick, Game game, List<Presence> presences) {
        for (Presence presence : presences) {
            game.reservations.remove(presence.userId());
            game.players.put(presence.userId(), presence);
            if (!game.marks.containsKey(presence.userId()) && game.marks.size() < 2) {
                game.marks.put(presence.userId(), game.marks.containsValue("X") ? "O" : "X");
            }
        }
        if (game.next == null && !game.over && game.marks.size() == 2) {
            game.next = userWithMark(game, "X"); // X starts
            broadcastState(dispatcher, game, null);
        } else if (game.next != null || game.over) {
            broadcastState(dispatcher, game, presences); // rejoined: catch up
        }
        updateOpen(dispatcher, game);
        return game;
    }

    @Override
    public Game leave(MatchContext ctx, MatchDispatcher dispatcher, long tick, Game game, List<Presence> presences) {
        for (Presence presence : presences) {
            game.players.remove(presence.userId());
            if (!game.over && game.next != null && game.marks.containsKey(presence.userId())) {
                // leaving a game in progress forfeits it
                game.over = true;
                game.next = null;
                game.winner = otherPlayer(game, presence.userId());
                broadcastState(dispatcher, game, null);
            } else if (game.next == null && !game.over) {
                game.marks.remove(presence.userId()); // left before the game started: the seat is free again
            }
        }
        updateOpen(dispatcher, game);
        return game;
    }

    @Override
    public Game loop(MatchContext ctx, MatchDispatcher dispatcher, long tick, Game game, List<MatchMessage> messages) {
        for (MatchMessage message : messages) {
            if (message.opCode() != OP_MOVE) {
                reject(dispatcher, message.sender(), "unknown op code " + message.opCode());
                continue;
            }
            String problem = move(game, message.sender().userId(), new String(message.data(), StandardCharsets.UTF_8));
            if (problem != null) {
                reject(dispatcher, message.sender(), problem);
                continue;
            }
            broadcastState(dispatcher, game, null);
            updateOpen(dispatcher, game);
        }
        if (game.players.isEmpty()) {
            if (game.over) {
                return null; // game over and everybody left
            }
            if (game.reservations.isEmpty() && ++game.emptyTicks >= game.maxEmptyTicks) {
                return null; // nobody came
            }
        } else {
            game.emptyTicks = 0;
        }
        return game;
    }

    @Override
    public Game terminate(MatchContext ctx, MatchDispatcher dispatcher, long tick, Game game, int graceSeconds) {
        return null; // nothing to save: end at once
    }

    /** Signal {@code "state"} answers the state JSON; anything else answers "". */
    @Override
    public SignalResult<Game> signal(MatchContext ctx, MatchDispatcher dispatcher, long tick, Game game, String data) {
        return new SignalResult<>(game, "state".equals(data) ? game.json() : "");
    }

    /** Applies a move; returns why it is refused, or null. */
    static String move(Game game, String userId, String payload) {
        if (game.over) {
            return "game over";
        }
        if (game.next == null) {
            return "game not started";
        }
        if (!userId.equals(game.next)) {
            return game.marks.containsKey(userId) ? "not your turn" : "not a player";
        }
        Matcher matcher = CELL.matcher(payload);
        if (!matcher.matches()) {
            return "invalid move: expected {\"cell\": 0-8}";
        }
        int cell = Integer.parseInt(matcher.group(1));
        if (cell < 0 || cell > 8) {
            return "invalid move: cell must be 0-8";
        }
        if (!game.board[cell].isEmpty()) {
            return "cell taken";
        }
        String mark = game.marks.get(userId);
        game.board[cell] = mark;
        for (int[] line : LINES) {
            if (mark.equals(game.board[line[0]]) && mark.equals(game.board[line[1]]) && mark.equals(game.board[line[2]])) {
                game.winner = userId;
                game.over = true;
                game.next = null;
                return null;
            }
        }
        boolean full = true;
        for (String value : game.board) {
            full &= !value.isEmpty();
        }
        if (full) {
            game.draw = true;
            game.over = true;
            game.next = null;
        } else {
            game.next = otherPlayer(game, userId);
        }
        return null;
    }

    static String label(boolean open) {
        return "{\"open\":" + open + ",\"game\":\"tictactoe\"}";
    }

    private static void updateOpen(MatchDispatcher dispatcher, Game game) {
        boolean open = !game.over && game.marks.size() + game.reservations.size() < 2;
        if (open != game.open) {
            game.open = open;
            dispatcher.updateLabel(label(open));
        }
    }

    private static void broadcastState(MatchDispatcher dispatcher, Game game, List<Presence> to) {
        dispatcher.broadcast(OP_STATE, game.json().getBytes(StandardCharsets.UTF_8), to, null, true);
    }

    private static void reject(MatchDispatcher dispatcher, Presence to, String reason) {
        dispatcher.broadcast(OP_REJECTED, ("{\"reason\":\"" + reason.replace("\"", "\\\"") + "\"}").getBytes(StandardCharsets.UTF_8),
                List.of(to), null, true);
    }

    private static String userWithMark(Game game, String mark) {
        for (Map.Entry<String, String> entry : game.marks.entrySet()) {
            if (entry.getValue().equals(mark)) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static String otherPlayer(Game game, String userId) {
        Iterator<String> it = game.marks.keySet().iterator();
        while (it.hasNext()) {
            String other = it.next();
            if (!other.equals(userId)) {
                return other;
            }
        }
        return null;
    }
}
