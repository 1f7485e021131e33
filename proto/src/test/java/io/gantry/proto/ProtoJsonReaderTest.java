package io.gantry.proto;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import com.heroiclabs.nakama.rtapi.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link ProtoJsonReader}, the byte-level fast path of {@link EnvelopeCodec#decodeJson(byte[], int, int)},
 * against the reference path it sits in front of ({@link EnvelopeCodec#parseJsonReference}: JsonFormat
 * and the protojson type check). Valid frames of every envelope type, in every printer's form and
 * with whitespace anywhere, are read by the fast path itself (no fallback) into the reference's
 * envelope; malformed and near-miss frames are either given up on or read exactly as the reference
 * reads them, and the byte decoder answers every frame as the String decoder does, to the message
 * and cid of its errors.
 */
class ProtoJsonReaderTest {

    private static final JsonFormat.Printer DEFAULT_PRINTER = JsonFormat.printer();
    private static final byte[] EDIT_BYTES = "{}[]\":, \\/0123456789-+.eEntrufalsT:Z=AQ_x\u00e9".getBytes(StandardCharsets.UTF_8);

    /** Every message an envelope can carry (client requests and server messages alike). */
    static Stream<FieldDescriptor> everyEnvelopeType() {
        return Envelope.getDescriptor().getFields().stream().filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE);
    }

    static Envelope randomEnvelope(FieldDescriptor message, Random random) throws Exception {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(Envelope.getDescriptor());
        if (random.nextBoolean()) {
            builder.setField(Envelope.getDescriptor().findFieldByName("cid"), Integer.toString(random.nextInt(1000)));
        }
        builder.setField(message, JsonPrinterTest.randomMessage(message.getMessageType(), random, 1));
        return Envelope.parseFrom(builder.build().toByteArray());
    }

    @ParameterizedTest
    @MethodSource("everyEnvelopeType")
    void validFramesOfEveryTypeAreReadByTheFastPathAsTheReferenceReadsThem(FieldDescriptor message) throws Exception {
        Random random = new Random(message.getNumber());
        int fast = 0;
        for (int i = 0; i < 25; i++) {
            Envelope envelope = randomEnvelope(message, random);
            List<String> forms = List.of(JsonPrinter.print(envelope), DEFAULT_PRINTER.print(envelope),
                    withWhitespace(JsonPrinter.print(envelope), random));
            for (String form : forms) {
                byte[] bytes = form.getBytes(StandardCharsets.UTF_8);
                Envelope expected = EnvelopeCodec.parseJsonReference(new String(bytes, StandardCharsets.UTF_8));
                Envelope actual = ProtoJsonReader.readEnvelope(bytes, 0, bytes.length);
                assertNotNull(actual, () -> "the fast path gave up on a valid frame: " + form);
                assertEquals(expected, actual, form);
                fast++;
            }
        }
        assertEquals(75, fast);
    }

    @Test
    void aFrameInsideALargerArrayIsReadWithinItsBounds() throws Exception {
        byte[] frame = "{\"cid\":\"1\",\"ping\":{}}".getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[frame.length + 20];
        Arrays.fill(padded, (byte) ' ');
        System.arraycopy(frame, 0, padded, 7, frame.length);
        padded[7 + frame.length] = '}'; // a byte after the frame that must not be read as part of it
        assertNotNull(ProtoJsonReader.readEnvelope(padded, 7, frame.length));
        // the frame cut short by one byte: its last brace is outside the slice
        assertNull(ProtoJsonReader.readEnvelope(padded, 7, frame.length - 1));
        assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeJson(padded, 7, frame.length - 1));
        ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
        assertEquals(EnvelopeCodec.decodeJson(new String(frame, StandardCharsets.UTF_8)), EnvelopeCodec.decodeJson(direct));
        assertEquals(0, direct.position());
    }

    /** Lengths of one, two and three varint bytes, nested: the content moved right after it was written. */
    @ParameterizedTest
    @ValueSource(ints = {0, 100, 127, 128, 200, 16_383, 16_384, 70_000})
    void longStringsAndMessagesGetTheirLengthsRight(int length) throws Exception {
        String content = "\u00e9x\\\"".repeat(length / 4) + "y".repeat(length % 4);
        String frame = "{\"cid\":\"" + "c".repeat(length % 300) + "\",\"channel_message_send\":{\"channel_id\":\"2...a\","
                + "\"content\":\"" + content + "\"}}";
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        Envelope actual = ProtoJsonReader.readEnvelope(bytes, 0, bytes.length);
        assertNotNull(actual);
        assertEquals(EnvelopeCodec.parseJsonReference(frame), actual);
        // and a base64 payload of that many bytes inside a message inside the envelope
        byte[] payload = new byte[length];
        new Random(length).nextBytes(payload);
        String data = "{\"match_data_send\":{\"match_id\":\"m.\",\"op_code\":\"1\",\"data\":\""
                + java.util.Base64.getEncoder().encodeToString(payload) + "\"}}";
        byte[] dataBytes = data.getBytes(StandardCharsets.UTF_8);
        Envelope decoded = ProtoJsonReader.readEnvelope(dataBytes, 0, dataBytes.length);
        assertNotNull(decoded);
        assertEquals(EnvelopeCodec.parseJsonReference(data), decoded);
        assertTrue(Arrays.equals(payload, decoded.getMatchDataSend().getData().toByteArray()));
    }

    /** Forms the fast path takes besides the printers' own: each read fast, and as the reference reads it. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"cid\":\"1\",\"match_data_send\":{\"match_id\":\"x.\",\"op_code\":5,\"data\":\"AQ==\",\"reliable\":true}}",
            "{\"cid\":\"1\",\"matchDataSend\":{\"matchId\":\"x.\",\"opCode\":\"-9223372036854775808\",\"data\":\"AQI\"}}",
            "{\"match_data_send\":{\"match_id\":\"x.\",\"op_code\":9223372036854775807,\"data\":\"-_8=\"}}",
            "{\"match_data_send\":{\"match_id\":\"x.\",\"op_code\":\"0\",\"data\":\"+/8\",\"presences\":[]}}",
            "{\"match_data_send\":{\"match_id\":null,\"op_code\":null,\"data\":null,\"presences\":null,\"reliable\":null}}",
            " \t\r\n{ \"cid\" : \"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\" , \"ping\" : { } } \n",
            "{\"channel_join\":{\"target\":\"\u00e9\u4e2d\ud83d\ude00\",\"type\":-1,\"persistence\":true,\"hidden\":false}}",
            "{\"channel_join\":{\"target\":\"a\",\"type\":\"2147483647\",\"persistence\":null}}",
            "{\"channel_join\":{\"target\":\"a\",\"type\":-2147483648}}",
            "{\"status_update\":{\"status\":\"\"}}",
            "{\"channel_message_send\":{\"channel_id\":\"2...a\",\"content\":\"{\\\"x\\\":1}\"}}",
            "{\"matchmaker_add\":{\"query\":\"*\",\"min_count\":2,\"max_count\":2,\"string_properties\":{\"a\":\"b\",\"c\":\"\"},"
                    + "\"numeric_properties\":{\"x\":1.5,\"y\":-0,\"z\":\"NaN\",\"w\":1e300,\"v\":\"-Infinity\",\"u\":-0.0,\"t\":\"2.5E-3\"},"
                    + "\"count_multiple\":3}}",
            "{\"status_follow\":{\"user_ids\":[\"a\",\"b\"],\"usernames\":[]}}",
            "{\"channel_message\":{\"create_time\":\"2024-02-29T23:59:59.5Z\",\"update_time\":\"1970-01-01T00:00:00Z\","
                    + "\"code\":0,\"persistent\":false}}",
            "{\"channel_message\":{\"create_time\":\"0001-01-01T00:00:00.123456789Z\",\"update_time\":\"9999-12-31T23:59:59.000000001Z\"}}",
            "{\"channel_message\":{\"create_time\":\"1969-12-31T23:59:59.999Z\",\"update_time\":\"1900-03-01T12:00:00.1234Z\"}}",
    })
    void everyFormTheFastPathTakesIsReadAsTheReferenceReadsIt(String frame) throws Exception {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        Envelope actual = ProtoJsonReader.readEnvelope(bytes, 0, bytes.length);
        assertNotNull(actual, () -> "gave up on " + frame);
        assertEquals(EnvelopeCodec.parseJsonReference(frame), actual, frame);
    }

    /** Frames the reference refuses, and forms it accepts that the fast path leaves to it. */
    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "{", "}", "[]", "null", "\"x\"", "{}{}", "{} x", "{\"ping\":{}},", "{\"ping\":{}}\u000b",
            "{\"cid\":\"1\",\"ping\":{},\"bogus\":1}", "{\"cid\":\"1\",\"ping\":{\"bogus\":null}}",
            "{\"cid\":\"1\",\"cid\":\"2\",\"ping\":{}}", "{\"cid\":\"1\",\"ping\":{},\"pong\":{}}", "{\"cid\":\"1\",\"ping\":{},\"ping\":{}}",
            "{\"cid\":\"1\",\"ping\":null,\"pong\":{}}", "{\"cid\":\"1\",\"match_data_send\":{\"match_id\":\"a\",\"matchId\":\"b\"}}",
            "{\"cid\":1,\"ping\":{}}", "{\"cid\":true,\"ping\":{}}", "{\"cid\":[\"1\"],\"ping\":{}}", "{\"cid\":{},\"ping\":{}}",
            "{\"cid\":\"1\",\"ping\":[]}", "{\"cid\":\"1\",\"ping\":\"\"}", "{\"cid\":\"1\",\"ping\":1}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":1.0}}", "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":1e2}}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":\"1.5\"}}", "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":01}}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":\"01\"}}", "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":\"+1\"}}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":\" 1\"}}", "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":true}}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":9223372036854775808}}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":-9223372036854775809}}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":\"99999999999999999999999\"}}",
            "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":-}}", "{\"cid\":\"2\",\"match_data_send\":{\"op_code\":\"\"}}",
            "{\"cid\":\"2\",\"channel_join\":{\"type\":2147483648}}", "{\"cid\":\"2\",\"channel_join\":{\"type\":-2147483649}}",
            "{\"cid\":\"2\",\"channel_join\":{\"type\":\"lots\"}}", "{\"cid\":\"2\",\"channel_join\":{\"hidden\":\"true\"}}",
            "{\"cid\":\"2\",\"channel_join\":{\"hidden\":1}}", "{\"cid\":\"2\",\"channel_join\":{\"hidden\":tru}}",
            "{\"cid\":\"2\",\"channel_join\":{\"hidden\":truex}}", "{\"cid\":\"2\",\"channel_join\":{\"hidden\":nul}}",
            "{\"cid\":\"2\",\"channel_join\":{\"target\":1}}", "{\"cid\":\"2\",\"channel_join\":{\"target\":null}}",
            "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"A\"}}", "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"AQ=\"}}",
            "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"AQ===\"}}", "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"AR==\"}}",
            "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"A+_=\"}}", "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"AQ==AQ==\"}}",
            "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"A Q==\"}}", "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"*\"}}",
            "{\"cid\":\"3\",\"match_data_send\":{\"data\":\"AAAA=\"}}", "{\"cid\":\"3\",\"match_data_send\":{\"data\":5}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-02-30T00:00:00Z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-01-01T24:00:00Z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-01-01T00:00:60Z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-01-01T00:00:00\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-01-01T00:00:00.Z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-01-01T00:00:00.1234567891Z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-01-01T00:00:00+01:00\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"2024-01-01t00:00:00z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"0000-01-01T00:00:00Z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":\"10000-01-01T00:00:00Z\"}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":1700000000}}",
            "{\"cid\":\"4\",\"channel_message\":{\"create_time\":{\"seconds\":1}}}",
            "{\"cid\":\"4\",\"channel_message\":{\"code\":\"x\"}}", "{\"cid\":\"4\",\"channel_message\":{\"code\":{}}}",
            "{\"cid\":\"4\",\"channel_message\":{\"persistent\":{\"value\":true}}}",
            "{\"cid\":\"5\",\"ping\":{}, \"x\":\"\\ud800\"}", "{\"cid\":\"\\ud800\",\"ping\":{}}", "{\"cid\":\"\\udc00x\",\"ping\":{}}",
            "{\"cid\":\"\\ud800\\u0041\",\"ping\":{}}", "{\"cid\":\"\\u12\",\"ping\":{}}", "{\"cid\":\"\\x\",\"ping\":{}}",
            "{\"cid\":\"\\'\",\"ping\":{}}", "{\"cid\":\"a\tb\",\"ping\":{}}", "{\"cid\":\"a\u0001b\",\"ping\":{}}",
            "{\"c\\u0069d\":\"1\",\"ping\":{}}", "{'cid':'1','ping':{}}", "{cid:\"1\",ping:{}}", "{\"cid\":\"1\",\"ping\":{},}",
            "{\"cid\":\"1\" \"ping\":{}}", "{\"cid\":\"1\",,\"ping\":{}}", "\ufeff{\"ping\":{}}",
            "{\"cid\":\"6\",\"status_follow\":{\"user_ids\":\"a\"}}", "{\"cid\":\"6\",\"status_follow\":{\"user_ids\":[null]}}",
            "{\"cid\":\"6\",\"status_follow\":{\"user_ids\":[1]}}", "{\"cid\":\"6\",\"status_follow\":{\"user_ids\":[\"a\",]}}",
            "{\"cid\":\"6\",\"status_follow\":{\"user_ids\":[\"a\"\"b\"]}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"string_properties\":{\"a\":1}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"string_properties\":{\"a\":null}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"string_properties\":{\"a\":\"1\",\"a\":\"2\"}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"string_properties\":[]}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"numeric_properties\":{\"a\":\"x\"}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"numeric_properties\":{\"a\":1e999}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"numeric_properties\":{\"a\":NaN}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"numeric_properties\":{\"a\":\"nan\"}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"numeric_properties\":{\"a\":.5}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"numeric_properties\":{\"a\":1.}}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"numeric_properties\":{\"a\":true}}}",
            "{\"cid\":\"8\",\"pong\":{}}", "{\"cid\":\"8\"}", "{}", "{\"cid\":\"8\",\"connect\":{}}",
    })
    void malformedAndNearMissFramesAreLeftToTheReferenceOrReadAsItReadsThem(String frame) {
        assertAgrees(frame.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidUtf8AndDeepNestingAreLeftToTheReference() {
        List<byte[]> frames = new ArrayList<>();
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        for (byte[] b : bad) {
            frames.add(concat("{\"cid\":\"".getBytes(StandardCharsets.UTF_8), b, "\",\"ping\":{}}".getBytes(StandardCharsets.UTF_8)));
            frames.add(concat("{\"cid\":\"1\",\"channel_message_send\":{\"channel_id\":\"2...a\",\"content\":\"".getBytes(StandardCharsets.UTF_8),
                    b, "\"}}".getBytes(StandardCharsets.UTF_8)));
            frames.add(concat("{\"cid\":\"1\",\"ping\":{}}".getBytes(StandardCharsets.UTF_8), b));
        }
        frames.add(("{\"cid\":\"9\",\"ping\":" + "{".repeat(200) + "}".repeat(200) + "}").getBytes(StandardCharsets.UTF_8));
        frames.add(("{\"cid\":\"9\",\"ping\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8));
        for (byte[] frame : frames) {
            assertNull(ProtoJsonReader.readEnvelope(frame, 0, frame.length), () -> new String(frame, StandardCharsets.UTF_8));
            assertAgrees(frame);
        }
    }

    /** Random single-byte edits, deletions and insertions of valid frames of every type. */
    @Test
    void randomEditsOfValidFramesAreLeftToTheReferenceOrReadAsItReadsThem() throws Exception {
        Random random = new Random(16);
        List<FieldDescriptor> types = everyEnvelopeType().toList();
        int fast = 0;
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            Envelope envelope = randomEnvelope(types.get(random.nextInt(types.size())), random);
            String text = random.nextInt(4) == 0 ? DEFAULT_PRINTER.print(envelope) : JsonPrinter.print(envelope);
            byte[] frame = text.getBytes(StandardCharsets.UTF_8);
            if (frame.length == 0) {
                continue;
            }
            int at = random.nextInt(frame.length);
            byte edit = random.nextInt(8) == 0 ? (byte) random.nextInt(256) : EDIT_BYTES[random.nextInt(EDIT_BYTES.length)];
            byte[] edited = switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] b = frame.clone();
                    b[at] = edit;
                    yield b;
                }
                case 1 -> concat(Arrays.copyOfRange(frame, 0, at), Arrays.copyOfRange(frame, at + 1, frame.length));
                default -> concat(Arrays.copyOfRange(frame, 0, at), new byte[]{edit}, Arrays.copyOfRange(frame, at, frame.length));
            };
            int outcome = assertAgrees(edited);
            fast += outcome > 0 ? 1 : 0;
            refused += outcome < 0 ? 1 : 0;
        }
        // both halves of the property were exercised
        assertTrue(fast > 300, "fast " + fast);
        assertTrue(refused > 300, "refused " + refused);
    }

    /**
     * The fast path gives up or returns the reference's envelope; the byte decoder answers as the
     * String decoder does. Returns 1 if the fast path read the frame, -1 if the decoders refused it, 0 otherwise.
     */
    private static int assertAgrees(byte[] frame) {
        String text = new String(frame, StandardCharsets.UTF_8);
        Envelope reference;
        try {
            reference = EnvelopeCodec.parseJsonReference(text);
        } catch (InvalidEnvelopeException e) {
            reference = null;
        }
        Envelope fast = ProtoJsonReader.readEnvelope(frame, 0, frame.length);
        if (fast != null) {
            assertNotNull(reference, () -> "the fast path read what the reference refuses: " + text);
            assertEquals(reference, fast, text);
        }
        Envelope viaString;
        try {
            viaString = EnvelopeCodec.decodeJson(text);
        } catch (InvalidEnvelopeException expected) {
            InvalidEnvelopeException actual = assertThrows(InvalidEnvelopeException.class,
                    () -> EnvelopeCodec.decodeJson(frame, 0, frame.length), text);
            assertEquals(expected.getMessage(), actual.getMessage(), text);
            assertEquals(expected.cid(), actual.cid(), text);
            assertEquals(expected.code(), actual.code(), text);
            return fast != null ? 1 : -1;
        }
        try {
            assertEquals(viaString, EnvelopeCodec.decodeJson(frame, 0, frame.length), text);
        } catch (InvalidEnvelopeException e) {
            fail("the byte decoder refused what the String decoder accepts: " + text + ": " + e.getMessage());
        }
        return fast != null ? 1 : 0;
    }

    /** JSON whitespace of every kind between every two tokens (none inside strings). */
    private static String withWhitespace(String json, Random random) {
        StringBuilder out = new StringBuilder();
        String spaces = " \t\r\n";
        appendSpace(out, random, spaces);
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            out.append(c);
            if (inString) {
                if (c == '\\') {
                    out.append(json.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                    appendSpace(out, random, spaces);
                }
            } else if (c == '"') {
                inString = true;
            } else if ("{}[]:,".indexOf(c) >= 0 || (i + 1 < json.length() && "}],".indexOf(json.charAt(i + 1)) >= 0)) {
                appendSpace(out, random, spaces);
            }
        }
        return out.toString();
    }

    private static void appendSpace(StringBuilder out, Random random, String spaces) {
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.append(spaces.charAt(random.nextInt(spaces.length())));
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
