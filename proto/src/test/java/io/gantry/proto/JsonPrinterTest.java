package io.gantry.proto;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.heroiclabs.nakama.api.NakamaApi;
import com.heroiclabs.nakama.api.StorageObjectAck;
import com.heroiclabs.nakama.rtapi.NakamaRealtime;
import io.gantry.proto.storage.StoredAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link JsonPrinter} against the printer it replaces, {@code JsonFormat} with proto field names and
 * no whitespace: the same text for random messages of every type Gantry prints (REST messages,
 * realtime envelopes, stored records), with strings full of characters that need escaping,
 * special floating-point values, every timestamp precision, wrappers holding defaults, maps and
 * packed repeated fields.
 */
class JsonPrinterTest {

    private static final JsonFormat.Printer REFERENCE = JsonFormat.printer()
            .printingEnumsAsInts()
            .preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final String TRICKY = "\"\\/<>&='\u2028\u2029\u0000\u0001\u001f\u007f\u0080\u00e9\u4e2d\ud83d\ude00 \t\n\r\b\f";

    static Stream<Descriptor> everyType() {
        Set<Descriptor> types = new LinkedHashSet<>();
        for (FileDescriptor file : List.of(NakamaApi.getDescriptor(), NakamaRealtime.getDescriptor(),
                StoredAccount.getDescriptor().getFile())) {
            for (Descriptor type : file.getMessageTypes()) {
                collect(type, types);
            }
        }
        return types.stream().filter(t -> !t.getOptions().getMapEntry());
    }

    private static void collect(Descriptor type, Set<Descriptor> into) {
        if (into.add(type)) {
            for (Descriptor nested : type.getNestedTypes()) {
                collect(nested, into);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("everyType")
    void printsWhatJsonFormatPrintsForRandomMessagesOfEveryType(Descriptor type) throws Exception {
        Random random = new Random(type.getFullName().hashCode());
        for (int i = 0; i < 60; i++) {
            Message message = randomMessage(type, random, 0);
            assertSame(message);
        }
    }

    @Test
    void everyCharacterIsEscapedAsJsonFormatEscapesIt() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0xD800; c++) {
            all.append(c);
        }
        for (char c = 0xE000; c != 0; c++) {
            all.append(c);
        }
        all.append("\ud83d\ude00\ud800x\udc00");   // a pair, then lone surrogates
        assertSame(StringValue.of(all.toString()));
        assertSame(com.heroiclabs.nakama.api.User.newBuilder().setUsername(all.toString()).build());
    }

    @Test
    void timestampsWrappersAndEmptyMessages() throws Exception {
        for (int nanos : new int[]{0, 1, 10, 999, 1000, 1_000_000, 120_000_000, 123_456_000, 999_999_999}) {
            for (long seconds : new long[]{0, 1, -1, 1_700_000_000L, -62_135_596_800L, 253_402_300_799L}) {
                assertSame(Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build());
                assertSame(StorageObjectAck.newBuilder().setCreateTime(Timestamp.newBuilder().setSeconds(seconds)
                        .setNanos(nanos)).build());
            }
        }
        assertSame(Int32Value.of(0));
        assertSame(BoolValue.of(false));
        assertSame(StringValue.of(""));
        assertSame(com.heroiclabs.nakama.api.WriteStorageObject.newBuilder().setPermissionRead(Int32Value.of(0)).build());
        assertSame(com.heroiclabs.nakama.rtapi.Envelope.getDefaultInstance());
        assertSame(com.heroiclabs.nakama.rtapi.Envelope.newBuilder()
                .setChannelJoin(com.heroiclabs.nakama.rtapi.ChannelJoin.getDefaultInstance()).build());
    }

    private static void assertSame(Message message) throws Exception {
        String expected = REFERENCE.print(message);
        // the bytes on the wire: JsonFormat's text in UTF-8 (where a lone surrogate is '?'), byte for byte
        byte[] expectedBytes = expected.getBytes(StandardCharsets.UTF_8);
        byte[] actual = JsonPrinter.printUtf8(message);
        if (!java.util.Arrays.equals(expectedBytes, actual)) {
            assertEquals(new String(expectedBytes, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8),
                    () -> message.getDescriptorForType().getFullName() + ": " + message);
            org.junit.jupiter.api.Assertions.fail("same text, different bytes: " + expected);
        }
        // and the String form, for REST bodies
        assertEquals(new String(expectedBytes, StandardCharsets.UTF_8), JsonPrinter.print(message),
                () -> message.getDescriptorForType().getFullName() + ": " + message);
    }

    static Message randomMessage(Descriptor type, Random random, int depth) {
        if (type.getFullName().equals("google.protobuf.Timestamp")) {
            return Timestamp.newBuilder().setSeconds(random.nextInt(2_000_000_000))
                    .setNanos(random.nextInt(4) == 0 ? 0 : random.nextInt(4) == 0 ? random.nextInt(1000) * 1_000_000
                            : random.nextInt(1_000_000_000)).build();
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        List<FieldDescriptor> fields = new ArrayList<>(type.getFields());
        for (FieldDescriptor field : fields) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            if (field.getRealContainingOneof() != null && builder.hasOneof(field.getRealContainingOneof())) {
                continue;
            }
            if (field.isMapField()) {
                Descriptor entry = field.getMessageType();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    DynamicMessage.Builder e = DynamicMessage.newBuilder(entry);
                    e.setField(entry.findFieldByNumber(1), randomValue(entry.findFieldByNumber(1), random, depth));
                    if (random.nextInt(4) != 0) {
                        e.setField(entry.findFieldByNumber(2), randomValue(entry.findFieldByNumber(2), random, depth));
                    }
                    builder.addRepeatedField(field, e.build());
                }
            } else if (field.isRepeated()) {
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    builder.addRepeatedField(field, randomValue(field, random, depth));
                }
            } else if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || depth < 3) {
                builder.setField(field, randomValue(field, random, depth));
            }
        }
        return builder.build();
    }

    private static Object randomValue(FieldDescriptor field, Random random, int depth) {
        return switch (field.getJavaType()) {
            case INT -> random.nextInt(3) == 0 ? random.nextInt(10) - 5 : random.nextInt();
            case LONG -> random.nextInt(3) == 0 ? (long) random.nextInt(10) - 5 : random.nextLong();
            case FLOAT -> switch (random.nextInt(6)) {
                case 0 -> Float.NaN;
                case 1 -> Float.NEGATIVE_INFINITY;
                case 2 -> -0.0f;
                case 3 -> Float.intBitsToFloat(random.nextInt());
                default -> random.nextFloat() * 1000;
            };
            case DOUBLE -> switch (random.nextInt(7)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> -0.0;
                case 3 -> 1e21;
                case 4 -> Double.longBitsToDouble(random.nextLong());
                default -> random.nextDouble() * 100;
            };
            case BOOLEAN -> random.nextBoolean();
            case STRING -> randomString(random);
            case BYTE_STRING -> ByteString.copyFrom(randomString(random).getBytes(StandardCharsets.UTF_8));
            case ENUM -> {
                List<EnumValueDescriptor> values = field.getEnumType().getValues();
                yield values.get(random.nextInt(values.size()));
            }
            case MESSAGE -> randomMessage(field.getMessageType(), random, depth + 1);
        };
    }

    private static String randomString(Random random) {
        int length = random.nextInt(12);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(3) == 0 ? TRICKY.charAt(random.nextInt(TRICKY.length()))
                    : (char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }
}
