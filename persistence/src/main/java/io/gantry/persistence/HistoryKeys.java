package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The byte layouts of the history column families (see {@link StoreColumnFamily}), shared by the
 * reader ({@link RocksHistoryStore}) and the writer ({@link GroupCommitWriter}). All integers are
 * big-endian, so RocksDB's bytewise order is numeric order for the non-negative times we store.
 */
final class HistoryKeys {

    /** The longest channel id a 2-byte length prefix can describe. */
    static final int MAX_CHANNEL_ID_BYTES = 0xFFFF;
    /** create time (8) + message id (16), after the channel prefix. */
    static final int POSITION_BYTES = 8 + 16;
    static final int DEDUP_VALUE_BYTES = 16 + 8 + 8;

    private HistoryKeys() {
    }

    /** {@code length | channel id}: every key of the channel starts with it, and no other key does. */
    static byte[] channelPrefix(String channelId) {
        byte[] channel = channelId.getBytes(StandardCharsets.UTF_8);
        if (channel.length > MAX_CHANNEL_ID_BYTES) {
            throw new IllegalArgumentException("channel id longer than " + MAX_CHANNEL_ID_BYTES + " UTF-8 bytes");
        }
        byte[] prefix = new byte[2 + channel.length];
        prefix[0] = (byte) (channel.length >>> 8);
        prefix[1] = (byte) channel.length;
        System.arraycopy(channel, 0, prefix, 2, channel.length);
        return prefix;
    }

    /** The key of a position (create time, id) inside the channel with this prefix. */
    static byte[] messageKey(byte[] channelPrefix, long createTimeUs, UUID messageId) {
        return ByteBuffer.allocate(channelPrefix.length + POSITION_BYTES)
                .put(channelPrefix)
                .putLong(createTimeUs)
                .putLong(messageId.getMostSignificantBits())
                .putLong(messageId.getLeastSignificantBits())
                .array();
    }

    static byte[] messageKey(StoredChannelMessage message) {
        return messageKey(channelPrefix(message.getChannelId()), message.getCreateTimeUs(),
                UUID.fromString(message.getMessageId()));
    }

    /** A key greater than every key of the channel and smaller than the next channel's. */
    static byte[] channelEnd(byte[] channelPrefix) {
        byte[] end = Arrays.copyOf(channelPrefix, channelPrefix.length + POSITION_BYTES);
        Arrays.fill(end, channelPrefix.length, end.length, (byte) 0xFF);
        return end;
    }

    /** Whether {@code key} is a message key of the channel with this prefix. */
    static boolean inChannel(byte[] key, byte[] channelPrefix) {
        return key.length == channelPrefix.length + POSITION_BYTES
                && Arrays.equals(key, 0, channelPrefix.length, channelPrefix, 0, channelPrefix.length);
    }

    static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
    }

    static UUID uuid(byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, 16);
        return new UUID(b.getLong(), b.getLong());
    }

    /**
     * The UUID a string spells in the 8-4-4-4-12 form (either case), or {@code null}. Stricter
     * than {@link UUID#fromString}, which also takes "1-2-3-4-5".
     */
    static UUID parseUuid(String s) {
        if (s == null || s.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23)
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null;
            }
        }
        return UUID.fromString(s);
    }

    static byte[] dedupKey(String senderId, String clientMessageId) {
        byte[] sender = senderId.getBytes(StandardCharsets.UTF_8);
        byte[] client = clientMessageId.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[sender.length + 1 + client.length];
        System.arraycopy(sender, 0, key, 0, sender.length);
        // key[sender.length] stays 0x00: sender ids never contain NUL (WriteOp.Append checks it).
        System.arraycopy(client, 0, key, sender.length + 1, client.length);
        return key;
    }

    static byte[] dedupValue(DedupEntry entry) {
        return ByteBuffer.allocate(DEDUP_VALUE_BYTES)
                .put(uuidBytes(UUID.fromString(entry.messageId())))
                .putLong(entry.createTimeUs())
                .putLong(entry.expiresAtMs())
                .array();
    }

    /** Decodes a stored dedup entry, or {@code null} if the bytes are not one. */
    static DedupEntry dedupEntry(byte[] key, byte[] value) {
        int nul = -1;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0 || value == null || value.length != DEDUP_VALUE_BYTES) {
            return null;
        }
        ByteBuffer v = ByteBuffer.wrap(value, 16, 16);
        return new DedupEntry(
                new String(key, 0, nul, StandardCharsets.UTF_8),
                new String(key, nul + 1, key.length - nul - 1, StandardCharsets.UTF_8),
                uuid(value, 0).toString(), v.getLong(), v.getLong());
    }
}
