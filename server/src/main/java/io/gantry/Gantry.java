package io.gantry;

import io.gantry.core.runtime.RuntimeRegistry;
import io.gantry.runtime.GantryModule;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.RpcFunction;
import io.gantry.server.GantryServer;
import io.gantry.server.ModuleLoader;
import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigKeys;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Embeds Gantry with server code registered in plain Java.
 *
 * <pre>{@code
 * GantryServer server = Gantry.builder()
 *     .config(Config.load(args))
 *     .match("arena", ArenaMatch::new)             // authoritative match handler
 *     .rpc("echo", (ctx, payload) -> payload)      // socket and REST RPC
 *     .build()
 *     .start();
 * }</pre>
 *
 * Module jars in the configured {@code runtime.path} folder are loaded too, unless
 * {@link Builder#withoutModuleFolder()} is called.
 */
public final class Gantry {

    private final Config config;
    private final RuntimeRegistry registry;
    private final boolean loadModuleFolder;

    private Gantry(Config config, RuntimeRegistry registry, boolean loadModuleFolder) {
        this.config = config;
        this.registry = registry;
        this.loadModuleFolder = loadModuleFolder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads the module folder (if enabled), then opens the store, starts the router and binds the port. */
    public GantryServer start() throws InterruptedException {
        if (loadModuleFolder) {
            ModuleLoader.loadFolder(Path.of(config.get(ConfigKeys.RUNTIME_PATH)), registry);
        }
        return GantryServer.start(config, registry);
    }

    /** Collects the configuration and server code. Not thread-safe; use from one thread at start-up. */
    public static final class Builder {
        private Config config = Config.defaults();
        private final RuntimeRegistry registry = new RuntimeRegistry();
        private boolean loadModuleFolder = true;

        public Builder config(Config value) {
            this.config = value;
            return this;
        }

        /** An authoritative match handler; a new instance is made for each match. */
        public Builder match(String name, Supplier<? extends MatchHandler<?>> factory) {
            registry.match(name, factory);
            return this;
        }

        /** A server function callable over the socket ({@code rpc}) and REST ({@code /v2/rpc/{id}}). */
        public Builder rpc(String id, RpcFunction function) {
            registry.rpc(id, function);
            return this;
        }

        /** Called for each group the matchmaker forms; return a match id to send the players there. */
        public Builder matchmakerMatched(io.gantry.runtime.MatchmakerMatchedHook hook) {
            registry.matchmakerMatched(hook);
            return this;
        }

        /** Replaces the matchmaker's grouping logic. */
        public Builder matchmakerProcessor(io.gantry.runtime.MatchmakerProcessor processor) {
            registry.matchmakerProcessor(processor);
            return this;
        }

        /**
         * Runs before the server handles a client's call: may change the request, or refuse it
         * with a {@link io.gantry.runtime.RefusedException} the client receives.
         */
        public <I, O> Builder before(io.gantry.runtime.ApiCall<I, O> call, io.gantry.runtime.BeforeHook<I> hook) {
            registry.before(call, hook);
            return this;
        }

        /** Runs after the server handled a client's call, with the request and the result. */
        public <I, O> Builder after(io.gantry.runtime.ApiCall<I, O> call, io.gantry.runtime.AfterHook<I, O> hook) {
            registry.after(call, hook);
            return this;
        }

        /** Server code packaged as a module. */
        public Builder module(GantryModule module) {
            registry.module(module);
            return this;
        }

        /** Skips loading jars from the {@code runtime.path} folder. */
        public Builder withoutModuleFolder() {
            this.loadModuleFolder = false;
            return this;
        }

        public Gantry build() {
            return new Gantry(config, registry, loadModuleFolder);
        }
    }
}
