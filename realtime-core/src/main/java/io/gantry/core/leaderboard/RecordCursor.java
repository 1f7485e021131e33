package io.gantry.core.leaderboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * A page cursor of a leaderboard's records: the key of the record a page ends (or starts) at, the
 * direction, and the period, as Nakama's {@code leaderboardRecordListCursor} holds them. Encoded as
 * URL-safe base64 of a fixed binary layout (Nakama's is gob; clients treat both as opaque).
 *
 * @param next whether the cursor goes on after the key (a next cursor) or before it (a previous one)
 */
record RecordCursor(boolean next, String boardId, long expiry, long score, long subscore, UUID owner, long rank) {

    private static final int FIXED = 1 + 8 + 8 + 8 + 16 + 8;

    String encode() {
        byte[] id = boardId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(FIXED + id.length);
        buffer.put((byte) (next ? 1 : 0)).putLong(expiry).putLong(score).putLong(subscore)
                .putLong(owner.getMostSignificantBits()).putLong(owner.getLeastSignificantBits()).putLong(rank)
                .put(id);
        return Base64.getUrlEncoder().encodeToString(buffer.array());
    }

    /**
     * Decodes a cursor of this board and period.
     *
     * @return null if {@code text} is not one (malformed, another board's, another period's)
     */
    static RecordCursor decode(String text, String boardId, long expiry) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length < FIXED || bytes[0] > 1 || bytes[0] < 0) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        boolean next = buffer.get() == 1;
        long cursorExpiry = buffer.getLong();
        long score = buffer.getLong();
        long subscore = buffer.getLong();
        UUID owner = new UUID(buffer.getLong(), buffer.getLong());
        long rank = buffer.getLong();
        String id = new String(bytes, FIXED, bytes.length - FIXED, StandardCharsets.UTF_8);
        if (!id.equals(boardId) || cursorExpiry != expiry) {
            return null;
        }
        return new RecordCursor(next, id, cursorExpiry, score, subscore, owner, rank);
    }
}
