package io.gantry.proto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.heroiclabs.nakama.rtapi.Envelope;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Binary frames: {@link EnvelopeCodec#decodeBinary} either returns a client envelope or throws
 * {@link InvalidEnvelopeException} with a message, never anything else; what it returns survives
 * a binary round trip and a JSON one (the two wire formats carry the same envelopes).
 */
class EnvelopeBinaryFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void decodeBinary(byte[] frame) {
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decodeBinary(frame);
        } catch (InvalidEnvelopeException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isEmpty());
            return;
        }
        try {
            assertEquals(envelope, EnvelopeCodec.decodeBinary(EnvelopeCodec.encodeBinary(envelope)));
        } catch (InvalidEnvelopeException e) {
            throw new AssertionError("the codec refuses its own binary encoding: " + e.getMessage(), e);
        }
        String json = new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8);
        try {
            assertEquals(envelope, EnvelopeCodec.decodeJson(json), json);
        } catch (InvalidEnvelopeException e) {
            throw new AssertionError("the JSON codec refuses the JSON of a binary envelope " + json + ": "
                    + e.getMessage(), e);
        }
    }
}
