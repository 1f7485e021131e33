package io.gantry.transport.http;

/** How a REST route authenticates its caller. */
public enum AuthMode {
    /** Nobody: health checks. */
    NONE,
    /** Basic auth with the server key: the authenticate and refresh endpoints. */
    SERVER_KEY,
    /** A bearer session token. */
    SESSION,
    /** A bearer session token, or the HTTP key as {@code ?http_key=} for server-to-server calls. */
    SESSION_OR_HTTP_KEY
}
