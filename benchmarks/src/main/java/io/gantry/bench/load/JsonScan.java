package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Just enough JSON reading over a {@link ByteBuf} to find a few fields in a received frame
 * without building a tree or a String. Tolerates whitespace anywhere JSON allows it (Go's
 * protojson adds random spaces after commas).
 */
final class JsonScan {
    private JsonScan() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Index of the first occurrence of {@code pat} in [from, to), or -1. */
    static int indexOf(ByteBuf b, int from, int to, byte[] pat) {
        int last = to - pat.length;
        byte first = pat[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (b.getByte(i) != first) {
                continue;
            }
            for (int k = 1; k < pat.length; k++) {
                if (b.getByte(i + k) != pat[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean isWs(int c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    static int skipWs(ByteBuf b, int i, int to) {
        while (i < to && isWs(b.getByte(i))) {
            i++;
        }
        return i;
    }

    /**
     * Finds the key {@code quotedKey} (the key with its quotes, e.g. {@code "data"}) followed by a
     * colon, from {@code from}; returns the index of its value's first character, or -1.
     */
    static int valueOf(ByteBuf b, int from, int to, byte[] quotedKey) {
        int i = from;
        while (true) {
            int k = indexOf(b, i, to, quotedKey);
            if (k < 0) {
                return -1;
            }
            int j = skipWs(b, k + quotedKey.length, to);
            if (j < to && b.getByte(j) == ':') {
                return skipWs(b, j + 1, to);
            }
            i = k + 1;
        }
    }

    /** Index just after the string starting (at its opening quote) at {@code i}. */
    static int skipString(ByteBuf b, int i, int to) {
        i++;
        while (i < to) {
            int c = b.getByte(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            i++;
        }
        return to;
    }

    /** Reads the string starting (at its opening quote) at {@code i}, unescaping it. */
    static String readString(ByteBuf b, int i, int to) {
        if (i < 0 || i >= to || b.getByte(i) != '"') {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int start = i + 1;
        int end = skipString(b, i, to) - 1;
        boolean simple = true;
        for (int k = start; k < end; k++) {
            byte c = b.getByte(k);
            if (c == '\\' || c < 0) {
                simple = false;
                break;
            }
        }
        if (simple) {
            return b.toString(start, Math.max(0, end - start), StandardCharsets.US_ASCII);
        }
        String raw = b.toString(start, Math.max(0, end - start), StandardCharsets.UTF_8);
        for (int k = 0; k < raw.length(); k++) {
            char c = raw.charAt(k);
            if (c != '\\' || k + 1 >= raw.length()) {
                sb.append(c);
                continue;
            }
            char e = raw.charAt(++k);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (k + 4 < raw.length()) {
                        sb.append((char) Integer.parseInt(raw.substring(k + 1, k + 5), 16));
                        k += 4;
                    }
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    /** Parses a number, or a number inside quotes (protojson writes int64 as strings). */
    static long readLong(ByteBuf b, int i, int to) {
        if (i < 0 || i >= to) {
            return Long.MIN_VALUE;
        }
        if (b.getByte(i) == '"') {
            i++;
        }
        return LatencyCodec.parseDecimal(b, i, to);
    }

    /** True when the bytes at [start, end) equal {@code s}. */
    static boolean equalsAt(ByteBuf b, int start, int end, byte[] s) {
        if (end - start != s.length) {
            return false;
        }
        for (int k = 0; k < s.length; k++) {
            if (b.getByte(start + k) != s[k]) {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code s} to {@code sb} as a JSON string literal. */
    static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
