package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Turns history positions into opaque, tamper-safe cursor strings and back.
 *
 * <p>Layout before base64url (no padding): version (1) | flags (1: bit 0 the listing was
 * forward, bit 1 it is a "next" cursor) | create time µs (8) | message id (16) | channel id
 * (UTF-8, the rest) | HMAC-SHA256 of all that, truncated to 16 bytes. The channel id is inside so
 * a cursor of one channel cannot page another; the MAC so a client cannot forge a position (and
 * so garbage is refused before it is parsed).
 *
 * <p>Threads: thread-safe; each thread keeps its own {@link Mac}.
 */
final class HistoryCursorCodec {

    /**
     * A decoded cursor: the listing it belongs to ({@code forward}, as the request had it) and
     * whether it pages on in that direction ({@code next}) or back ({@code !next}), from strictly
     * beyond the position ({@code createTimeUs}, {@code messageId}).
     */
    record Cursor(boolean forward, boolean next, long createTimeUs, UUID messageId) {

        /** Whether the scan this cursor asks for walks keys upwards. */
        boolean scansForward() {
            return next == forward;
        }
    }

    private static final byte VERSION = 1;
    private static final int FORWARD = 1;
    private static final int NEXT = 2;
    private static final int HEADER_BYTES = 1 + 1 + 8 + 16;
    private static final int MAC_BYTES = CursorMac.BYTES;
    /** Longest string a cursor for a channel id of the maximum length can be; longer is garbage. */
    private static final int MAX_CURSOR_CHARS =
            (HEADER_BYTES + HistoryKeys.MAX_CHANNEL_ID_BYTES + MAC_BYTES + 2) / 3 * 4;

    private final CursorMac mac;

    HistoryCursorCodec(byte[] key) {
        this.mac = new CursorMac(key);
    }

    String encode(String channelId, Cursor cursor) {
        byte[] channel = channelId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + channel.length + MAC_BYTES)
                .put(VERSION)
                .put((byte) ((cursor.forward() ? FORWARD : 0) | (cursor.next() ? NEXT : 0)))
                .putLong(cursor.createTimeUs())
                .putLong(cursor.messageId().getMostSignificantBits())
                .putLong(cursor.messageId().getLeastSignificantBits())
                .put(channel);
        byte[] bytes = buf.array();
        int bodyLength = bytes.length - MAC_BYTES;
        System.arraycopy(mac(bytes, bodyLength), 0, bytes, bodyLength, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The cursor {@code text} stands for, if this codec made it for {@code channelId}.
     *
     * @throws InvalidCursorException for anything else; never another exception
     */
    Cursor decode(String channelId, String text) throws InvalidCursorException {
        if (text.length() > MAX_CURSOR_CHARS) {
            throw new InvalidCursorException();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        if (bytes.length < HEADER_BYTES + MAC_BYTES) {
            throw new InvalidCursorException();
        }
        int bodyLength = bytes.length - MAC_BYTES;
        byte[] expected = mac(bytes, bodyLength);
        // Constant time: a forger learns nothing from how long the comparison took.
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, bodyLength, bytes.length))) {
            throw new InvalidCursorException();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, bodyLength);
        byte version = buf.get();
        int flags = buf.get();
        if (version != VERSION || (flags & ~(FORWARD | NEXT)) != 0) {
            throw new InvalidCursorException();
        }
        long createTimeUs = buf.getLong();
        UUID messageId = new UUID(buf.getLong(), buf.getLong());
        byte[] channel = channelId.getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(bytes, HEADER_BYTES, bodyLength, channel, 0, channel.length)) {
            throw new InvalidCursorException();
        }
        return new Cursor((flags & FORWARD) != 0, (flags & NEXT) != 0, createTimeUs, messageId);
    }

    /**
     * The page a listing found, with its cursors, for both stores: {@code scanned} in scan order
     * ({@code scanUp}: ascending positions), {@code moreAhead} whether a position lies beyond its
     * last item in scan order, {@code moreBehind} whether one lies at or behind the incoming
     * cursor's position (only asked when there is a cursor and a non-empty page). A "prev" cursor
     * scans against the listing's direction: the page is flipped back, and ahead and behind swap.
     */
    HistoryPage page(String channelId, boolean forward, Cursor incoming, List<StoredChannelMessage> scanned,
                     boolean scanUp, boolean moreAhead, boolean moreBehind) {
        boolean flipped = scanUp != forward;
        if (flipped) {
            Collections.reverse(scanned);
        }
        boolean hasNext = flipped ? moreBehind : moreAhead;
        boolean hasPrev = flipped ? moreAhead : moreBehind;

        String next = null;
        String prev = null;
        String cacheable = null;
        if (!scanned.isEmpty()) {
            StoredChannelMessage first = scanned.get(0);
            StoredChannelMessage last = scanned.get(scanned.size() - 1);
            if (hasNext) {
                next = encode(channelId, forward, true, last);
            }
            if (hasPrev) {
                prev = encode(channelId, forward, false, first);
            }
            cacheable = encode(channelId, true, true, forward ? last : first);
        } else if (incoming != null) {
            // Nothing new: a client that keeps polling with its cacheable cursor keeps its place.
            cacheable = encode(channelId, new Cursor(true, true, incoming.createTimeUs(), incoming.messageId()));
        }
        return new HistoryPage(scanned, next, prev, cacheable);
    }

    private String encode(String channelId, boolean forward, boolean next, StoredChannelMessage at) {
        return encode(channelId, new Cursor(forward, next, at.getCreateTimeUs(), UUID.fromString(at.getMessageId())));
    }

    private byte[] mac(byte[] bytes, int length) {
        return mac.of(bytes, length);
    }
}
