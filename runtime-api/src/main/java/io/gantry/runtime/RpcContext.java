package io.gantry.runtime;

import java.util.Map;

/** Who called an RPC function. */
public interface RpcContext {

    /** The calling user, or empty for a server-to-server call made with the HTTP key. */
    String userId();

    String username();

    /** The session variables of the caller's token (empty for HTTP-key calls). */
    Map<String, String> vars();

    /** The socket the call came on, or empty for REST calls. */
    String sessionId();

    ServerApi server();
}
