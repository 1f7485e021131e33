package io.gantry.core.runtime;

import io.gantry.runtime.AfterHook;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.BeforeHook;
import io.gantry.runtime.GantryModule;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchmakerMatchedHook;
import io.gantry.runtime.MatchmakerProcessor;
import io.gantry.runtime.Registrar;
import io.gantry.runtime.RpcFunction;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Everything server code registered: match handlers by name, RPC functions by id, the matchmaker
 * hooks, and before/after hooks of client API calls. Filled at
 * start-up (from the embedding builder and from modules), read-only once the server runs.
 */
public final class RuntimeRegistry implements Registrar {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

    private final Map<String, Supplier<? extends MatchHandler<?>>> matchHandlers = new LinkedHashMap<>();
    private final Map<String, RpcFunction> rpcFunctions = new LinkedHashMap<>();
    private final Map<ApiCall<?, ?>, BeforeHook<?>> beforeHooks = new LinkedHashMap<>();
    private final Map<ApiCall<?, ?>, AfterHook<?, ?>> afterHooks = new LinkedHashMap<>();
    private final List<java.util.function.Consumer<io.gantry.runtime.ServerApi>> startHooks = new java.util.ArrayList<>();
    private MatchmakerMatchedHook matchmakerMatched;
    private MatchmakerProcessor matchmakerProcessor;
    private boolean sealed;

    @Override
    public RuntimeRegistry matchmakerMatched(MatchmakerMatchedHook hook) {
        checkOpen();
        if (matchmakerMatched != null) {
            throw new IllegalArgumentException("a matchmaker matched hook is already registered");
        }
        matchmakerMatched = Objects.requireNonNull(hook, "hook");
        return this;
    }

    @Override
    public RuntimeRegistry matchmakerProcessor(MatchmakerProcessor processor) {
        checkOpen();
        if (matchmakerProcessor != null) {
            throw new IllegalArgumentException("a matchmaker processor is already registered");
        }
        matchmakerProcessor = Objects.requireNonNull(processor, "processor");
        return this;
    }

    @Override
    public <I, O> RuntimeRegistry before(ApiCall<I, O> call, BeforeHook<I> hook) {
        checkOpen();
        Objects.requireNonNull(call, "call");
        if (beforeHooks.putIfAbsent(call, Objects.requireNonNull(hook, "hook")) != null) {
            throw new IllegalArgumentException("a before hook for " + call + " is already registered");
        }
        return this;
    }

    @Override
    public <I, O> RuntimeRegistry after(ApiCall<I, O> call, AfterHook<I, O> hook) {
        checkOpen();
        Objects.requireNonNull(call, "call");
        if (afterHooks.putIfAbsent(call, Objects.requireNonNull(hook, "hook")) != null) {
            throw new IllegalArgumentException("an after hook for " + call + " is already registered");
        }
        return this;
    }

    /** The before hook registered for the call, or null. */
    @SuppressWarnings("unchecked")
    public <I, O> BeforeHook<I> beforeHook(ApiCall<I, O> call) {
        return (BeforeHook<I>) beforeHooks.get(call);
    }

    /** The after hook registered for the call, or null. */
    @SuppressWarnings("unchecked")
    public <I, O> AfterHook<I, O> afterHook(ApiCall<I, O> call) {
        return (AfterHook<I, O>) afterHooks.get(call);
    }

    /** The registered hook, or null. */
    public MatchmakerMatchedHook matchmakerMatched() {
        return matchmakerMatched;
    }

    /** The registered processor, or null for the built-in one. */
    public MatchmakerProcessor matchmakerProcessor() {
        return matchmakerProcessor;
    }

    @Override
    public RuntimeRegistry match(String name, Supplier<? extends MatchHandler<?>> factory) {
        checkOpen();
        checkName("match handler", name);
        Objects.requireNonNull(factory, "factory");
        if (matchHandlers.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("match handler '" + name + "' is registered twice");
        }
        return this;
    }

    @Override
    public RuntimeRegistry rpc(String id, RpcFunction function) {
        checkOpen();
        checkName("rpc function", id);
        Objects.requireNonNull(function, "function");
        // Nakama matches RPC ids case-insensitively: clients may call "Echo" for "echo".
        if (rpcFunctions.putIfAbsent(id.toLowerCase(java.util.Locale.ROOT), function) != null) {
            throw new IllegalArgumentException("rpc function '" + id + "' is registered twice");
        }
        return this;
    }

    @Override
    public RuntimeRegistry onStart(java.util.function.Consumer<io.gantry.runtime.ServerApi> hook) {
        checkOpen();
        startHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /** The modules' start-up hooks, in registration order. */
    public List<java.util.function.Consumer<io.gantry.runtime.ServerApi>> startHooks() {
        return List.copyOf(startHooks);
    }

    /** Lets a module register its handlers. */
    public RuntimeRegistry module(GantryModule module) {
        module.register(this);
        return this;
    }

    /** No more registrations: the server is starting. */
    public void seal() {
        sealed = true;
    }

    public Supplier<? extends MatchHandler<?>> matchHandler(String name) {
        return matchHandlers.get(name);
    }

    public RpcFunction rpc(String id) {
        return rpcFunctions.get(id.toLowerCase(java.util.Locale.ROOT));
    }

    public Map<String, Supplier<? extends MatchHandler<?>>> matchHandlers() {
        return Collections.unmodifiableMap(matchHandlers);
    }

    public Map<String, RpcFunction> rpcFunctions() {
        return Collections.unmodifiableMap(rpcFunctions);
    }

    private void checkOpen() {
        if (sealed) {
            throw new IllegalStateException("handlers are registered before the server starts");
        }
    }

    private static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name must be 1-128 letters, digits, '_', '-' or '.', not '" + name + "'");
        }
    }
}
