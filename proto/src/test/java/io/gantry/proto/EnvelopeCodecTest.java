package io.gantry.proto;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import com.heroiclabs.nakama.api.ChannelMessage;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.Ping;
import com.heroiclabs.nakama.rtapi.StatusUpdate;
import com.heroiclabs.nakama.rtapi.UserPresence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EnvelopeCodecTest {

    @Test
    void jsonUsesProtoFieldNamesAndOmitsDefaults() {
        Envelope envelope = Envelope.newBuilder().setCid("7").setPing(Ping.getDefaultInstance()).build();
        assertEquals("{\"cid\":\"7\",\"ping\":{}}", new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8));
    }

    @Test
    void jsonWritesInt64AsStringBytesAsBase64AndWrappersBare() {
        Envelope envelope = Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId("m.")
                .setOpCode(9_000_000_000L)
                .setData(ByteString.copyFromUtf8("hi"))
                .setPresence(UserPresence.newBuilder().setUserId("u").setStatus(StringValue.of(""))))
                .build();
        String json = new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"op_code\":\"9000000000\""), json);
        assertTrue(json.contains("\"data\":\"aGk=\""), json);
        // a wrapper that is set prints even when it holds the default value
        assertTrue(json.contains("\"status\":\"\""), json);
        assertTrue(json.contains("\"match_id\":\"m.\""), json);
    }

    @Test
    void wrapperFieldsArePresentWhenZeroOrFalse() {
        Envelope envelope = Envelope.newBuilder().setChannelMessage(ChannelMessage.newBuilder()
                .setCode(Int32Value.of(0))
                .setPersistent(BoolValue.of(false))
                .setCreateTime(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5_000_000)))
                .build();
        String json = new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"code\":0"), json);
        assertTrue(json.contains("\"persistent\":false"), json);
        assertTrue(json.contains("\"create_time\":\"2023-11-14T22:13:20.005Z\""), json);
    }

    @Test
    void jsonRoundTrip() throws Exception {
        Envelope envelope = Envelope.newBuilder().setCid("42").setMatchDataSend(MatchDataSend.newBuilder()
                .setMatchId("abc.").setOpCode(3).setData(ByteString.copyFrom(new byte[]{0, 1, (byte) 255}))
                .setReliable(true)).build();
        Envelope decoded = EnvelopeCodec.decodeJson(new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8));
        assertEquals(envelope, decoded);
    }

    @Test
    void jsonAcceptsNumbersAndStringsForInt64AndBareWrappers() throws Exception {
        Envelope a = EnvelopeCodec.decodeJson("{\"cid\":\"1\",\"match_data_send\":{\"match_id\":\"x.\",\"op_code\":5}}");
        Envelope b = EnvelopeCodec.decodeJson("{\"cid\":\"1\",\"match_data_send\":{\"match_id\":\"x.\",\"op_code\":\"5\"}}");
        assertEquals(a, b);
        Envelope join = EnvelopeCodec.decodeJson(
                "{\"channel_join\":{\"target\":\"lobby\",\"type\":1,\"persistence\":true,\"hidden\":false}}");
        assertTrue(join.getChannelJoin().hasHidden());
        assertEquals(ChannelJoin.newBuilder().setTarget("lobby").setType(1)
                .setPersistence(BoolValue.of(true)).setHidden(BoolValue.of(false)).build(), join.getChannelJoin());
        Envelope status = EnvelopeCodec.decodeJson("{\"status_update\":{\"status\":\"away\"}}");
        assertEquals(StatusUpdate.newBuilder().setStatus(StringValue.of("away")).build(), status.getStatusUpdate());
    }

    @Test
    void binaryRoundTrip() throws Exception {
        Envelope envelope = Envelope.newBuilder().setCid("9").setPing(Ping.getDefaultInstance()).build();
        assertEquals(envelope, EnvelopeCodec.decodeBinary(EnvelopeCodec.encodeBinary(envelope)));
    }

    @Test
    void notJsonIsRejectedWithoutCid() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeJson("hello"));
        assertEquals("", e.cid());
        assertEquals(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, e.code());
    }

    @Test
    void unknownFieldIsRejectedWithItsCid() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.decodeJson("{\"cid\":\"5\",\"ping\":{},\"bogus\":1}"));
        assertEquals("5", e.cid());
        assertTrue(e.getMessage().contains("bogus"), e.getMessage());
    }

    @Test
    void wronglyTypedFieldIsRejectedWithItsCid() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.decodeJson("{\"cid\":\"6\",\"channel_join\":{\"type\":\"lots\"}}"));
        assertEquals("6", e.cid());
    }

    /** What JsonFormat would read and Go's protojson (so Nakama) refuses: a number or bool for a string, and so on. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"cid\":\"7\",\"channel_join\":{\"target\":1,\"type\":1}}",
            "{\"cid\":\"7\",\"channel_join\":{\"target\":true,\"type\":1}}",
            "{\"cid\":\"7\",\"channel_join\":{\"target\":\"a\",\"type\":1,\"hidden\":\"true\"}}",
            "{\"cid\":\"7\",\"channel_join\":{\"target\":\"a\",\"type\":1,\"persistence\":1}}",
            "{\"cid\":\"7\",\"channel_join\":{\"target\":\"a\",\"type\":true}}",
            "{\"cid\":\"7\",\"channel_join\":{\"target\":[\"a\"],\"type\":1}}",
            "{\"cid\":\"7\",\"match_data_send\":{\"match_id\":\"x.\",\"op_code\":\"1\",\"data\":5}}",
            "{\"cid\":\"7\",\"matchmaker_add\":{\"query\":\"*\",\"min_count\":2,\"max_count\":2,\"string_properties\":{\"a\":1}}}",
            "{\"cid\":\"7\",\"status_follow\":{\"user_ids\":\"not-an-array\"}}",
            "{\"cid\":\"7\",\"status_follow\":{\"user_ids\":[1]}}",
            "{\"cid\":\"7\",\"ping\":[]}",
    })
    void valuesOfTheWrongJsonTypeAreRejectedAsProtojsonRejectsThem(String frame) {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeJson(frame));
        assertEquals("7", e.cid());
    }

    @Test
    void numbersMayBeQuotedAndNullsAreDefaultsAsInProtojson() throws Exception {
        Envelope join = EnvelopeCodec.decodeJson("{\"cid\":\"8\",\"channel_join\":{\"target\":\"a\",\"type\":\"1\",\"hidden\":null}}");
        assertEquals(1, join.getChannelJoin().getType());
        assertTrue(!join.getChannelJoin().hasHidden());
        Envelope data = EnvelopeCodec.decodeJson("{\"match_data_send\":{\"match_id\":\"x.\",\"op_code\":\"3\",\"data\":\"AQ==\"}}");
        assertEquals(3, data.getMatchDataSend().getOpCode());
    }

    @Test
    void trailingDataAfterTheEnvelopeIsRejected() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.decodeJson("{\"cid\":\"10\",\"ping\":{}} trailing"));
        assertEquals("10", e.cid());
        assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeJson("{\"ping\":{}}{\"ping\":{}}"));
    }

    @Test
    void bracesInsideStringsAndSurroundingWhitespaceAreFine() throws Exception {
        Envelope envelope = EnvelopeCodec.decodeJson(
                " {\"cid\":\"}{\\\"\",\"channel_message_send\":{\"channel_id\":\"2...a\",\"content\":\"{\\\"x\\\":\\\"}\\\"}\"}}\n");
        assertEquals("}{\"", envelope.getCid());
    }

    @Test
    void emptyEnvelopeIsMissingPayload() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeJson("{\"cid\":\"3\"}"));
        assertEquals("3", e.cid());
        assertEquals(Error.Code.MISSING_PAYLOAD_VALUE, e.code());
    }

    @Test
    void serverOnlyMessageIsRejected() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.decodeJson("{\"cid\":\"4\",\"pong\":{}} ".replace("pong", "match_data")));
        assertEquals("4", e.cid());
        assertEquals(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, e.code());
        assertTrue(e.getMessage().contains("match_data"), e.getMessage());
    }

    @Test
    void garbageBinaryIsRejected() {
        assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeBinary(new byte[]{(byte) 0xff, (byte) 0xff, 0x01}));
    }

    @Test
    void binaryWithUnknownFieldIsRejected() {
        // field 999, varint 1
        byte[] bytes = {(byte) 0xb8, 0x3e, 0x01};
        assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeBinary(bytes));
    }

    @Test
    void binaryWithUnknownFieldInsideAMessageIsRejected() {
        // matchmaker_add { max_count = 4, field 5 = 2 }: MatchmakerAdd has no field 5
        byte[] inner = {0x10, 0x04, 0x28, 0x02}; // max_count = 4, field 5 varint 2
        byte[] add = com.heroiclabs.nakama.rtapi.Envelope.newBuilder()
                .setMatchmakerAdd(com.heroiclabs.nakama.rtapi.MatchmakerAdd.newBuilder().setMaxCount(4)).build().toByteArray();
        // same envelope with the inner message's bytes replaced by ours
        byte[] bytes = new byte[add.length + 2];
        System.arraycopy(add, 0, bytes, 0, add.length - 2);
        bytes[add.length - 3] = (byte) inner.length;
        System.arraycopy(inner, 0, bytes, add.length - 2, inner.length);
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> EnvelopeCodec.decodeBinary(bytes));
        assertTrue(e.getMessage().contains("matchmaker_add.[5]"), e.getMessage());
    }

    @Test
    void clientRequestClassification() {
        assertTrue(ClientMessages.isClientRequest(Envelope.MessageCase.PING));
        assertFalse(ClientMessages.isClientRequest(Envelope.MessageCase.CHANNEL_MESSAGE_ACK));
        assertEquals("channel_message_send", ClientMessages.jsonName(Envelope.MessageCase.CHANNEL_MESSAGE_SEND));
    }
}
