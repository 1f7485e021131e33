package io.gantry.core.session;

/**
 * The transport side of a session: implemented by the WebSocket edge, so that the core never
 * sees Netty. Both methods may be called from any thread.
 */
public interface Connection {

    /**
     * Asks the transport to drain the session's outbound queue on the thread that owns the socket.
     * Called at most once per transition of the queue from idle to non-empty.
     */
    void requestFlush(Session session);

    /** Closes the socket with a WebSocket close code and a reason the client can read. */
    void close(int closeCode, String reason);
}
