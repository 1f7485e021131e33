package io.gantry.runtime;

import java.util.function.Supplier;

/** Where server code registers its handlers. Used at start-up only. */
public interface Registrar {

    /** An authoritative match handler; a new instance per match. */
    Registrar match(String name, Supplier<? extends MatchHandler<?>> factory);

    /** A server function, callable over the socket and REST. */
    Registrar rpc(String id, RpcFunction function);

    /** Called for each group the matchmaker forms (one hook per server). */
    Registrar matchmakerMatched(MatchmakerMatchedHook hook);

    /** Replaces the matchmaker's grouping logic (one processor per server). */
    Registrar matchmakerProcessor(MatchmakerProcessor processor);

    /** Runs before the server handles a client's call (one before hook per call). */
    <I, O> Registrar before(ApiCall<I, O> call, BeforeHook<I> hook);

    /** Runs after the server handled a client's call successfully (one after hook per call). */
    <I, O> Registrar after(ApiCall<I, O> call, AfterHook<I, O> hook);

    /**
     * Runs once at start-up, after every module registered and before the server accepts clients,
     * with the server's API: where a module creates its leaderboards and tournaments (as a Nakama
     * module does in its {@code InitModule}). Hooks run in registration order, on the starting
     * thread; one that throws stops the start-up.
     */
    Registrar onStart(java.util.function.Consumer<ServerApi> hook);
}
