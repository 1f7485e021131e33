package io.gantry.proto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.heroiclabs.nakama.rtapi.Envelope;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Text frames: {@link EnvelopeCodec#decodeJson} (with {@link JsonTypeCheck}) either returns a
 * client envelope or throws {@link InvalidEnvelopeException} with a message, never anything else;
 * what it returns survives encoding and decoding again unchanged. Regression inputs (seeds and
 * every finding) live in {@code src/test/resources/io/gantry/proto/EnvelopeJsonFuzzTestInputs/decodeJson/}.
 */
class EnvelopeJsonFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void decodeJson(byte[] frame) {
        // A text frame's payload as the session handler reads it (Netty's frame.text()).
        String json = new String(frame, StandardCharsets.UTF_8);
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decodeJson(json);
        } catch (InvalidEnvelopeException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isEmpty());
            return;
        }
        String encoded = new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8);
        try {
            assertEquals(envelope, EnvelopeCodec.decodeJson(encoded), encoded);
        } catch (InvalidEnvelopeException e) {
            throw new AssertionError("the codec refuses its own encoding " + encoded + ": " + e.getMessage(), e);
        }
    }
}
