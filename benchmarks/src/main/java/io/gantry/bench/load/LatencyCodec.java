package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * How a message carries its send time, without allocating on either side.
 *
 * <p>Match data carries 16 bytes: the sender's {@link System#nanoTime()} at the write (big-endian
 * long) then a sequence number (big-endian long). On a JSON socket those bytes travel as 24
 * characters of standard base64 (protojson's encoding of {@code bytes}); on a protobuf socket as
 * the raw 16 bytes. Chat content is {@code {"t":<ns>,"s":<seq>}} and a status is the decimal
 * {@code <ns>}. The generator is both the sender and the receiver, so the monotonic clock of one
 * process is compared with itself.
 */
public final class LatencyCodec {
    public static final int PAYLOAD_BYTES = 16;
    public static final int BASE64_CHARS = 24;

    private static final byte[] ENC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DEC = new byte[128];

    static {
        java.util.Arrays.fill(DEC, (byte) -1);
        for (int i = 0; i < ENC.length; i++) {
            DEC[ENC[i]] = (byte) i;
        }
        DEC['-'] = 62; // base64url too, in case a server re-encodes
        DEC['_'] = 63;
    }

    private LatencyCodec() {
    }

    private static int payloadByte(long t, long seq, int i) {
        return (int) ((i < 8 ? t >>> (56 - 8 * i) : seq >>> (56 - 8 * (i - 8))) & 0xFF);
    }

    /** Writes the 16-byte payload (t, seq) as 24 base64 characters. */
    public static void writeBase64(ByteBuf out, long t, long seq) {
        int i = 0;
        for (; i + 3 <= PAYLOAD_BYTES; i += 3) {
            int n = (payloadByte(t, seq, i) << 16) | (payloadByte(t, seq, i + 1) << 8) | payloadByte(t, seq, i + 2);
            out.writeByte(ENC[(n >>> 18) & 63]);
            out.writeByte(ENC[(n >>> 12) & 63]);
            out.writeByte(ENC[(n >>> 6) & 63]);
            out.writeByte(ENC[n & 63]);
        }
        // 16 = 5 * 3 + 1: one byte left, two characters and "=="
        int n = payloadByte(t, seq, i) << 16;
        out.writeByte(ENC[(n >>> 18) & 63]);
        out.writeByte(ENC[(n >>> 12) & 63]);
        out.writeByte('=');
        out.writeByte('=');
    }

    /** Writes the 16 raw payload bytes. */
    public static void writeRaw(ByteBuf out, long t, long seq) {
        out.writeLong(t);
        out.writeLong(seq);
    }

    /**
     * Decodes 8 bytes of the payload (at {@code byteOffset}: 0 for the time, 8 for the sequence)
     * from base64 characters starting at {@code index}. Returns {@link Long#MIN_VALUE} when the
     * characters are not base64.
     */
    public static long decodeBase64Long(ByteBuf in, int index, int byteOffset) {
        long acc = 0;
        int bits = 0;
        int byteIndex = 0;
        long result = 0;
        int want = byteOffset + 8;
        for (int k = 0; byteIndex < want; k++) {
            if (k >= BASE64_CHARS || index + k >= in.writerIndex()) {
                return Long.MIN_VALUE;
            }
            int c = in.getByte(index + k);
            int v = c < 0 ? -1 : DEC[c];
            if (v < 0) {
                return Long.MIN_VALUE;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                long b = (acc >>> bits) & 0xFF;
                acc &= (1L << bits) - 1;
                if (byteIndex >= byteOffset) {
                    result = (result << 8) | b;
                }
                byteIndex++;
            }
        }
        return result;
    }

    /** Number of decimal digits of a non-negative long. */
    public static int decimalLength(long v) {
        if (v < 0) {
            return 1 + decimalLength(v == Long.MIN_VALUE ? Long.MAX_VALUE : -v);
        }
        int n = 1;
        long p = 10;
        while (n < 19 && v >= p) {
            n++;
            p *= 10;
        }
        return n;
    }

    /** Writes a long as ASCII decimal digits. */
    public static void writeDecimal(ByteBuf out, long v) {
        if (v < 0) {
            out.writeByte('-');
            v = -v;
        }
        int len = decimalLength(v);
        int start = out.writerIndex();
        out.ensureWritable(len);
        out.writerIndex(start + len);
        for (int i = start + len - 1; i >= start; i--) {
            out.setByte(i, (int) ('0' + v % 10));
            v /= 10;
        }
    }

    /**
     * Parses the decimal digits starting at {@code index} (a leading '-' allowed). Returns
     * {@link Long#MIN_VALUE} when there is no digit there.
     */
    public static long parseDecimal(ByteBuf in, int index, int end) {
        boolean neg = false;
        if (index < end && in.getByte(index) == '-') {
            neg = true;
            index++;
        }
        long v = 0;
        int digits = 0;
        while (index < end) {
            int c = in.getByte(index);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            digits++;
            index++;
        }
        if (digits == 0 || digits > 19) {
            return Long.MIN_VALUE;
        }
        return neg ? -v : v;
    }
}
