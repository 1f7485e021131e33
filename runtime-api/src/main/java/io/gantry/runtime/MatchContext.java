package io.gantry.runtime;

/** What a match handler knows about the match it runs. */
public interface MatchContext {

    /** The match id clients join, {@code <uuid>.<node>}. */
    String matchId();

    /** The node running the match. */
    String node();

    /** The name the handler was registered under. */
    String handlerName();

    /** The server, for notifications, streams and other matches. */
    ServerApi server();
}
