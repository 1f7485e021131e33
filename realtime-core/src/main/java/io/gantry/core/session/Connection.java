package io.gantry.core.session;

/**
 * The transport side of a session: implemented by the WebSocket edge, so that the core never
 * sees Netty. Both methods may be called from any thread.
 */
public interface Connection {

    /**
     * Asks the transport to drain the session's outbound queue on the thread that owns the socket,
     * and then to resume reading if the session paused it and has caught up
     * ({@link Session#resumeReadsIfCaughtUp}). Called at most once until the drain reports the
     * queue empty ({@link Session#flushDone}): when the queue goes from idle to non-empty, or when a
     * finished request brings a paused session's backlog down to its low-water mark (the queue
     * may then be empty).
     */
    void requestFlush(Session session);

    /** Closes the socket with a WebSocket close code and a reason the client can read. */
    void close(int closeCode, String reason);
}
