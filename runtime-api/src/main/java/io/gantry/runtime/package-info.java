/**
 * The runtime API: what server-side Java code (match handlers, RPC functions, hooks) sees of
 * Gantry. Interfaces and value types only, stable for users to compile against; the server
 * provides the implementations.
 *
 * <p>Register code through the embedding builder:
 * <pre>{@code
 * Gantry.builder()
 *     .config(Config.load(args))
 *     .match("arena", ArenaMatch::new)
 *     .rpc("echo", (ctx, payload) -> payload)
 *     .build().start();
 * }</pre>
 * or package a {@link io.gantry.runtime.GantryModule} in a jar in the server's modules folder,
 * listed in {@code META-INF/services/io.gantry.runtime.GantryModule}.
 */
package io.gantry.runtime;
