package io.gantry.examples.tictactoe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules on their own: turns, taken cells, wins and draws (the match over sockets is tested in the server module). */
class TicTacToeRulesTest {

    private static TicTacToeMatch.Game started() {
        TicTacToeMatch.Game game = new TicTacToeMatch.Game();
        game.marks.put("x", "X");
        game.marks.put("o", "O");
        game.next = "x";
        return game;
    }

    @Test
    void playersTakeTurnsAndTheFirstLineWins() {
        TicTacToeMatch.Game game = started();
        assertNull(TicTacToeMatch.move(game, "x", "{\"cell\":0}"));
        assertEquals("not your turn", TicTacToeMatch.move(game, "x", "{\"cell\":1}"));
        assertNull(TicTacToeMatch.move(game, "o", "{\"cell\":3}"));
        assertEquals("cell taken", TicTacToeMatch.move(game, "x", "{\"cell\":3}"));
        assertNull(TicTacToeMatch.move(game, "x", "{\"cell\":1}"));
        assertNull(TicTacToeMatch.move(game, "o", "{\"cell\":4}"));
        assertNull(TicTacToeMatch.move(game, "x", "{\"cell\":2}"));
        assertTrue(game.over);
        assertEquals("x", game.winner);
        assertNull(game.next);
        assertEquals("game over", TicTacToeMatch.move(game, "o", "{\"cell\":5}"));
        assertEquals("{\"board\":[\"X\",\"X\",\"X\",\"O\",\"O\",\"\",\"\",\"\",\"\"],\"marks\":{\"x\":\"X\",\"o\":\"O\"},"
                + "\"next\":null,\"winner\":\"x\",\"draw\":false}", game.json());
    }

    @Test
    void aFullBoardWithoutALineIsADraw() {
        TicTacToeMatch.Game game = started();
        int[] cells = {0, 1, 2, 4, 3, 5, 7, 6, 8};
        String player = "x";
        for (int cell : cells) {
            assertNull(TicTacToeMatch.move(game, player, "{\"cell\":" + cell + "}"));
            player = player.equals("x") ? "o" : "x";
        }
        assertTrue(game.over && game.draw);
        assertNull(game.winner);
    }

    @Test
    void badMovesAreRefusedAndChangeNothing() {
        TicTacToeMatch.Game game = started();
        assertEquals("invalid move: expected {\"cell\": 0-8}", TicTacToeMatch.move(game, "x", "cell 1"));
        assertEquals("invalid move: cell must be 0-8", TicTacToeMatch.move(game, "x", "{\"cell\":9}"));
        assertEquals("not a player", TicTacToeMatch.move(game, "someone", "{\"cell\":1}"));
        assertEquals("x", game.next);
        assertEquals("game not started", TicTacToeMatch.move(new TicTacToeMatch.Game(), "x", "{\"cell\":1}"));
    }
}
