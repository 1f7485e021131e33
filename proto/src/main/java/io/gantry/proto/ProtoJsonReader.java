package io.gantry.proto;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import com.heroiclabs.nakama.rtapi.Envelope;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads protojson straight from UTF-8 bytes into a protobuf message: it transcodes the JSON into
 * protobuf wire bytes in a per-thread buffer, with per-type field tables (proto and json names),
 * and lets the generated parser build the message. No String of the frame, no JSON tree, no
 * {@code JsonFormat}.
 *
 * <p>It is a fast path, not a second definition of the format: it accepts only a strict subset of
 * what {@link EnvelopeCodec#decodeJson(String)} (JsonFormat, then the protojson type check)
 * accepts, and for that subset builds the same message. Anything else, invalid or merely unusual
 * (a fraction in an integer, {@code "01"}, a duplicated or unknown key, two members of one
 * oneof, a lone surrogate, invalid UTF-8, a null inside an array, Struct/Any/Duration, ...),
 * makes it give up ({@code null}), and the caller runs the reference path on the same bytes, which
 * gives today's exact envelope or error. {@code ProtoJsonReaderTest} checks both halves of that
 * contract on random and malformed frames.
 *
 * <p>Thread-safe: the field tables are immutable once built; the scratch buffers are per thread.
 * Not reentrant (nothing it calls calls back into it).
 */
final class ProtoJsonReader {

    /** Thrown, without a stack trace, when the input leaves the subset this reader handles. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super("not on the fast path", null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();
    private static final int MAX_DEPTH = 32;
    /** A scratch buffer that grew past this is not kept for the next frame. */
    private static final int KEEP_BYTES = 64 * 1024;

    // What a field's JSON value becomes on the wire.
    private static final int K_INT32 = 0;
    private static final int K_SINT32 = 1;
    private static final int K_SFIXED32 = 2;
    private static final int K_UINT32 = 3;
    private static final int K_FIXED32 = 4;
    private static final int K_INT64 = 5;
    private static final int K_SINT64 = 6;
    private static final int K_SFIXED64 = 7;
    private static final int K_UINT64 = 8;
    private static final int K_FIXED64 = 9;
    private static final int K_BOOL = 10;
    private static final int K_FLOAT = 11;
    private static final int K_DOUBLE = 12;
    private static final int K_STRING = 13;
    private static final int K_BYTES = 14;
    private static final int K_ENUM = 15;
    private static final int K_MESSAGE = 16;
    /** google.protobuf.*Value: the wrapped value bare, written as a message holding field 1. */
    private static final int K_WRAPPER = 17;
    private static final int K_TIMESTAMP = 18;
    /** Struct, Value, Any, Duration, FieldMask, groups, ...: the reference path reads them. */
    private static final int K_UNSUPPORTED = 19;

    private static final BigDecimal MAX_DOUBLE = new BigDecimal(String.valueOf(Double.MAX_VALUE))
            .multiply(new BigDecimal(String.valueOf(1.0 + 1e-6)));
    private static final BigDecimal MIN_DOUBLE = MAX_DOUBLE.negate();

    /** One field as the reader needs it. */
    private static final class Field {
        final int number;
        final int kind;
        /** the oneof (real or synthetic) it belongs to, or -1 */
        final int oneof;
        final boolean repeated;
        final boolean map;
        /** the wrapped value's kind for K_WRAPPER; the map value's kind for a map */
        final int innerKind;
        /** a map's key kind */
        final int keyKind;
        /** the nested message's table (K_MESSAGE, or a map's message value) */
        Table nested;
        /** enum values by name (K_ENUM, or a map's / wrapper's enum) */
        Map<String, Integer> enumByName;
        boolean openEnum;

        Field(int number, int kind, int oneof, boolean repeated, boolean map, int innerKind, int keyKind) {
            this.number = number;
            this.kind = kind;
            this.oneof = oneof;
            this.repeated = repeated;
            this.map = map;
            this.innerKind = innerKind;
            this.keyKind = keyKind;
        }
    }

    /** A message type's fields by proto name and by json name, in an open-addressed table. */
    private static final class Table {
        /** by slot: a name (proto or json) and its field; both names of a field lead to one Field object */
        byte[][] names;
        Field[] fields;
        int mask;

        Field lookup(byte[] in, int from, int to) {
            int h = hash(in, from, to);
            byte[][] n = names;
            int m = mask;
            for (int i = h & m; ; i = (i + 1) & m) {
                byte[] name = n[i];
                if (name == null) {
                    return null;
                }
                if (Arrays.equals(name, 0, name.length, in, from, to)) {
                    return fields[i];
                }
            }
        }
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }

    private static final Map<Descriptor, Table> TABLES = new ConcurrentHashMap<>();
    private static final Table ENVELOPE = table(Envelope.getDescriptor());

    /** Per-thread scratch: the wire bytes being written, the keys seen per open object, a copy of direct input. */
    private static final class Scratch {
        byte[] out = new byte[1024];
        int n;
        Field[] seen = new Field[64];
        int seenTop;
        int[] keys = new int[64];
        int keysTop;
        byte[] input = new byte[1024];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // the state of one read, on the reading thread only
    private final byte[] in;
    private int pos;
    private final int end;
    private final Scratch s;

    private ProtoJsonReader(byte[] in, int pos, int end, Scratch s) {
        this.in = in;
        this.pos = pos;
        this.end = end;
        this.s = s;
    }

    /** The envelope the UTF-8 JSON holds, or null when the reference path must decide. */
    static Envelope readEnvelope(byte[] utf8, int offset, int length) {
        Scratch scratch = SCRATCH.get();
        int n = transcode(ENVELOPE, utf8, offset, length, scratch);
        if (n < 0) {
            return null;
        }
        try {
            return Envelope.parser().parseFrom(scratch.out, 0, n);
        } catch (InvalidProtocolBufferException e) {
            return null; // not expected: the bytes are ours; the reference path will say what is wrong
        } finally {
            if (scratch.out.length > KEEP_BYTES) {
                scratch.out = new byte[1024];
            }
        }
    }

    /** A direct buffer's bytes in this thread's input scratch array (its length is the buffer's remaining). */
    static byte[] copyOf(ByteBuffer utf8) {
        Scratch scratch = SCRATCH.get();
        int length = utf8.remaining();
        if (scratch.input.length < length || scratch.input.length > KEEP_BYTES) {
            scratch.input = new byte[Math.max(1024, length)];
        }
        utf8.duplicate().get(scratch.input, 0, length);
        return scratch.input;
    }

    /** The wire length written into {@code scratch.out}, or -1 to give up. */
    private static int transcode(Table table, byte[] utf8, int offset, int length, Scratch scratch) {
        scratch.n = 0;
        scratch.seenTop = 0;
        scratch.keysTop = 0;
        ProtoJsonReader reader = new ProtoJsonReader(utf8, offset, offset + length, scratch);
        try {
            reader.skipWhitespace();
            if (reader.pos >= reader.end || utf8[reader.pos] != '{') {
                return -1;
            }
            reader.object(table, 0);
            reader.skipWhitespace();
            if (reader.pos != reader.end) {
                return -1;
            }
            return scratch.n;
        } catch (RuntimeException e) {
            // GiveUp; or out of bounds: the input ended inside a value. Reads past end (but inside
            // the array) only ever consume bytes, so the pos == end check above refuses them.
            return -1;
        }
    }

    // ---- JSON structure ----

    /** A message's fields; pos is at its '{'. */
    private void object(Table table, int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        Scratch sc = s;
        int seenBase = sc.seenTop;
        while (true) {
            if (peek() != '"') {
                throw GIVE_UP;
            }
            int keyStart = ++pos;
            int keyEnd = plainKeyEnd();
            Field field = table.lookup(in, keyStart, keyEnd);
            if (field == null) {
                throw GIVE_UP; // unknown: the reference path names it in its error
            }
            // the same field twice (by either name), or two members of one oneof: the reference path decides
            Field[] seen = sc.seen;
            for (int i = seenBase; i < sc.seenTop; i++) {
                Field other = seen[i];
                if (other == field || (field.oneof >= 0 && other.oneof == field.oneof)) {
                    throw GIVE_UP;
                }
            }
            if (sc.seenTop == seen.length) {
                sc.seen = seen = Arrays.copyOf(seen, seen.length * 2);
            }
            seen[sc.seenTop++] = field;
            skipWhitespace();
            expect(':');
            skipWhitespace();
            fieldValue(field, depth);
            skipWhitespace();
            byte c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == '}') {
                pos++;
                break;
            } else {
                throw GIVE_UP;
            }
        }
        sc.seenTop = seenBase;
    }

    /** The end of a key (pos is just past its opening quote) with no escapes; pos ends past the closing quote. */
    private int plainKeyEnd() {
        int p = pos;
        while (true) {
            byte b = in[p];
            if (b == '"') {
                pos = p + 1;
                return p;
            }
            if (b == '\\' || b < 0x20) { // escapes, control characters, non-ASCII (negative): not a field name here
                throw GIVE_UP;
            }
            p++;
        }
    }

    private void fieldValue(Field field, int depth) {
        if (field.kind == K_UNSUPPORTED) {
            throw GIVE_UP;
        }
        if (peek() == 'n') {
            literal("null"); // null is the field left out, for every kind this reader handles
            return;
        }
        if (field.map) {
            map(field, depth);
        } else if (field.repeated) {
            if (peek() != '[') {
                throw GIVE_UP;
            }
            pos++;
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return;
            }
            while (true) {
                if (peek() == 'n') {
                    throw GIVE_UP; // null elements are an error or skipped, by enum or not
                }
                single(field, field.kind, field.number, depth);
                skipWhitespace();
                byte c = peek();
                if (c == ',') {
                    pos++;
                    skipWhitespace();
                } else if (c == ']') {
                    pos++;
                    return;
                } else {
                    throw GIVE_UP;
                }
            }
        } else {
            single(field, field.kind, field.number, depth);
        }
    }

    private void map(Field field, int depth) {
        if (peek() != '{') {
            throw GIVE_UP;
        }
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        Scratch sc = s;
        int keysBase = sc.keysTop;
        while (true) {
            if (peek() != '"') {
                throw GIVE_UP;
            }
            writeTag(field.number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            int mark = reserveLength();
            // the key: a string as it is; a number or bool from the key's text
            if (field.keyKind == K_STRING) {
                string(1);
            } else {
                int keyStart = pos + 1;
                int keyEnd = rawStringEnd(keyStart);
                pos = keyStart;
                if (field.keyKind == K_BOOL) {
                    writeTag(1, WireFormat.WIRETYPE_VARINT);
                    if (keyEnd - keyStart == 4 && in[keyStart] == 't') {
                        literal("true");
                        writeVarint(1);
                    } else {
                        literal("false");
                        writeVarint(0);
                    }
                } else {
                    integer(field.keyKind, 1);
                }
                if (pos != keyEnd) {
                    throw GIVE_UP;
                }
                pos = keyEnd + 1;
            }
            // the key's wire bytes (tag, then value) are the entry's first: equal bytes, equal keys
            int keyLength = sc.n - mark - 1;
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (peek() == 'n') {
                throw GIVE_UP; // "Map value cannot be null."
            }
            single(field, field.innerKind, 2, depth);
            int entryLength = sc.n - mark - 1;
            fixLength(mark);
            int keyStart = sc.n - entryLength;
            // a key repeated: the reference path decides
            byte[] out = sc.out;
            for (int i = keysBase; i < sc.keysTop; i += 2) {
                if (Arrays.equals(out, sc.keys[i], sc.keys[i + 1], out, keyStart, keyStart + keyLength)) {
                    throw GIVE_UP;
                }
            }
            if (sc.keysTop + 2 > sc.keys.length) {
                sc.keys = Arrays.copyOf(sc.keys, sc.keys.length * 2);
            }
            sc.keys[sc.keysTop++] = keyStart;
            sc.keys[sc.keysTop++] = keyStart + keyLength;
            skipWhitespace();
            byte c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == '}') {
                pos++;
                break;
            } else {
                throw GIVE_UP;
            }
        }
        sc.keysTop = keysBase;
    }

    /** One value of a field (not null, not an array) written as field {@code number}. */
    private void single(Field field, int kind, int number, int depth) {
        switch (kind) {
            case K_INT32, K_SINT32, K_SFIXED32, K_UINT32, K_FIXED32, K_INT64, K_SINT64, K_SFIXED64, K_UINT64, K_FIXED64 -> {
                if (peek() == '"') {
                    pos++;
                    integer(kind, number);
                    expect('"');
                } else {
                    integer(kind, number);
                }
            }
            case K_BOOL -> {
                writeTag(number, WireFormat.WIRETYPE_VARINT);
                if (peek() == 't') {
                    literal("true");
                    writeVarint(1);
                } else {
                    literal("false");
                    writeVarint(0);
                }
            }
            case K_FLOAT, K_DOUBLE -> floating(kind, number);
            case K_STRING -> string(number);
            case K_BYTES -> bytes(number);
            case K_ENUM -> enumValue(field, number);
            case K_MESSAGE -> {
                if (peek() != '{') {
                    throw GIVE_UP;
                }
                writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                int mark = reserveLength();
                object(field.nested, depth + 1);
                fixLength(mark);
            }
            case K_WRAPPER -> {
                writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                int mark = reserveLength();
                single(field, field.innerKind, 1, depth);
                fixLength(mark);
            }
            case K_TIMESTAMP -> timestamp(number);
            default -> throw GIVE_UP;
        }
    }

    // ---- scalars ----

    /**
     * A decimal integer in canonical form only ({@code -?(0|[1-9][0-9]*)}, no fraction, exponent,
     * plus sign or leading zero: those the reference path reads its own way), in the kind's range.
     */
    private void integer(int kind, int number) {
        boolean negative = false;
        if (peek() == '-') {
            negative = true;
            pos++;
        }
        byte b = peek();
        if (b < '0' || b > '9') {
            throw GIVE_UP;
        }
        int start = pos;
        long value = 0; // accumulated negatively, as Long.parseLong does, to reach Long.MIN_VALUE
        boolean overflow = false;
        if (b == '0') {
            pos++;
        } else {
            long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
            long multmin = limit / 10;
            while (pos < end && (b = in[pos]) >= '0' && b <= '9') {
                int d = b - '0';
                if (value < multmin || value * 10 < limit + d) {
                    overflow = true;
                }
                value = value * 10 - d;
                pos++;
            }
        }
        if (pos < end) {
            b = in[pos];
            if (b == '.' || b == 'e' || b == 'E' || (b >= '0' && b <= '9')) {
                throw GIVE_UP;
            }
        }
        if (overflow) {
            if (negative || (kind != K_UINT64 && kind != K_FIXED64) || pos - start > 20) {
                throw GIVE_UP;
            }
            try {
                value = Long.parseUnsignedLong(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                throw GIVE_UP;
            }
            writeInteger(kind, number, value);
            return;
        }
        if (!negative) {
            value = -value;
        }
        switch (kind) {
            case K_INT32, K_SINT32, K_SFIXED32 -> {
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    throw GIVE_UP;
                }
            }
            case K_UINT32, K_FIXED32 -> {
                if (negative || value > 0xFFFF_FFFFL) {
                    throw GIVE_UP;
                }
            }
            case K_UINT64, K_FIXED64 -> {
                if (negative) {
                    throw GIVE_UP;
                }
            }
            default -> {
            }
        }
        writeInteger(kind, number, value);
    }

    private void writeInteger(int kind, int number, long value) {
        switch (kind) {
            case K_INT32, K_INT64, K_UINT64 -> {
                writeTag(number, WireFormat.WIRETYPE_VARINT);
                writeVarint(value);
            }
            case K_UINT32 -> {
                writeTag(number, WireFormat.WIRETYPE_VARINT);
                writeVarint(value & 0xFFFF_FFFFL);
            }
            case K_SINT32 -> {
                writeTag(number, WireFormat.WIRETYPE_VARINT);
                int v = (int) value;
                writeVarint(((v << 1) ^ (v >> 31)) & 0xFFFF_FFFFL);
            }
            case K_SINT64 -> {
                writeTag(number, WireFormat.WIRETYPE_VARINT);
                writeVarint((value << 1) ^ (value >> 63));
            }
            case K_SFIXED32, K_FIXED32 -> {
                writeTag(number, WireFormat.WIRETYPE_FIXED32);
                writeFixed32((int) value);
            }
            case K_SFIXED64, K_FIXED64 -> {
                writeTag(number, WireFormat.WIRETYPE_FIXED64);
                writeFixed64(value);
            }
            default -> throw GIVE_UP;
        }
    }

    /** A float or double: a JSON number, or a string holding one or NaN/Infinity/-Infinity; parsed as JsonFormat does. */
    private void floating(int kind, int number) {
        boolean quoted = peek() == '"';
        if (quoted) {
            pos++;
        }
        int start = pos;
        String text;
        if (quoted && (peek() == 'N' || peek() == 'I' || (peek() == '-' && in[pos + 1] == 'I'))) {
            int close = rawStringEnd(start);
            text = new String(in, start, close - start, StandardCharsets.ISO_8859_1);
            pos = close;
            if (!text.equals("NaN") && !text.equals("Infinity") && !text.equals("-Infinity")) {
                throw GIVE_UP;
            }
        } else {
            numberToken();
            text = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        }
        if (quoted) {
            expect('"');
        }
        if (kind == K_DOUBLE) {
            double value;
            switch (text) {
                case "NaN" -> value = Double.NaN;
                case "Infinity" -> value = Double.POSITIVE_INFINITY;
                case "-Infinity" -> value = Double.NEGATIVE_INFINITY;
                default -> {
                    BigDecimal decimal = new BigDecimal(text);
                    if (decimal.compareTo(MAX_DOUBLE) > 0 || decimal.compareTo(MIN_DOUBLE) < 0) {
                        throw GIVE_UP;
                    }
                    value = decimal.doubleValue();
                }
            }
            writeTag(number, WireFormat.WIRETYPE_FIXED64);
            writeFixed64(Double.doubleToRawLongBits(value));
        } else {
            float value;
            switch (text) {
                case "NaN" -> value = Float.NaN;
                case "Infinity" -> value = Float.POSITIVE_INFINITY;
                case "-Infinity" -> value = Float.NEGATIVE_INFINITY;
                default -> {
                    double d = Double.parseDouble(text);
                    if (d > Float.MAX_VALUE * (1.0 + 1e-6) || d < -Float.MAX_VALUE * (1.0 + 1e-6)) {
                        throw GIVE_UP; // JsonFormat's own bounds: "Out of range float value"
                    }
                    value = (float) d;
                }
            }
            writeTag(number, WireFormat.WIRETYPE_FIXED32);
            writeFixed32(Float.floatToRawIntBits(value));
        }
    }

    /** Skips a strict JSON number ({@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?}). */
    private void numberToken() {
        if (peek() == '-') {
            pos++;
        }
        byte b = peek();
        if (b == '0') {
            pos++;
        } else if (b >= '1' && b <= '9') {
            digits();
        } else {
            throw GIVE_UP;
        }
        if (pos < end && in[pos] == '.') {
            pos++;
            digits();
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
        if (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            throw GIVE_UP;
        }
    }

    private void digits() {
        byte b = peek();
        if (b < '0' || b > '9') {
            throw GIVE_UP;
        }
        while (pos < end && (b = in[pos]) >= '0' && b <= '9') {
            pos++;
        }
    }

    private void enumValue(Field field, int number) {
        if (peek() == '"') {
            int start = pos + 1;
            int close = rawStringEnd(start);
            byte first = in[start];
            if (first == '-' || (first >= '0' && first <= '9')) {
                if (!field.openEnum) {
                    throw GIVE_UP;
                }
                pos = start;
                integer(K_INT32, number);
                if (pos != close) {
                    throw GIVE_UP;
                }
            } else {
                Integer value = field.enumByName.get(new String(in, start, close - start, StandardCharsets.ISO_8859_1));
                if (value == null) {
                    throw GIVE_UP;
                }
                writeTag(number, WireFormat.WIRETYPE_VARINT);
                writeVarint(value);
            }
            pos = close + 1;
        } else {
            if (!field.openEnum) {
                throw GIVE_UP;
            }
            integer(K_INT32, number);
        }
    }

    /** Timestamp: "yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z" with every part in range; any other form gives up. */
    private void timestamp(int number) {
        expect('"');
        int year = fixedDigits(4);
        expect('-');
        int month = fixedDigits(2);
        expect('-');
        int day = fixedDigits(2);
        expect('T');
        int hour = fixedDigits(2);
        expect(':');
        int minute = fixedDigits(2);
        expect(':');
        int second = fixedDigits(2);
        int nanos = 0;
        if (peek() == '.') {
            pos++;
            int count = 0;
            byte b;
            while ((b = peek()) >= '0' && b <= '9') {
                if (++count > 9) {
                    throw GIVE_UP;
                }
                nanos = nanos * 10 + (b - '0');
                pos++;
            }
            if (count == 0) {
                throw GIVE_UP;
            }
            for (int i = count; i < 9; i++) {
                nanos *= 10;
            }
        }
        expect('Z');
        expect('"');
        if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59
                || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            throw GIVE_UP;
        }
        long seconds = java.time.LocalDate.of(year, month, day).toEpochDay() * 86_400L
                + hour * 3600L + minute * 60L + second;
        writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int mark = reserveLength();
        if (seconds != 0) {
            writeTag(1, WireFormat.WIRETYPE_VARINT);
            writeVarint(seconds);
        }
        if (nanos != 0) {
            writeTag(2, WireFormat.WIRETYPE_VARINT);
            writeVarint(nanos);
        }
        fixLength(mark);
    }

    private int fixedDigits(int count) {
        int value = 0;
        for (int i = 0; i < count; i++) {
            byte b = in[pos++];
            if (b < '0' || b > '9') {
                throw GIVE_UP;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    /**
     * A JSON string written as a length-delimited field in UTF-8: escapes decoded (a surrogate
     * pair into one code point; a lone surrogate gives up), raw bytes checked to be well-formed
     * UTF-8 (else the reference path decides what the replacement characters become).
     */
    private void string(int number) {
        if (peek() != '"') {
            throw GIVE_UP;
        }
        pos++;
        writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int mark = reserveLength();
        Scratch sc = s;
        byte[] src = in;
        int p = pos;
        while (true) {
            // the common run: printable ASCII, copied as it is
            int runStart = p;
            byte b;
            while ((b = src[p]) >= 0x20 && b != '"' && b != '\\') {
                p++;
            }
            int run = p - runStart;
            if (run > 0) {
                ensure(run);
                System.arraycopy(src, runStart, sc.out, sc.n, run);
                sc.n += run;
            }
            if (b == '"') {
                pos = p + 1;
                fixLength(mark);
                return;
            }
            if (b == '\\') {
                p = escape(p + 1);
            } else if (b >= 0) {
                throw GIVE_UP; // a raw control character
            } else {
                p = multibyte(p);
            }
        }
    }

    /** Decodes the escape after a backslash at p; returns the index past it. */
    private int escape(int p) {
        byte e = in[p];
        int c;
        switch (e) {
            case '"' -> c = '"';
            case '\\' -> c = '\\';
            case '/' -> c = '/';
            case 'b' -> c = '\b';
            case 'f' -> c = '\f';
            case 'n' -> c = '\n';
            case 'r' -> c = '\r';
            case 't' -> c = '\t';
            case 'u' -> {
                int unit = hex4(p + 1);
                p += 4;
                if (unit >= 0xD800 && unit <= 0xDBFF) {
                    if (in[p + 1] != '\\' || in[p + 2] != 'u') {
                        throw GIVE_UP;
                    }
                    int low = hex4(p + 3);
                    if (low < 0xDC00 || low > 0xDFFF) {
                        throw GIVE_UP;
                    }
                    p += 6;
                    c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                    throw GIVE_UP;
                } else {
                    c = unit;
                }
            }
            default -> throw GIVE_UP;
        }
        writeCodePoint(c);
        return p + 1;
    }

    private int hex4(int p) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = in[p + i];
            int d;
            if (b >= '0' && b <= '9') {
                d = b - '0';
            } else if (b >= 'a' && b <= 'f') {
                d = b - 'a' + 10;
            } else if (b >= 'A' && b <= 'F') {
                d = b - 'A' + 10;
            } else {
                throw GIVE_UP;
            }
            value = (value << 4) | d;
        }
        return value;
    }

    /** Copies one well-formed multi-byte UTF-8 sequence starting at p; returns the index past it. */
    private int multibyte(int p) {
        int b0 = in[p] & 0xFF;
        int length;
        int min;
        int cp;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
            cp = b0 & 0x1F;
            min = 0x80;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            cp = b0 & 0x0F;
            min = 0x800;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            cp = b0 & 0x07;
            min = 0x10000;
        } else {
            throw GIVE_UP;
        }
        if (p + length > end) {
            throw GIVE_UP;
        }
        for (int i = 1; i < length; i++) {
            int b = in[p + i] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                throw GIVE_UP;
            }
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw GIVE_UP;
        }
        ensure(length);
        System.arraycopy(in, p, s.out, s.n, length);
        s.n += length;
        return p + length;
    }

    private void writeCodePoint(int c) {
        ensure(4);
        byte[] out = s.out;
        int n = s.n;
        if (c < 0x80) {
            out[n++] = (byte) c;
        } else if (c < 0x800) {
            out[n++] = (byte) (0xC0 | (c >> 6));
            out[n++] = (byte) (0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[n++] = (byte) (0xE0 | (c >> 12));
            out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            out[n++] = (byte) (0x80 | (c & 0x3F));
        } else {
            out[n++] = (byte) (0xF0 | (c >> 18));
            out[n++] = (byte) (0x80 | ((c >> 12) & 0x3F));
            out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            out[n++] = (byte) (0x80 | (c & 0x3F));
        }
        s.n = n;
    }

    private static final byte[] BASE64 = new byte[128];

    static {
        Arrays.fill(BASE64, (byte) -1);
        String standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < standard.length(); i++) {
            BASE64[standard.charAt(i)] = (byte) i;
        }
        // '+' '/' standard, '-' '_' URL-safe: one alphabet per string (checked below)
        BASE64['+'] = 62;
        BASE64['/'] = 63;
        BASE64['-'] = 62;
        BASE64['_'] = 63;
    }

    /**
     * Bytes as base64, standard or URL-safe (not mixed), padded exactly or not at all, with zero
     * bits after the last byte; any other form is the reference path's (Guava's decoders).
     */
    private void bytes(int number) {
        if (peek() != '"') {
            throw GIVE_UP;
        }
        int start = pos + 1;
        int p = start;
        boolean standard = false;
        boolean urlSafe = false;
        byte b;
        while ((b = in[p]) != '"' && b != '=') {
            if (b < 0 || BASE64[b] < 0) {
                throw GIVE_UP;
            }
            if (b == '+' || b == '/') {
                standard = true;
            } else if (b == '-' || b == '_') {
                urlSafe = true;
            }
            p++;
        }
        if (standard && urlSafe) {
            throw GIVE_UP;
        }
        int chars = p - start;
        int padding = 0;
        while (in[p] == '=') {
            padding++;
            p++;
        }
        if (in[p] != '"') {
            throw GIVE_UP;
        }
        int rest = chars & 3;
        if (rest == 1 || (padding != 0 && (rest == 0 || padding != 4 - rest))) {
            throw GIVE_UP;
        }
        int length = chars / 4 * 3 + (rest == 0 ? 0 : rest - 1);
        writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        writeVarint(length);
        ensure(length);
        byte[] out = s.out;
        int n = s.n;
        int q = start;
        int full = start + (chars & ~3);
        while (q < full) {
            int v = BASE64[in[q]] << 18 | BASE64[in[q + 1]] << 12 | BASE64[in[q + 2]] << 6 | BASE64[in[q + 3]];
            out[n++] = (byte) (v >> 16);
            out[n++] = (byte) (v >> 8);
            out[n++] = (byte) v;
            q += 4;
        }
        if (rest == 2) {
            int v = BASE64[in[q]] << 6 | BASE64[in[q + 1]];
            if ((v & 0xF) != 0) {
                throw GIVE_UP;
            }
            out[n++] = (byte) (v >> 4);
        } else if (rest == 3) {
            int v = BASE64[in[q]] << 12 | BASE64[in[q + 1]] << 6 | BASE64[in[q + 2]];
            if ((v & 0x3) != 0) {
                throw GIVE_UP;
            }
            out[n++] = (byte) (v >> 10);
            out[n++] = (byte) (v >> 2);
        }
        s.n = n;
        pos = p + 1;
    }

    // ---- lexing ----

    private byte peek() {
        return in[pos];
    }

    private void expect(char c) {
        if (in[pos] != c) {
            throw GIVE_UP;
        }
        pos++;
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            expect(word.charAt(i));
        }
        if (pos < end) {
            byte b = in[pos];
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_') {
                throw GIVE_UP;
            }
        }
    }

    /** The index of the closing quote of a string starting at from, which may have no escapes or control characters. */
    private int rawStringEnd(int from) {
        int p = from;
        byte b;
        while ((b = in[p]) != '"') {
            if (b == '\\' || (b >= 0 && b < 0x20)) {
                throw GIVE_UP;
            }
            if (b < 0) {
                p = validateMultibyte(p);
            } else {
                p++;
            }
        }
        return p;
    }

    private int validateMultibyte(int p) {
        int saved = s.n;
        int next = multibyte(p);
        s.n = saved; // validated only
        return next;
    }

    private void skipWhitespace() {
        int p = pos;
        int e = end;
        byte[] b = in;
        while (p < e) {
            byte c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            p++;
        }
        pos = p;
    }

    // ---- the wire bytes ----

    private void ensure(int more) {
        Scratch sc = s;
        if (sc.n + more > sc.out.length) {
            sc.out = Arrays.copyOf(sc.out, Math.max(sc.out.length * 2, sc.n + more));
        }
    }

    private void writeTag(int number, int wireType) {
        writeVarint((long) number << 3 | wireType);
    }

    private void writeVarint(long value) {
        ensure(10);
        byte[] out = s.out;
        int n = s.n;
        while ((value & ~0x7FL) != 0) {
            out[n++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[n++] = (byte) value;
        s.n = n;
    }

    private void writeFixed32(int value) {
        ensure(4);
        byte[] out = s.out;
        int n = s.n;
        out[n] = (byte) value;
        out[n + 1] = (byte) (value >> 8);
        out[n + 2] = (byte) (value >> 16);
        out[n + 3] = (byte) (value >> 24);
        s.n = n + 4;
    }

    private void writeFixed64(long value) {
        writeFixed32((int) value);
        writeFixed32((int) (value >> 32));
    }

    /** Reserves one byte for a length written later by {@link #fixLength}; returns where it is. */
    private int reserveLength() {
        ensure(1);
        return s.n++;
    }

    /** Writes the length of what follows mark, moving it right when the length needs more than one byte. */
    private void fixLength(int mark) {
        Scratch sc = s;
        int length = sc.n - mark - 1;
        if (length < 0x80) {
            sc.out[mark] = (byte) length;
            return;
        }
        int size = 1;
        for (int v = length >>> 7; v != 0; v >>>= 7) {
            size++;
        }
        ensure(size - 1);
        byte[] out = sc.out;
        System.arraycopy(out, mark + 1, out, mark + size, length);
        int v = length;
        int p = mark;
        while ((v & ~0x7F) != 0) {
            out[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[p] = (byte) v;
        sc.n += size - 1;
    }

    // ---- tables ----

    private static Table table(Descriptor type) {
        Table table = TABLES.get(type);
        if (table == null) {
            Map<Descriptor, Table> building = new HashMap<>();
            table = build(type, building);
            for (Map.Entry<Descriptor, Table> e : building.entrySet()) {
                TABLES.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        return table;
    }

    private static Table build(Descriptor type, Map<Descriptor, Table> building) {
        Table done = TABLES.get(type);
        if (done != null) {
            return done;
        }
        Table table = building.get(type);
        if (table != null) {
            return table;
        }
        table = new Table();
        building.put(type, table);
        Map<String, Field> byName = new HashMap<>();
        for (FieldDescriptor f : type.getFields()) {
            Field field = field(f, building);
            byName.put(f.getName(), field);
            byName.putIfAbsent(f.getJsonName(), field);
        }
        int size = Integer.highestOneBit(Math.max(4, byName.size() * 3)) << 1;
        byte[][] names = new byte[size][];
        Field[] fields = new Field[size];
        for (Map.Entry<String, Field> e : byName.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            int i = hash(name, 0, name.length) & (size - 1);
            while (names[i] != null) {
                i = (i + 1) & (size - 1);
            }
            names[i] = name;
            fields[i] = e.getValue();
        }
        table.fields = fields;
        table.names = names;
        table.mask = size - 1;
        return table;
    }

    private static Field field(FieldDescriptor f, Map<Descriptor, Table> building) {
        int oneof = f.getContainingOneof() == null ? -1 : f.getContainingOneof().getIndex();
        Field field;
        if (f.isMapField()) {
            Descriptor entry = f.getMessageType();
            FieldDescriptor key = entry.findFieldByNumber(1);
            FieldDescriptor value = entry.findFieldByNumber(2);
            int keyKind = kind(key);
            int valueKind = kind(value);
            // wrapper, timestamp and well-known values are not in Nakama's maps: kept off the fast path
            boolean handled = (keyKind == K_STRING || keyKind == K_BOOL || keyKind <= K_FIXED64)
                    && valueKind != K_UNSUPPORTED && valueKind != K_WRAPPER && valueKind != K_TIMESTAMP;
            field = new Field(f.getNumber(), handled ? K_MESSAGE : K_UNSUPPORTED, oneof, true, true, valueKind, keyKind);
            describeValue(field, value, building);
        } else {
            int kind = kind(f);
            FieldDescriptor wrapped = kind == K_WRAPPER ? f.getMessageType().findFieldByNumber(1) : f;
            field = new Field(f.getNumber(), kind, oneof, f.isRepeated(), false, kind(wrapped), -1);
            describeValue(field, wrapped, building);
        }
        return field;
    }

    private static void describeValue(Field field, FieldDescriptor value, Map<Descriptor, Table> building) {
        if (value.getJavaType() == FieldDescriptor.JavaType.ENUM) {
            Map<String, Integer> names = new HashMap<>();
            for (EnumValueDescriptor v : value.getEnumType().getValues()) {
                names.put(v.getName(), v.getNumber());
            }
            field.enumByName = Map.copyOf(names);
            field.openEnum = !value.getEnumType().isClosed();
        } else if (kind(value) == K_MESSAGE) {
            field.nested = build(value.getMessageType(), building);
        }
    }

    private static int kind(FieldDescriptor f) {
        return switch (f.getType()) {
            case INT32 -> K_INT32;
            case SINT32 -> K_SINT32;
            case SFIXED32 -> K_SFIXED32;
            case UINT32 -> K_UINT32;
            case FIXED32 -> K_FIXED32;
            case INT64 -> K_INT64;
            case SINT64 -> K_SINT64;
            case SFIXED64 -> K_SFIXED64;
            case UINT64 -> K_UINT64;
            case FIXED64 -> K_FIXED64;
            case BOOL -> K_BOOL;
            case FLOAT -> K_FLOAT;
            case DOUBLE -> K_DOUBLE;
            case STRING -> K_STRING;
            case BYTES -> K_BYTES;
            case ENUM -> f.getEnumType().getFullName().equals("google.protobuf.NullValue") ? K_UNSUPPORTED : K_ENUM;
            case GROUP -> K_UNSUPPORTED;
            case MESSAGE -> switch (f.getMessageType().getFullName()) {
                case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
                     "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
                     "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue" -> K_WRAPPER;
                case "google.protobuf.Timestamp" -> K_TIMESTAMP;
                default -> f.getMessageType().getFullName().startsWith("google.protobuf.") ? K_UNSUPPORTED : K_MESSAGE;
            };
        };
    }
}
