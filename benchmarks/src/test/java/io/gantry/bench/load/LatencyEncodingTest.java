package io.gantry.bench.load;

import com.heroiclabs.nakama.api.ChannelMessage;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.StatusPresenceEvent;
import com.heroiclabs.nakama.rtapi.UserPresence;
import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How send times travel in frames, and how received frames are read back. */
class LatencyEncodingTest {
    private static final long[] TIMES = {0, 1, 123_456_789_012_345L, -987_654_321_000L, Long.MAX_VALUE, Long.MIN_VALUE + 1};

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void base64PayloadMatchesTheJdkEncoderAndDecodesBack() {
        for (long t : TIMES) {
            long seq = t ^ 0x5A5A5A5AL;
            ByteBuf out = Unpooled.buffer();
            LatencyCodec.writeBase64(out, t, seq);
            byte[] raw = ByteBuffer.allocate(16).putLong(t).putLong(seq).array();
            assertEquals(Base64.getEncoder().encodeToString(raw), out.toString(StandardCharsets.US_ASCII));
            assertEquals(LatencyCodec.BASE64_CHARS, out.readableBytes());
            assertEquals(t, LatencyCodec.decodeBase64Long(out, 0, 0));
            assertEquals(seq, LatencyCodec.decodeBase64Long(out, 0, 8));
        }
    }

    @Test
    void notBase64IsNotATime() {
        assertEquals(Long.MIN_VALUE, LatencyCodec.decodeBase64Long(ascii("!!!!not-base64-at-all!!!"), 0, 0));
        assertEquals(Long.MIN_VALUE, LatencyCodec.decodeBase64Long(ascii("AAAA"), 0, 0));
    }

    @Test
    void decimalsRoundTrip() {
        for (long v : TIMES) {
            ByteBuf out = Unpooled.buffer();
            LatencyCodec.writeDecimal(out, v);
            assertEquals(Long.toString(v), out.toString(StandardCharsets.US_ASCII));
            assertEquals(v, LatencyCodec.parseDecimal(out, 0, out.writerIndex()));
        }
        assertEquals(Long.MIN_VALUE, LatencyCodec.parseDecimal(ascii("abc"), 0, 3));
    }

    /** Collects what a decoder found. */
    static final class Sink implements FrameSink {
        final List<String> events = new ArrayList<>();

        @Override
        public void onReply(long cid, Reply reply) {
            events.add("reply " + cid + " " + reply);
        }

        @Override
        public void onMatchData(long sentNs, long seq) {
            events.add("match_data " + sentNs + " " + seq);
        }

        @Override
        public void onChannelMessage(long sentNs, long seq) {
            events.add("channel_message " + sentNs + " " + seq);
        }

        @Override
        public void onStatusJoin(long sentNs) {
            events.add("status " + sentNs);
        }

        @Override
        public void onMatchmakerMatched() {
            events.add("matched");
        }

        @Override
        public void onError(int code, String message) {
            events.add("error " + code + " " + message);
        }

        @Override
        public void onOther() {
            events.add("other");
        }
    }

    private static List<String> json(String frame) {
        Sink s = new Sink();
        new JsonWire().decode(ascii(frame), s);
        return s.events;
    }

    private static List<String> proto(Envelope e) {
        Sink s = new Sink();
        new ProtoWire(false).decode(Unpooled.wrappedBuffer(e.toByteArray()), s);
        return s.events;
    }

    /** The payload of a raw client frame (header skipped, mask key checked to be 0). */
    private static ByteBuf payload(ByteBuf frame) {
        int b1 = frame.getByte(frame.readerIndex() + 1) & 0xFF;
        assertTrue((b1 & 0x80) != 0, "client frames are masked");
        int len = b1 & 0x7F;
        int at = frame.readerIndex() + 2;
        if (len == 126) {
            len = frame.getUnsignedShort(at);
            at += 2;
        } else if (len == 127) {
            len = (int) frame.getLong(at);
            at += 8;
        }
        assertEquals(0, frame.getInt(at), "masking key 0");
        at += 4;
        assertEquals(len, frame.writerIndex() - at);
        return frame.slice(at, len);
    }

    @Test
    void jsonMatchDataSendIsValidProtojsonCarryingTheTime() throws Exception {
        JsonWire w = new JsonWire();
        ByteBuf frame = w.matchDataSend(ByteBufAllocator.DEFAULT, w.matchDataPrefix("abc-123."), 42L, 7L);
        assertEquals(0x81, frame.getByte(frame.readerIndex()) & 0xFF, "FIN + text");
        String text = payload(frame).toString(StandardCharsets.UTF_8);
        Envelope.Builder e = Envelope.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(text, e);
        assertEquals("abc-123.", e.getMatchDataSend().getMatchId());
        assertEquals(1, e.getMatchDataSend().getOpCode());
        ByteBuffer data = e.getMatchDataSend().getData().asReadOnlyByteBuffer();
        assertEquals(42L, data.getLong());
        assertEquals(7L, data.getLong());
        frame.release();
    }

    @Test
    void protobufFramesParseWithTheGeneratedClasses() throws Exception {
        ProtoWire w = new ProtoWire(false);
        ByteBuf frame = w.matchDataSend(ByteBufAllocator.DEFAULT, w.matchDataPrefix("m1."), -5L, 9L);
        assertEquals(0x82, frame.getByte(frame.readerIndex()) & 0xFF, "FIN + binary");
        Envelope e = Envelope.parseFrom(payload(frame).nioBuffer());
        assertEquals("m1.", e.getMatchDataSend().getMatchId());
        assertEquals(-5L, e.getMatchDataSend().getData().asReadOnlyByteBuffer().getLong());
        frame.release();

        String longId = "2...".concat("r".repeat(200)); // a frame over 125 bytes: 16-bit length
        ByteBuf chat = w.channelMessageSend(ByteBufAllocator.DEFAULT, w.channelSendPrefix(longId), 123L, 4L);
        Envelope c = Envelope.parseFrom(payload(chat).nioBuffer());
        assertEquals(longId, c.getChannelMessageSend().getChannelId());
        assertEquals("{\"t\":123,\"s\":4}", c.getChannelMessageSend().getContent());
        chat.release();

        ByteBuf status = w.statusUpdate(ByteBufAllocator.DEFAULT, 987654321L);
        assertEquals("987654321", Envelope.parseFrom(payload(status).nioBuffer()).getStatusUpdate().getStatus().getValue());
        status.release();
    }

    /** Over TCP the rated messages are bare envelopes with room for the length prefix before them. */
    @ParameterizedTest
    @ValueSource(ints = {5, 200, 20_000})
    void tcpRatedMessagesAreEnvelopesWithRoomForTheirPrefix(int idLength) throws Exception {
        ProtoWire w = new ProtoWire(true);
        String id = "m".repeat(idLength);
        ByteBuf data = w.matchDataSend(ByteBufAllocator.DEFAULT, w.matchDataPrefix(id), 31L, 2L);
        ByteBuf chat = w.channelMessageSend(ByteBufAllocator.DEFAULT, w.channelSendPrefix(id), 32L, 3L);
        ByteBuf status = w.statusUpdate(ByteBufAllocator.DEFAULT, 33L);
        for (ByteBuf b : List.of(data, chat, status)) {
            assertEquals(io.gantry.client.TcpSocket.PREFIX_HEADROOM, b.readerIndex(), "headroom for the varint32 prefix");
        }
        Envelope d = Envelope.parseFrom(data.nioBuffer());
        assertEquals(id, d.getMatchDataSend().getMatchId());
        ByteBuffer payload = d.getMatchDataSend().getData().asReadOnlyByteBuffer();
        assertEquals(31L, payload.getLong());
        assertEquals(2L, payload.getLong());
        Envelope c = Envelope.parseFrom(chat.nioBuffer());
        assertEquals(id, c.getChannelMessageSend().getChannelId());
        assertEquals("{\"t\":32,\"s\":3}", c.getChannelMessageSend().getContent());
        assertEquals("33", Envelope.parseFrom(status.nioBuffer()).getStatusUpdate().getStatus().getValue());
        data.release();
        chat.release();
        status.release();
    }

    @Test
    void theTcpTransportRefusesJson() {
        assertThrows(IllegalArgumentException.class, () -> Wire.of("json", true));
        assertTrue(Wire.of("protobuf", true).tcp);
        assertFalse(Wire.of("protobuf", false).tcp);
    }

    @Test
    void jsonChatAndStatusFramesAreValidProtojson() throws Exception {
        JsonWire w = new JsonWire();
        ByteBuf chat = w.channelMessageSend(ByteBufAllocator.DEFAULT, w.channelSendPrefix("2...bench"), -77L, 3L);
        Envelope.Builder e = Envelope.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(payload(chat).toString(StandardCharsets.UTF_8), e);
        assertEquals("{\"t\":-77,\"s\":3}", e.getChannelMessageSend().getContent());
        chat.release();
        ByteBuf status = w.statusUpdate(ByteBufAllocator.DEFAULT, 55L);
        Envelope.Builder s = Envelope.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(payload(status).toString(StandardCharsets.UTF_8), s);
        assertEquals("55", s.getStatusUpdate().getStatus().getValue());
        status.release();
    }

    @Test
    void receivedJsonFramesAreReadWhateverTheWhitespace() {
        ByteBuf b64 = Unpooled.buffer();
        LatencyCodec.writeBase64(b64, 1234567L, 8L);
        String data = b64.toString(StandardCharsets.US_ASCII);
        assertEquals(List.of("match_data 1234567 8"), json("{\"match_data\":{\"match_id\":\"x.\",\"presence\":{\"user_id\":\"u\","
                + "\"session_id\":\"s\",\"username\":\"data\"},\"op_code\":\"1\",\"data\":\"" + data + "\"}}"));
        // Go's protojson adds random spaces after commas and colons
        assertEquals(List.of("match_data 1234567 8"), json("{\"match_data\": {\"match_id\": \"x.\", \"op_code\": \"1\", \"data\": \"" + data + "\"}}"));
        assertEquals(List.of("channel_message 99 5"), json("{\"channel_message\":{\"channel_id\":\"2...bench\",\"message_id\":\"m\","
                + "\"code\":0,\"sender_id\":\"s\",\"username\":\"u\",\"content\":\"{\\\"t\\\": 99, \\\"s\\\": 5}\",\"persistent\":false}}"));
        assertEquals(List.of("status 444"), json("{\"status_presence_event\":{\"joins\":[{\"user_id\":\"a\",\"status\":\"444\"}],"
                + "\"leaves\":[{\"user_id\":\"a\",\"status\":\"333\"}]}}"));
        assertEquals(List.of("reply 3 match abc."), json("{\"cid\":\"3\",\"match\":{\"match_id\":\"abc.\",\"authoritative\":false,\"size\":0}}"));
        assertEquals(List.of("reply 4 channel 2...bench"), json("{\"cid\": \"4\", \"channel\": {\"id\": \"2...bench\", \"self\": {\"user_id\": \"x\"}}}"));
        assertEquals(List.of("reply 5 error 1: Unrecognized \"payload\""),
                json("{\"cid\":\"5\",\"error\":{\"code\":1,\"message\":\"Unrecognized \\\"payload\\\"\"}}"));
        assertEquals(List.of("reply 6 pong"), json("{\"cid\":\"6\",\"pong\":{}}"));
        assertEquals(List.of("reply 7 empty"), json("{\"cid\":\"7\"}"));
        assertEquals(List.of("matched"), json("{\"matchmaker_matched\":{\"ticket\":\"t\",\"token\":\"x\"}}"));
        assertEquals(List.of("other"), json("{\"match_presence_event\":{\"match_id\":\"x.\"}}"));
        assertEquals(List.of("error 3 bad"), json("{\"error\":{\"code\":3,\"message\":\"bad\"}}"));
    }

    @Test
    void receivedProtobufFramesAreRead() {
        byte[] raw = ByteBuffer.allocate(16).putLong(-42L).putLong(11L).array();
        UserPresence p = UserPresence.newBuilder().setUserId("u").setSessionId("s").setUsername("n").build();
        assertEquals(List.of("match_data -42 11"), proto(Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                .setMatchId("m.").setPresence(p).setOpCode(1).setData(ByteString.copyFrom(raw))).build()));
        assertEquals(List.of("channel_message 77 2"), proto(Envelope.newBuilder().setChannelMessage(ChannelMessage.newBuilder()
                .setChannelId("2...bench").setSenderId("s").setContent("{\"t\":77,\"s\":2}")).build()));
        assertEquals(List.of("status 5", "status 6"), proto(Envelope.newBuilder().setStatusPresenceEvent(StatusPresenceEvent.newBuilder()
                .addJoins(p.toBuilder().setStatus(StringValue.of("5")))
                .addJoins(p.toBuilder().setStatus(StringValue.of("6")))
                .addLeaves(p.toBuilder().setStatus(StringValue.of("4")))).build()));
        assertEquals(List.of("reply 9 match m."), proto(Envelope.newBuilder().setCid("9")
                .setMatch(com.heroiclabs.nakama.rtapi.Match.newBuilder().setMatchId("m.")).build()));
        assertEquals(List.of("reply 2 error 4: Match not found"), proto(Envelope.newBuilder().setCid("2")
                .setError(com.heroiclabs.nakama.rtapi.Error.newBuilder().setCode(4).setMessage("Match not found")).build()));
    }

    @Test
    void requestsAreValidEnvelopes() throws Exception {
        JsonWire w = new JsonWire();
        Envelope.Builder e = Envelope.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(w.statusFollow(12, List.of("a", "b")).toString(StandardCharsets.UTF_8), e);
        assertEquals("12", e.getCid());
        assertEquals(List.of("a", "b"), e.getStatusFollow().getUserIdsList());
        Envelope.Builder j = Envelope.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(w.channelJoin(1, "bench", 1, true).toString(StandardCharsets.UTF_8), j);
        assertEquals("bench", j.getChannelJoin().getTarget());
        assertEquals(1, j.getChannelJoin().getType());
        assertTrue(j.getChannelJoin().getPersistence().getValue());
        Envelope.Builder g = Envelope.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(w.channelJoin(2, "gid", 3, false).toString(StandardCharsets.UTF_8), g);
        assertEquals(3, g.getChannelJoin().getType(), "a group's channel");
        assertEquals("gid", g.getChannelJoin().getTarget());
        byte[] gp = io.netty.buffer.ByteBufUtil.getBytes(new ProtoWire(true).channelJoin(2, "gid", 3, false));
        assertEquals(3, Envelope.parseFrom(gp).getChannelJoin().getType());
        byte[] mm = io.netty.buffer.ByteBufUtil.getBytes(new ProtoWire(true).matchmakerAdd(3, 2, 2, "*"));
        Envelope m = Envelope.parseFrom(mm);
        assertEquals(2, m.getMatchmakerAdd().getMinCount());
        assertEquals("*", m.getMatchmakerAdd().getQuery());
    }

    @Test
    void sessionTokensNameTheirUser() {
        String token = SelfTestServer.fakeToken("device-0000000001");
        String uid = Auth.userIdOf(token);
        assertEquals(36, uid.length());
        assertEquals(uid, Auth.userIdOf(SelfTestServer.fakeToken("device-0000000001")));
    }
}
