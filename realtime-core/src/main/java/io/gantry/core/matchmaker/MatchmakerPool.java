package io.gantry.core.matchmaker;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.session.Session;
import io.gantry.proto.cluster.PoolAnswer;
import io.gantry.proto.cluster.PoolCommand;

/**
 * In a cluster, where the matchmaker's one pool runs and the way to it (implemented by the cluster
 * module over Redis). Every node builds and validates its own users' tickets and keeps them; the
 * node holding the pool's lease matches them and tells each member's session; when the pool
 * moves, every node sends its tickets again (docs/CLUSTER.md, "The matchmaker").
 */
public interface MatchmakerPool {

    /**
     * The node whose agent holds the pool: null when it is this node's (or Redis is away, when
     * each node matches its own users), an empty string while it moves (its holder died). Any thread.
     */
    String node();

    /** This node's name. */
    String self();

    /** Sends a command to the pool's node; false when the bus is down. Router thread. */
    boolean command(String node, PoolCommand command);

    /** Sends an answer to the node a command (or a ticket) came from. Any thread; never blocks. */
    void answer(String node, PoolAnswer answer);

    /** The session of a ticket's member on another node, as this node tracks it. Router thread. */
    Session remoteSession(String node, UserPresence presence);
}
