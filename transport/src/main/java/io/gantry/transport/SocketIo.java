package io.gantry.transport;

/**
 * Which kernel interface the event loops use for sockets ({@code socket.io}).
 *
 * <p>{@link #IO_URING} submits every write of an event loop's turn to the kernel in one call, so a
 * broadcast to N sockets costs one system call instead of N: at the chat-fanout shape (200
 * members, 80,000 deliveries a second) it halved the server's CPU against {@link #EPOLL} on this
 * project's 2-core machine (BENCHMARKS.md). Where the kernel refuses io_uring (older than 5.9, or
 * a container whose seccomp profile blocks it) {@link #AUTO} falls back to epoll, then NIO.
 */
public enum SocketIo {
    /** io_uring when the kernel allows it, else epoll, else NIO. */
    AUTO,
    IO_URING,
    EPOLL,
    NIO;

    /** The setting's value as written in configuration: {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The value for a configured name; null when there is none. */
    public static SocketIo ofConfigName(String name) {
        for (SocketIo io : values()) {
            if (io.configName().equals(name)) {
                return io;
            }
        }
        return null;
    }
}
