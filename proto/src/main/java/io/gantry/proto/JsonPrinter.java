package io.gantry.proto;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.JsonFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints a message as JSON exactly as protobuf-java-util's {@code JsonFormat.printer()
 * .printingEnumsAsInts().preservingProtoFieldNames().omittingInsignificantWhitespace()} does
 * (Nakama's protojson conventions: proto field names, fields in number order, defaults omitted,
 * 64-bit integers as strings, enums as numbers, wrappers as bare values, timestamps in RFC 3339,
 * bytes in base64), at a fraction of its cost: instead of reflecting over the message field by
 * field, it serialises the message with its generated code into a per-thread buffer and walks
 * the wire bytes once, with per-type field tables, writing UTF-8 straight into a per-thread output
 * buffer (strings are copied from the wire bytes, escaped where JSON needs it, never decoded).
 * {@code JsonPrinterTest} compares it byte for byte with JsonFormat on random messages of every
 * type Gantry prints.
 *
 * <pre>{@code
 * byte[] frame = JsonPrinter.printUtf8(envelope); // JsonFormat's text, as UTF-8, in one exact-size array
 * String json = JsonPrinter.print(envelope);      // the same text as a String (REST bodies)
 * }</pre>
 *
 * <p>Messages holding a well-known type other than {@code Timestamp}, {@code Empty} and the
 * wrappers ({@code Any}, {@code Struct}, {@code Duration}, ...) are handed to {@code JsonFormat}.
 * Thread-safe: the shared state is a cache of immutable per-type tables; the buffers are per thread.
 */
public final class JsonPrinter {

    private static final JsonFormat.Printer FALLBACK = JsonFormat.printer()
            .printingEnumsAsInts()
            .preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final Set<String> WRAPPERS = Set.of("google.protobuf.DoubleValue", "google.protobuf.FloatValue",
            "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
            "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
            "google.protobuf.BytesValue");
    private static final String TIMESTAMP = "google.protobuf.Timestamp";
    private static final String EMPTY = "google.protobuf.Empty";
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);
    /**
     * What each ASCII byte becomes inside a JSON string, as Gson (HTML-safe) writes it: 0 for itself,
     * a character c for backslash-c, 'u' for backslash-u and four hex digits (control characters
     * and {@code < > & = '}).
     */
    private static final byte[] ESCAPE = new byte[128];
    /** A scratch buffer that grew past this is not kept for the next message. */
    private static final int KEEP_BYTES = 64 * 1024;

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        for (char c : "<>&='".toCharArray()) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\t'] = 't';
        ESCAPE['\b'] = 'b';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\f'] = 'f';
    }

    /** Per message type: its fields by number, each field's {@code "name":} bytes, and whether this printer handles the type. */
    private record Table(FieldDescriptor[] byNumber, byte[][] keys, Map<Integer, FieldDescriptor> sparse,
                         Map<Integer, byte[]> sparseKeys, boolean supported) {

        FieldDescriptor field(int number) {
            if (number < byNumber.length) {
                return byNumber[number];
            }
            return sparse.get(number);
        }

        byte[] key(int number) {
            if (number < keys.length) {
                return keys[number];
            }
            return sparseKeys.get(number);
        }
    }

    private static final Map<Descriptor, Table> TABLES = new ConcurrentHashMap<>();

    /** Per-thread buffers: the message's wire bytes, and the JSON being written. */
    private static final class Scratch {
        byte[] wire = new byte[1024];
        byte[] out = new byte[2048];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // the state of one print, on the printing thread only
    private final byte[] in;
    private int pos;
    private byte[] out;
    private int n;

    private JsonPrinter(byte[] in, byte[] out) {
        this.in = in;
        this.out = out;
    }

    /** The message as JSON: the text {@code JsonFormat}'s printer (proto names, no whitespace) gives. */
    public static String print(Message message) {
        if (!table(message.getDescriptorForType()).supported()) {
            return fallback(message);
        }
        JsonPrinter printer = walk(message);
        return new String(printer.out, 0, printer.n, StandardCharsets.UTF_8);
    }

    /** {@link #print} as UTF-8 bytes, written as bytes from the start (no String on the way), in an array of the exact length. */
    public static byte[] printUtf8(Message message) {
        if (!table(message.getDescriptorForType()).supported()) {
            return fallback(message).getBytes(StandardCharsets.UTF_8);
        }
        JsonPrinter printer = walk(message);
        return Arrays.copyOf(printer.out, printer.n);
    }

    private static JsonPrinter walk(Message message) {
        Scratch scratch = SCRATCH.get();
        int size = message.getSerializedSize();
        if (scratch.wire.length < size || scratch.wire.length > KEEP_BYTES) {
            scratch.wire = new byte[Math.max(1024, size)];
        }
        if (scratch.out.length > KEEP_BYTES) {
            scratch.out = new byte[2048];
        }
        try {
            CodedOutputStream wire = CodedOutputStream.newInstance(scratch.wire, 0, size);
            message.writeTo(wire);
            wire.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + message.getDescriptorForType().getFullName(), e);
        }
        // JSON is about twice the wire size (names, quotes, int64 as strings)
        JsonPrinter printer = new JsonPrinter(scratch.wire, scratch.out);
        printer.ensure(64 + 2 * size);
        printer.printTop(message.getDescriptorForType(), size);
        scratch.out = printer.out; // keep what it grew to
        return printer;
    }

    private static String fallback(Message message) {
        try {
            return FALLBACK.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void printTop(Descriptor type, int limit) {
        String name = type.getFullName();
        if (name.equals(TIMESTAMP)) {
            printTimestamp(limit);
        } else if (WRAPPERS.contains(name)) {
            printWrapper(type, limit);
        } else {
            printObject(type, limit);
        }
    }

    /** A message's fields, read up to limit. */
    private void printObject(Descriptor type, int limit) {
        Table table = table(type);
        put((byte) '{');
        boolean first = true;
        while (pos < limit) {
            int start = pos;
            int tag = (int) readVarint();
            int number = WireFormat.getTagFieldNumber(tag);
            FieldDescriptor field = table.field(number);
            if (field == null) {
                // an unknown field: JsonFormat prints only the fields the type declares
                skipField(tag);
                continue;
            }
            if (!first) {
                put((byte) ',');
            }
            first = false;
            put(table.key(number));
            if (field.isMapField()) {
                pos = start;
                printMap(field, limit);
            } else if (field.isRepeated()) {
                pos = start;
                printRepeated(field, limit);
            } else {
                printValue(field, tag);
            }
        }
        put((byte) '}');
    }

    /** The tag at pos if it is field {@code number}'s (pos then past it), else 0 (pos unchanged). */
    private int nextTagOf(int number, int limit) {
        if (pos >= limit) {
            return 0;
        }
        int start = pos;
        int tag = (int) readVarint();
        if (WireFormat.getTagFieldNumber(tag) != number) {
            pos = start;
            return 0;
        }
        return tag;
    }

    /** The elements of a repeated field, which the generated serialiser writes together. */
    private void printRepeated(FieldDescriptor field, int limit) {
        put((byte) '[');
        boolean first = true;
        int number = field.getNumber();
        int tag;
        while ((tag = nextTagOf(number, limit)) != 0) {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED && isPackable(field)) {
                int end = readLength();
                while (pos < end) {
                    if (!first) {
                        put((byte) ',');
                    }
                    first = false;
                    printScalar(field);
                }
            } else {
                if (!first) {
                    put((byte) ',');
                }
                first = false;
                printValue(field, tag);
            }
        }
        put((byte) ']');
    }

    /** A map field: its entries (key 1, value 2; the last of each wins, a missing one is its default) as one JSON object. */
    private void printMap(FieldDescriptor field, int limit) {
        Descriptor entry = field.getMessageType();
        FieldDescriptor keyField = entry.findFieldByNumber(1);
        FieldDescriptor valueField = entry.findFieldByNumber(2);
        put((byte) '{');
        boolean first = true;
        int number = field.getNumber();
        while (nextTagOf(number, limit) != 0) {
            int end = readLength();
            int keyAt = -1;
            int valueAt = -1;
            int valueTag = 0;
            while (pos < end) {
                int tag = (int) readVarint();
                int n = WireFormat.getTagFieldNumber(tag);
                if (n == 1) {
                    keyAt = pos;
                } else if (n == 2) {
                    valueAt = pos;
                    valueTag = tag;
                }
                skipField(tag);
            }
            if (!first) {
                put((byte) ',');
            }
            first = false;
            if (keyAt < 0) {
                put(defaultMapKey(keyField));
            } else {
                pos = keyAt;
                printMapKey(keyField);
            }
            put((byte) ':');
            if (valueAt < 0) {
                printDefault(valueField);
            } else {
                pos = valueAt;
                printValue(valueField, valueTag);
            }
            pos = end;
        }
        put((byte) '}');
    }

    private void printMapKey(FieldDescriptor key) {
        if (key.getType() == FieldDescriptor.Type.STRING) {
            int length = readLength() - pos;
            putString(pos, length);
            pos += length;
            return;
        }
        put((byte) '"');
        switch (key.getType()) {
            case BOOL -> put(readVarint() != 0 ? TRUE : FALSE);
            case INT32 -> putLong((int) readVarint());
            case SINT32 -> {
                int v = (int) readVarint();
                putLong((v >>> 1) ^ -(v & 1));
            }
            case SFIXED32 -> putLong(readFixed32());
            case UINT32 -> putLong((int) readVarint() & 0xFFFF_FFFFL);
            case FIXED32 -> putLong(readFixed32() & 0xFFFF_FFFFL);
            case INT64 -> putLong(readVarint());
            case SINT64 -> {
                long v = readVarint();
                putLong((v >>> 1) ^ -(v & 1));
            }
            case SFIXED64 -> putLong(readFixed64());
            case UINT64 -> putAscii(Long.toUnsignedString(readVarint()));
            case FIXED64 -> putAscii(Long.toUnsignedString(readFixed64()));
            default -> throw new IllegalStateException("map key of type " + key.getType());
        }
        put((byte) '"');
    }

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private static byte[] defaultMapKey(FieldDescriptor key) {
        return switch (key.getType()) {
            case STRING -> "\"\"".getBytes(StandardCharsets.US_ASCII);
            case BOOL -> "\"false\"".getBytes(StandardCharsets.US_ASCII);
            default -> "\"0\"".getBytes(StandardCharsets.US_ASCII);
        };
    }

    /** One value of a field (not a packed run): a nested message, or a scalar. */
    private void printValue(FieldDescriptor field, int tag) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            int end = readLength();
            printTop(field.getMessageType(), end);
            pos = end;
        } else {
            printScalar(field);
        }
    }

    private void printScalar(FieldDescriptor field) {
        switch (field.getType()) {
            case INT32 -> putLong((int) readVarint());
            case SINT32 -> {
                int v = (int) readVarint();
                putLong((v >>> 1) ^ -(v & 1));
            }
            case SFIXED32 -> putLong(readFixed32());
            case UINT32 -> putLong((int) readVarint() & 0xFFFF_FFFFL);
            case FIXED32 -> putLong(readFixed32() & 0xFFFF_FFFFL);
            case INT64 -> putQuotedLong(readVarint());
            case SINT64 -> {
                long v = readVarint();
                putQuotedLong((v >>> 1) ^ -(v & 1));
            }
            case SFIXED64 -> putQuotedLong(readFixed64());
            case UINT64 -> putQuotedAscii(Long.toUnsignedString(readVarint()));
            case FIXED64 -> putQuotedAscii(Long.toUnsignedString(readFixed64()));
            case BOOL -> put(readVarint() != 0 ? TRUE : FALSE);
            case FLOAT -> putFloat(Float.intBitsToFloat(readFixed32()));
            case DOUBLE -> putDouble(Double.longBitsToDouble(readFixed64()));
            case STRING -> {
                int length = readLength() - pos;
                putString(pos, length);
                pos += length;
            }
            case BYTES -> {
                int end = readLength();
                putBase64(pos, end);
                pos = end;
            }
            case ENUM -> putEnum(field, (int) readVarint());
            default -> throw new IllegalStateException("not a scalar: " + field.getType());
        }
    }

    /** What JsonFormat prints for a field's default value (map values and wrappers that the wire left out). */
    private void printDefault(FieldDescriptor field) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            printTop(field.getMessageType(), pos); // an empty range: the message with nothing set
            return;
        }
        switch (field.getType()) {
            case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> putAscii("\"0\"");
            case BOOL -> put(FALSE);
            case FLOAT, DOUBLE -> putAscii("0.0");
            case STRING, BYTES -> putAscii("\"\"");
            case ENUM -> putEnum(field, 0);
            default -> put((byte) '0');
        }
    }

    private void putEnum(FieldDescriptor field, int number) {
        if (field.getEnumType().getFullName().equals("google.protobuf.NullValue")) {
            putAscii("null");
            return;
        }
        // enums as their numbers, as Nakama's protojson marshaler prints them (UseEnumNumbers)
        putLong(number);
    }

    private void putFloat(float value) {
        if (Float.isNaN(value)) {
            putAscii("\"NaN\"");
        } else if (Float.isInfinite(value)) {
            putAscii(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            putAscii(Float.toString(value));
        }
    }

    private void putDouble(double value) {
        if (Double.isNaN(value)) {
            putAscii("\"NaN\"");
        } else if (Double.isInfinite(value)) {
            putAscii(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            putAscii(Double.toString(value));
        }
    }

    /** A wrapper (google.protobuf.Int32Value, ...) as its bare value; the last occurrence wins; absent is the default. */
    private void printWrapper(Descriptor type, int limit) {
        FieldDescriptor value = type.findFieldByNumber(1);
        int last = -1;
        while (pos < limit) {
            int tag = (int) readVarint();
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                last = pos;
            }
            skipField(tag);
        }
        if (last < 0) {
            printDefault(value);
        } else {
            pos = last;
            printScalar(value);
            pos = limit;
        }
    }

    /** google.protobuf.Timestamp as RFC 3339 in UTC, with 0, 3, 6 or 9 fraction digits, as Timestamps.toString. */
    private void printTimestamp(int limit) {
        long seconds = 0;
        int nanos = 0;
        while (pos < limit) {
            int tag = (int) readVarint();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> seconds = readVarint();
                case 2 -> nanos = (int) readVarint();
                default -> skipField(tag);
            }
        }
        if (seconds < -62_135_596_800L || seconds > 253_402_300_799L || nanos < 0 || nanos >= 1_000_000_000) {
            throw new IllegalArgumentException("Timestamp is not valid: seconds " + seconds + ", nanos " + nanos);
        }
        ensure(40);
        put((byte) '"');
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
        putDigits(date.getYear(), 4);
        put((byte) '-');
        putDigits(date.getMonthValue(), 2);
        put((byte) '-');
        putDigits(date.getDayOfMonth(), 2);
        put((byte) 'T');
        putDigits(secondOfDay / 3600, 2);
        put((byte) ':');
        putDigits(secondOfDay / 60 % 60, 2);
        put((byte) ':');
        putDigits(secondOfDay % 60, 2);
        if (nanos != 0) {
            put((byte) '.');
            if (nanos % 1_000_000 == 0) {
                putDigits(nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                putDigits(nanos / 1_000, 6);
            } else {
                putDigits(nanos, 9);
            }
        }
        put((byte) 'Z');
        put((byte) '"');
    }

    /** value (non-negative) in exactly {@code digits} digits, zero-padded. */
    private void putDigits(int value, int digits) {
        ensure(digits);
        for (int i = n + digits - 1; i >= n; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        n += digits;
    }

    // ---- JSON output ----

    /**
     * A JSON string from well-formed UTF-8 wire bytes, as JsonFormat writes one (through Gson,
     * HTML-safe): quotes, backslashes and control characters escaped, and {@code < > & = '} and
     * U+2028/U+2029 as {@code \\uXXXX}; everything else copied as it is.
     */
    private void putString(int from, int length) {
        // worst case: every byte a six-byte escape
        ensure(2 + 6 * length);
        byte[] src = in;
        byte[] dst = out;
        int w = n;
        dst[w++] = '"';
        int end = from + length;
        for (int i = from; i < end; i++) {
            byte b = src[i];
            if (b >= 0) {
                byte escape = ESCAPE[b];
                if (escape == 0) {
                    dst[w++] = b;
                } else if (escape == 'u') {
                    dst[w++] = '\\';
                    dst[w++] = 'u';
                    dst[w++] = '0';
                    dst[w++] = '0';
                    dst[w++] = HEX[b >> 4];
                    dst[w++] = HEX[b & 0xF];
                } else {
                    dst[w++] = '\\';
                    dst[w++] = escape;
                }
            } else if (b == (byte) 0xE2 && i + 2 < end && src[i + 1] == (byte) 0x80
                    && (src[i + 2] == (byte) 0xA8 || src[i + 2] == (byte) 0xA9)) {
                // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
                dst[w++] = '\\';
                dst[w++] = 'u';
                dst[w++] = '2';
                dst[w++] = '0';
                dst[w++] = '2';
                dst[w++] = src[i + 2] == (byte) 0xA8 ? (byte) '8' : (byte) '9';
                i += 2;
            } else {
                dst[w++] = b;
            }
        }
        dst[w++] = '"';
        n = w;
    }

    /** Standard base64 with padding, as Guava's BaseEncoding.base64() (JsonFormat's) writes it. */
    private void putBase64(int from, int end) {
        int length = end - from;
        ensure(2 + (length + 2) / 3 * 4);
        byte[] src = in;
        byte[] dst = out;
        int w = n;
        dst[w++] = '"';
        int i = from;
        for (int full = from + length / 3 * 3; i < full; i += 3) {
            int v = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8 | (src[i + 2] & 0xFF);
            dst[w++] = BASE64[v >>> 18];
            dst[w++] = BASE64[(v >>> 12) & 0x3F];
            dst[w++] = BASE64[(v >>> 6) & 0x3F];
            dst[w++] = BASE64[v & 0x3F];
        }
        int rest = end - i;
        if (rest == 1) {
            int v = (src[i] & 0xFF) << 16;
            dst[w++] = BASE64[v >>> 18];
            dst[w++] = BASE64[(v >>> 12) & 0x3F];
            dst[w++] = '=';
            dst[w++] = '=';
        } else if (rest == 2) {
            int v = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8;
            dst[w++] = BASE64[v >>> 18];
            dst[w++] = BASE64[(v >>> 12) & 0x3F];
            dst[w++] = BASE64[(v >>> 6) & 0x3F];
            dst[w++] = '=';
        }
        dst[w++] = '"';
        n = w;
    }

    private void putQuotedLong(long value) {
        put((byte) '"');
        putLong(value);
        put((byte) '"');
    }

    private void putQuotedAscii(String text) {
        put((byte) '"');
        putAscii(text);
        put((byte) '"');
    }

    /** A long in decimal, with no String on the way. */
    private void putLong(long value) {
        if (value == Long.MIN_VALUE) {
            putAscii("-9223372036854775808");
            return;
        }
        ensure(20);
        if (value < 0) {
            out[n++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value / 10; v != 0; v /= 10) {
            digits++;
        }
        for (int i = n + digits - 1; i >= n; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        n += digits;
    }

    private void putAscii(String text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            out[n++] = (byte) text.charAt(i);
        }
    }

    private void put(byte b) {
        ensure(1);
        out[n++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, out, n, bytes.length);
        n += bytes.length;
    }

    private void ensure(int more) {
        if (n + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, n + more));
        }
    }

    // ---- wire input (the message's own serialisation: well-formed by construction) ----

    private long readVarint() {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    /** Reads a length prefix; returns the end of the bytes it covers. */
    private int readLength() {
        int length = (int) readVarint();
        return pos + length;
    }

    private int readFixed32() {
        int p = pos;
        pos = p + 4;
        return (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8 | (in[p + 2] & 0xFF) << 16 | (in[p + 3] & 0xFF) << 24;
    }

    private long readFixed64() {
        return (readFixed32() & 0xFFFF_FFFFL) | (long) readFixed32() << 32;
    }

    private void skipField(int tag) {
        switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> readVarint();
            case WireFormat.WIRETYPE_FIXED64 -> pos += 8;
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> pos = readLength();
            case WireFormat.WIRETYPE_FIXED32 -> pos += 4;
            default -> throw new IllegalStateException("unexpected wire type in tag " + tag);
        }
    }

    private static boolean isPackable(FieldDescriptor field) {
        return switch (field.getType()) {
            case STRING, BYTES, MESSAGE, GROUP -> false;
            default -> true;
        };
    }

    // ---- tables ----

    private static Table table(Descriptor type) {
        Table table = TABLES.get(type);
        if (table == null) {
            table = build(type, new java.util.HashSet<>());
            TABLES.putIfAbsent(type, table);
        }
        return table;
    }

    /** The field table of a type, and whether every type it can hold is one this printer handles. */
    private static Table build(Descriptor type, Set<Descriptor> visiting) {
        visiting.add(type);
        int max = 0;
        for (FieldDescriptor f : type.getFields()) {
            max = Math.max(max, f.getNumber());
        }
        int dense = Math.min(max, 1024) + 1;
        FieldDescriptor[] byNumber = new FieldDescriptor[dense];
        byte[][] keys = new byte[dense][];
        Map<Integer, FieldDescriptor> sparse = new java.util.HashMap<>();
        Map<Integer, byte[]> sparseKeys = new java.util.HashMap<>();
        boolean supported = supportedWellKnown(type.getFullName());
        for (FieldDescriptor f : type.getFields()) {
            // proto names are identifiers: nothing in them to escape
            byte[] key = ("\"" + f.getName() + "\":").getBytes(StandardCharsets.UTF_8);
            if (f.getNumber() < dense) {
                byNumber[f.getNumber()] = f;
                keys[f.getNumber()] = key;
            } else {
                sparse.put(f.getNumber(), f);
                sparseKeys.put(f.getNumber(), key);
            }
            if (f.getType() == FieldDescriptor.Type.GROUP) {
                supported = false;
            }
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                Descriptor nested = f.getMessageType();
                if (!visiting.contains(nested)) {
                    Table nestedTable = TABLES.get(nested);
                    if (nestedTable == null) {
                        nestedTable = build(nested, visiting);
                        TABLES.putIfAbsent(nested, nestedTable);
                    }
                    supported &= nestedTable.supported();
                }
            }
        }
        return new Table(byNumber, keys, Map.copyOf(sparse), Map.copyOf(sparseKeys), supported);
    }

    private static boolean supportedWellKnown(String name) {
        if (!name.startsWith("google.protobuf.")) {
            return true;
        }
        return name.equals(TIMESTAMP) || name.equals(EMPTY) || WRAPPERS.contains(name);
    }
}
