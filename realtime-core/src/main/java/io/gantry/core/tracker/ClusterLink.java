package io.gantry.core.tracker;

import io.gantry.core.session.Outbound;

/**
 * The tracker's way to the other nodes of a cluster (implemented by the cluster module, over
 * Redis): a local presence's changes are published to every node, and a stream's broadcast
 * crosses once to each node that holds some of its members. Router thread; never blocks (the
 * implementation queues what it publishes).
 */
public interface ClusterLink {

    /** A single node: nothing crosses. */
    ClusterLink NONE = new ClusterLink() {
        @Override
        public void tracked(Stream stream, Presence presence) {
        }

        @Override
        public void untracked(Stream stream, Presence presence) {
        }

        @Override
        public void toStream(String node, Stream stream, Outbound message, String exceptSessionId) {
        }

        @Override
        public void untrackOn(io.gantry.core.session.Session remote, Stream stream) {
        }

        @Override
        public boolean forward(String node, io.gantry.core.session.Session session,
                               com.heroiclabs.nakama.rtapi.Envelope request) {
            return false;
        }
    };

    /** A presence of this node's joined a stream or changed (status text, say). */
    void tracked(Stream stream, Presence presence);

    /** A presence of this node's left a stream. */
    void untracked(Stream stream, Presence presence);

    /**
     * Sends a message to the members of a stream that are on one other node, but the excluded
     * session (null for none): one crossing for all of that node's members.
     */
    void toStream(String node, Stream stream, Outbound message, String exceptSessionId);

    /**
     * Asks a remote session's node to take it out of a stream (a user kicked from a group's
     * channel): that node untracks it and tells the stream's members as for a disconnect.
     */
    void untrackOn(io.gantry.core.session.Session remote, Stream stream);

    /**
     * Hands a request to the node that owns what it names (a party, an authoritative match, the
     * matchmaker's pool), where it is handled as if this session had sent it there, answered
     * through the bus. Returns false when that node is not a live member of the cluster (the
     * caller answers as for something that does not exist).
     */
    boolean forward(String node, io.gantry.core.session.Session session, com.heroiclabs.nakama.rtapi.Envelope request);

    /**
     * A remote session joined ({@code joined}) or left a party or authoritative match this node
     * owns: its node keeps note, to tell it the entity ended if this node dies.
     */
    default void ownedMembership(Stream stream, Presence presence, boolean joined) {
    }

    /**
     * Runs {@code then} on the router once this node has applied everything every other live node
     * had published when asked (a round trip on the bus to each), so that what another node did
     * before is visible here. Returns false, running nothing, on a single node or while the bus is
     * down. Router thread.
     */
    default boolean catchUp(Runnable then) {
        return false;
    }
}
