package io.gantry.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.MatchmakerAdd;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire scan finds exactly the fields protobuf-java keeps as unknown, at any depth. */
class UnknownFieldScanTest {

    private static String scan(byte[] bytes) throws IOException {
        return UnknownFieldScan.firstUnknown(CodedInputStream.newInstance(bytes), Envelope.getDescriptor());
    }

    /** An extra field {@code number} (varint 1) appended to a message's encoding. */
    private static byte[] withVarint(byte[] message, int number) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeRawBytes(message);
        coded.writeUInt64(number, 1);
        coded.flush();
        return out.toByteArray();
    }

    @Test
    void declaredFieldsAtEveryDepthAreKnown() throws IOException {
        Envelope envelope = Envelope.newBuilder().setCid("7").setMatchmakerAdd(MatchmakerAdd.newBuilder()
                .setMinCount(2).setMaxCount(4).setQuery("*")
                .putStringProperties("region", "eu").putNumericProperties("rank", 12.5)).build();
        assertNull(scan(envelope.toByteArray()));
        Envelope data = Envelope.newBuilder().setMatchDataSend(MatchDataSend.newBuilder().setMatchId("m")
                .setOpCode(3).setData(ByteString.copyFromUtf8("{}")).setReliable(true)).build();
        assertNull(scan(data.toByteArray()));
    }

    @Test
    void anUnknownFieldIsFoundWhereProtobufKeepsIt() throws IOException {
        byte[] join = withVarint(ChannelJoin.newBuilder().setTarget("lobby").setType(1).build().toByteArray(), 9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeString(1, "c1");
        coded.writeByteArray(Envelope.CHANNEL_JOIN_FIELD_NUMBER, join);
        coded.flush();
        byte[] bytes = out.toByteArray();
        Envelope parsed = Envelope.parseFrom(bytes);
        assertTrue(parsed.getChannelJoin().getUnknownFields().hasField(9));
        assertEquals("channel_join.[9]", scan(bytes));

        assertEquals("[99]", scan(withVarint(Envelope.newBuilder().setCid("c").build().toByteArray(), 99)));
    }

    @Test
    void aDeclaredFieldWithTheWrongWireTypeIsUnknownAsInProtobuf() throws IOException {
        // cid (a string) sent as a varint: protobuf-java keeps it as an unknown field 1
        byte[] bytes = withVarint(new byte[0], 1);
        UnknownFieldSet unknown = Envelope.parseFrom(bytes).getUnknownFields();
        assertTrue(unknown.hasField(1));
        assertEquals("[1]", scan(bytes));
    }

    @Test
    void anUnknownFieldInsideAMapEntryIsFound() throws IOException {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(entry);
        coded.writeString(1, "region");
        coded.writeString(2, "eu");
        coded.writeUInt64(3, 1);
        coded.flush();
        ByteArrayOutputStream add = new ByteArrayOutputStream();
        coded = CodedOutputStream.newInstance(add);
        coded.writeByteArray(4, entry.toByteArray()); // MatchmakerAdd.string_properties
        coded.flush();
        ByteArrayOutputStream envelope = new ByteArrayOutputStream();
        coded = CodedOutputStream.newInstance(envelope);
        coded.writeByteArray(Envelope.MATCHMAKER_ADD_FIELD_NUMBER, add.toByteArray());
        coded.flush();
        assertEquals("matchmaker_add.string_properties.[3]", scan(envelope.toByteArray()));
    }
}
