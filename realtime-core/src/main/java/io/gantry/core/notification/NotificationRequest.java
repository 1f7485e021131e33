package io.gantry.core.notification;

/**
 * One notification to send with {@link NotificationService#sendAll}.
 *
 * @param userId     the recipient's user id (a UUID)
 * @param subject    a short text, non-empty
 * @param content    a JSON object, e.g. {@code {"reward":100}}
 * @param code       what kind of notification this is, for the client; codes below 1 are
 *                   reserved for the server by Nakama's convention (-1: a user wants to chat)
 * @param senderId   the user who caused it, or null/empty for the system
 * @param persistent whether it is stored and listed over REST, or realtime only
 */
public record NotificationRequest(String userId, String subject, String content, int code, String senderId,
                                  boolean persistent) {
}
