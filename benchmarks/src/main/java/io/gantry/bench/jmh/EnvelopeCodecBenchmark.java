package io.gantry.bench.jmh;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Timestamp;
import com.heroiclabs.nakama.api.ChannelMessage;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchData;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.proto.EnvelopeCodec;
import io.gantry.proto.InvalidEnvelopeException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Envelope codecs, both directions, both wire formats, for the two messages that dominate
 * traffic: match data (client → server and server → client) and a chat message. The protobuf
 * rows are the baseline the JSON rows are compared with: same message, cheapest encoding.
 *
 * <pre>./scripts/bench jmh EnvelopeCodec</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeCodecBenchmark {

    @Param({"match_data", "channel_message"})
    public String message;

    private Envelope outbound;
    private String inboundJson;
    private byte[] inboundJsonBytes;
    private java.nio.ByteBuffer inboundJsonDirect;
    private byte[] inboundBinary;

    @Setup
    public void setup() {
        UserPresence sender = UserPresence.newBuilder()
                .setUserId("3c1a7f04-5d1e-4b8e-9a4f-0f6e2d7c9b11")
                .setSessionId("7e2b9c55-1d4a-4f7e-8c3b-5a6d9e0f1a22")
                .setUsername("player-one")
                .build();
        Envelope inbound;
        if (message.equals("match_data")) {
            byte[] payload = "{\"x\":12.5,\"y\":-3.25,\"t\":1732291200123}".getBytes(StandardCharsets.UTF_8);
            outbound = Envelope.newBuilder().setMatchData(MatchData.newBuilder()
                    .setMatchId("b1946ac9-2c3e-4f6f-9a8e-3f5e6d7c8b9a.")
                    .setPresence(sender).setOpCode(1).setData(ByteString.copyFrom(payload)).setReliable(true)).build();
            inbound = Envelope.newBuilder().setCid("42").setMatchDataSend(MatchDataSend.newBuilder()
                    .setMatchId("b1946ac9-2c3e-4f6f-9a8e-3f5e6d7c8b9a.").setOpCode(1)
                    .setData(ByteString.copyFrom(payload)).setReliable(true)).build();
        } else {
            outbound = Envelope.newBuilder().setChannelMessage(ChannelMessage.newBuilder()
                    .setChannelId("2...lobby").setMessageId("5f0e6c1b-8d2a-4c3e-9b7f-1a2b3c4d5e6f")
                    .setCode(Int32Value.of(0)).setSenderId(sender.getUserId()).setUsername(sender.getUsername())
                    .setContent("{\"text\":\"gg, rematch?\"}")
                    .setCreateTime(Timestamp.newBuilder().setSeconds(1_732_291_200L).setNanos(123_000_000))
                    .setUpdateTime(Timestamp.newBuilder().setSeconds(1_732_291_200L).setNanos(123_000_000))
                    .setPersistent(BoolValue.of(true)).setRoomName("lobby")).build();
            inbound = Envelope.newBuilder().setCid("42").setChannelMessageSend(
                    com.heroiclabs.nakama.rtapi.ChannelMessageSend.newBuilder()
                            .setChannelId("2...lobby").setContent("{\"text\":\"gg, rematch?\"}")).build();
        }
        inboundJson = new String(EnvelopeCodec.encodeJson(inbound), StandardCharsets.UTF_8);
        inboundJsonBytes = inboundJson.getBytes(StandardCharsets.UTF_8);
        inboundJsonDirect = java.nio.ByteBuffer.allocateDirect(inboundJsonBytes.length).put(inboundJsonBytes).flip();
        inboundBinary = EnvelopeCodec.encodeBinary(inbound);
    }

    @Benchmark
    public byte[] encodeJson() {
        return EnvelopeCodec.encodeJson(outbound);
    }

    @Benchmark
    public byte[] encodeProtobuf() {
        return EnvelopeCodec.encodeBinary(outbound);
    }

    /** The reference path: JsonFormat, then the protojson type check (what every frame cost before the byte reader). */
    @Benchmark
    public Envelope decodeJson() throws InvalidEnvelopeException {
        return EnvelopeCodec.decodeJson(inboundJson);
    }

    /** A text frame's bytes on a heap buffer, as the WebSocket handler passes them. */
    @Benchmark
    public Envelope decodeJsonBytes() throws InvalidEnvelopeException {
        return EnvelopeCodec.decodeJson(inboundJsonBytes, 0, inboundJsonBytes.length);
    }

    /** A text frame's bytes on a direct (pooled) buffer: copied to a per-thread array first. */
    @Benchmark
    public Envelope decodeJsonDirect() throws InvalidEnvelopeException {
        return EnvelopeCodec.decodeJson(inboundJsonDirect);
    }

    @Benchmark
    public Envelope decodeProtobuf() throws InvalidEnvelopeException {
        return EnvelopeCodec.decodeBinary(inboundBinary);
    }
}
