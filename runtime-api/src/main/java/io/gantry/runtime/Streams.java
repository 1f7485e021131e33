package io.gantry.runtime;

import java.util.Collection;
import java.util.List;

/** Custom streams, from server code. Thread-safe; changes take effect on the router shortly after the call. */
public interface Streams {

    /**
     * Adds a connected session to a stream; the members (the new one included, unless hidden)
     * receive a {@code stream_presence_event}.
     *
     * @return false when the session is not connected
     */
    boolean join(String sessionId, StreamId stream, boolean hidden, boolean persistence, String status);

    /** Removes a session from a stream; the remaining members receive a leave event. */
    void leave(String sessionId, StreamId stream);

    /**
     * Sends {@code stream_data} to the stream's members.
     *
     * @param to     the members to send to, or null for all
     * @param sender shown as the sender, or null for the server
     */
    void send(StreamId stream, String data, Collection<Presence> to, Presence sender, boolean reliable);

    /** The stream's members now (blocks until the router answers, at most a second). */
    List<Presence> members(StreamId stream);
}
