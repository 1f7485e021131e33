package io.gantry.runtime;

/**
 * Server code packaged in a jar dropped into the server's modules folder, found with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.gantry.runtime.GantryModule}.
 *
 * <pre>{@code
 * public final class TicTacToeModule implements GantryModule {
 *     public void register(Registrar registrar) {
 *         registrar.match("tictactoe", TicTacToeMatch::new)
 *                  .rpc("tictactoe_create", (ctx, payload) ->
 *                          "{\"match_id\":\"" + ctx.server().matches().create("tictactoe", Map.of()) + "\"}");
 *     }
 * }
 * }</pre>
 * The example module {@code examples/tictactoe} is exactly this.
 */
public interface GantryModule {
    void register(Registrar registrar);
}
