package io.gantry.persistence;

/**
 * A remembered retry-safe send: the message a (sender, client message id) pair produced, until
 * {@code expiresAtMs}. A resend with the same pair inside the window is answered with this
 * message instead of storing a second one.
 *
 * @param senderId        the sender's user id
 * @param clientMessageId the id the client chose for the send
 * @param messageId       the server's id of the stored message (canonical UUID)
 * @param createTimeUs    the stored message's create time, epoch microseconds
 * @param expiresAtMs     when the entry stops counting, epoch milliseconds (exclusive)
 */
public record DedupEntry(String senderId, String clientMessageId, String messageId, long createTimeUs,
                         long expiresAtMs) {

    /** Whether the entry still counts at {@code nowMs}. */
    public boolean isLiveAt(long nowMs) {
        return nowMs < expiresAtMs;
    }
}
