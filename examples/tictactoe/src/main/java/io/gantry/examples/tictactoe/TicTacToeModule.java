package io.gantry.examples.tictactoe;

import io.gantry.runtime.GantryModule;
import io.gantry.runtime.Registrar;

import java.util.Map;

/**
 * The tic-tac-toe module: the {@code "tictactoe"} match handler, and an RPC that creates a game.
 * Drop the jar into the server's {@code modules/} folder (it is listed in
 * {@code META-INF/services/io.gantry.runtime.GantryModule}), or register it when embedding:
 * {@code Gantry.builder().module(new TicTacToeModule())}.
 *
 * <p>{@code tictactoe_create} answers {@code {"match_id":"<id>"}}; with nakama-js:
 * <pre>{@code
 * const { payload } = await client.rpc(session, "tictactoe_create", {});
 * const match = await socket.joinMatch(payload.match_id);
 * }</pre>
 */
public final class TicTacToeModule implements GantryModule {

    public static final String MATCH = "tictactoe";
    public static final String RPC_CREATE = "tictactoe_create";

    @Override
    public void register(Registrar registrar) {
        registrar.match(MATCH, TicTacToeMatch::new)
                .rpc(RPC_CREATE, (ctx, payload) ->
                        "{\"match_id\":\"" + ctx.server().matches().create(MATCH, Map.of()) + "\"}");
    }
}
