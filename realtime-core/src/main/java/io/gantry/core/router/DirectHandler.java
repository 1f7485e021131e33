package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.session.Session;

/**
 * Handles one type of client request on the thread that read it (a socket's event loop), without
 * the router, when it can: it reads only state the router publishes for other threads (immutable
 * snapshots), sends through {@link Session#send}, and never blocks. It returns false to hand the
 * request to the router as usual (a case it does not handle, or a refusal whose answer the
 * router's handler words). The router asks it only when the session has no earlier request in
 * flight, so a session's requests still take effect in the order it sent them.
 *
 * <pre>{@code
 * router.register(MATCH_DATA_SEND, matches::onData)          // every case, on the router
 *       .registerDirect(MATCH_DATA_SEND, matches::relayDirect); // the common case, on the event loop
 * }</pre>
 */
@FunctionalInterface
public interface DirectHandler {

    /** True when the request was handled here; false to publish it to the router. Any thread. */
    boolean tryHandle(Session session, Envelope request);
}
