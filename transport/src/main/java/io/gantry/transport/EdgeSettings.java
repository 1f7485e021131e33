package io.gantry.transport;

/**
 * What the network edge needs to know, taken from the server's configuration.
 *
 * @param address            address to bind, e.g. "0.0.0.0" or "127.0.0.1"
 * @param port               REST and WebSocket port (0 picks a free one)
 * @param tcpPort            TCP transport port on the same address: {@link #TCP_OFF} turns it off,
 *                           0 picks a free one
 * @param serverKey          the key clients send with basic auth to authenticate
 * @param httpKey            the key server-to-server RPC calls send as {@code ?http_key=}
 * @param maxMessageSize     largest socket message (WebSocket or TCP frame) a client may send, in bytes
 * @param maxRequestSize     largest REST request body, in bytes
 * @param outgoingQueueSize  messages that may wait for one socket; one more closes it as a slow consumer
 * @param outgoingHighWater  backlog (queued messages plus requests in flight) at which a socket's
 *                           requests stop being read
 * @param outgoingLowWater   backlog at or under which they are read again
 * @param slowConsumerTimeoutMs how long a socket may accept no bytes (not writable: its client is
 *                           not reading) before it is closed as a slow consumer
 * @param pingPeriodMs       how often the server sends a WebSocket ping
 * @param pongWaitMs         how long a socket may stay silent (no pong, no frame) before it is closed
 * @param idleTimeoutMs      how long a keep-alive HTTP connection may wait for its next request
 * @param eventLoopThreads   Netty event loops; 0 means one per core
 * @param apiThreads         threads running REST handlers that touch the store
 * @param apiQueueSize       REST requests that may wait for a thread before the server answers 503
 * @param io                 the kernel interface of the event loops' sockets
 */
public record EdgeSettings(
        String address,
        int port,
        int tcpPort,
        String serverKey,
        String httpKey,
        int maxMessageSize,
        int maxRequestSize,
        int outgoingQueueSize,
        int outgoingHighWater,
        int outgoingLowWater,
        long slowConsumerTimeoutMs,
        long pingPeriodMs,
        long pongWaitMs,
        long idleTimeoutMs,
        int eventLoopThreads,
        int apiThreads,
        int apiQueueSize,
        SocketIo io) {

    /** {@link #tcpPort} when the TCP transport is off. */
    public static final int TCP_OFF = -1;

    /**
     * Defaults of DESIGN.md §3 (with the outgoing queue and flow control of ARCHITECTURE.md) on a
     * loopback address and free ports, for tests and embedding.
     */
    public static EdgeSettings defaults() {
        return new EdgeSettings("127.0.0.1", 0, 0, "defaultkey", "defaulthttpkey", 4096, 262_144, 4096, 128, 32,
                5_000, 15_000, 25_000, 60_000, 0, 8, 1024, SocketIo.AUTO);
    }

    public EdgeSettings withPort(int newPort) {
        return new EdgeSettings(address, newPort, tcpPort, serverKey, httpKey, maxMessageSize, maxRequestSize,
                outgoingQueueSize, outgoingHighWater, outgoingLowWater, slowConsumerTimeoutMs, pingPeriodMs,
                pongWaitMs, idleTimeoutMs, eventLoopThreads, apiThreads, apiQueueSize, io);
    }
}
