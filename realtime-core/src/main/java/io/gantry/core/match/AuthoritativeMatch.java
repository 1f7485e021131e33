package io.gantry.core.match;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.session.Session;

import java.util.List;
import java.util.Map;

/**
 * An authoritative match as the router sees it: the router validates requests and tracks
 * presences (stream mode 6), the match runs its handler on a match worker. Every method is
 * thread-safe and never blocks; the worker answers the router with {@link MatchService} calls
 * made through {@code Router.execute}.
 */
public interface AuthoritativeMatch {

    /** {@code <uuid>.<node>} */
    String id();

    String handlerName();

    int tickRate();

    /** The current label (may lag the handler by one tick). */
    String label();

    /**
     * Queues a join attempt. The worker calls the handler's {@code joinAttempt} and answers with
     * {@link MatchService#joinAccepted} or {@link MatchService#joinRejected} on the router.
     * Returns false when the match has ended.
     */
    boolean offerJoinAttempt(Session session, UserPresence presence, Map<String, String> metadata, String cid);

    /**
     * The router tracked an accepted joiner: the handler's {@code join} follows on the worker,
     * and the match starts delivering to the session.
     */
    void joined(Session session, UserPresence presence);

    /** Players left (leave request, disconnect or kick): the handler's {@code leave} follows. Never dropped. */
    void left(List<UserPresence> presences);

    /**
     * Queues data from a member for the next tick. Returns false when the match's input queue is
     * full (the sender is told; the match is not slowed) or the match has ended.
     */
    boolean offerData(UserPresence sender, long opCode, ByteString data, boolean reliable);
}
