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
 *                  .rpc("create_tictactoe", (ctx, payload) -> ctx.server().matches().create("tictactoe", Map.of()));
 *     }
 * }
 * }</pre>
 */
public interface GantryModule {
    void register(Registrar registrar);
}
