package io.gantry.runtime;

/** Notifications to users, from server code. Thread-safe. */
public interface Notifications {

    /**
     * Sends a notification: every socket of the user receives it at once; a persistent one is
     * also stored and listed over {@code GET /v2/notification}.
     *
     * @param content  a JSON object
     * @param senderId the sending user, or null/empty for the server
     */
    void send(String userId, String subject, String content, int code, String senderId, boolean persistent);
}
