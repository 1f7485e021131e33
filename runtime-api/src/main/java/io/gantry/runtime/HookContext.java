package io.gantry.runtime;

import java.util.Map;

/** Who made the client call a hook runs for. */
public interface HookContext {

    /** The calling user. */
    String userId();

    String username();

    /** The session variables of the caller's token. */
    Map<String, String> vars();

    /** The client's address as the server saw it (no port). */
    String clientIp();

    ServerApi server();
}
