package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.session.Session;

/**
 * Handles one type of client request on the router thread. A handler replies through
 * {@link Session#send}; it must not block. Throwing sends the client a
 * {@code RUNTIME_EXCEPTION} error and leaves the router running.
 */
@FunctionalInterface
public interface RequestHandler {
    void handle(Session session, Envelope request);
}
