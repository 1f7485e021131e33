package io.gantry.runtime;

/**
 * A user's socket in a match or stream, as server code sees it.
 *
 * @param userId    the user
 * @param sessionId the socket (a user may have several)
 * @param username  the user's name when the presence was created
 * @param node      the node the socket is connected to
 */
public record Presence(String userId, String sessionId, String username, String node) {
}
