package io.gantry.server.runtime;

import io.gantry.runtime.GantryModule;
import io.gantry.runtime.Registrar;

/** A module for ModuleFolderTest: registers one function. */
public final class EchoModule implements GantryModule {
    @Override
    public void register(Registrar registrar) {
        registrar.rpc("module_echo", (ctx, payload) -> "module:" + payload);
    }
}
