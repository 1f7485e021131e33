package io.gantry.core.tracker;

/**
 * Told when a presence of another node joins, changes or leaves a stream of the mode it listens
 * to, so that the subsystem can tell this node's members what the other node cannot: status
 * events to this node's followers, and the leaves of a node that died. Router thread.
 */
public interface RemoteListener {

    /**
     * A presence of another node joined the stream, or changed ({@code replaced} is then what it
     * was). The other node told the stream's members itself, through the bus.
     */
    default void remoteJoined(StreamMembers members, Presence joined, Presence replaced) {
    }

    /**
     * A presence of another node left the stream. When {@code nodeFailed} its node died and told
     * nobody: each node tells its own members, and only them.
     */
    default void remoteLeft(StreamMembers remaining, Presence left, boolean nodeFailed) {
    }
}
