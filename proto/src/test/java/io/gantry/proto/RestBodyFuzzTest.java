package io.gantry.proto;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.heroiclabs.nakama.api.AccountCustom;
import com.heroiclabs.nakama.api.AccountDevice;
import com.heroiclabs.nakama.api.AccountEmail;
import com.heroiclabs.nakama.api.SessionLogoutRequest;
import com.heroiclabs.nakama.api.SessionRefreshRequest;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * REST bodies: {@link EnvelopeCodec#mergeJson} (the lenient parsing every REST handler reads its
 * body with) fills the builder or throws {@link InvalidProtocolBufferException} with a message,
 * never anything else; what it parsed prints back to JSON that parses to the same message. The
 * first input byte picks the request type (the ones REST handlers read today).
 */
class RestBodyFuzzTest {

    private static final List<Supplier<Message.Builder>> TYPES = List.of(
            AccountDevice::newBuilder,
            AccountCustom::newBuilder,
            AccountEmail::newBuilder,
            SessionRefreshRequest::newBuilder,
            SessionLogoutRequest::newBuilder);

    @FuzzTest(maxDuration = "10m")
    void mergeJson(FuzzedDataProvider data) {
        Supplier<Message.Builder> type = TYPES.get(data.consumeInt(0, TYPES.size() - 1));
        String body = data.consumeRemainingAsString();
        Message.Builder builder = type.get();
        try {
            EnvelopeCodec.mergeJson(body, builder);
        } catch (InvalidProtocolBufferException e) {
            assertNotNull(e.getMessage());
            return;
        }
        Message message = builder.build();
        String printed = EnvelopeCodec.toJson(message);
        Message.Builder again = type.get();
        try {
            EnvelopeCodec.mergeJson(printed, again);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the parser refuses printed JSON " + printed + ": " + e.getMessage(), e);
        }
        assertEquals(message, again.build(), printed);
    }
}
