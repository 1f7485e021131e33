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
 * what it returns survives encoding and decoding again unchanged. The byte decoder (its
 * {@link ProtoJsonReader} fast path, then the String path) answers every frame as the String
 * decoder does. Regression inputs (seeds and every finding) live in {@code src/test/resources/io/gantry/proto/EnvelopeJsonFuzzTestInputs/decodeJson/}.
 */
class EnvelopeJsonFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void decodeJson(byte[] frame) {
        // A text frame's payload as the session handler reads it (Netty's frame.text()).
        String json = new String(frame, StandardCharsets.UTF_8);
        // the fast path reads only what the reference path reads, into the same envelope
        Envelope fast = ProtoJsonReader.readEnvelope(frame, 0, frame.length);
        if (fast != null) {
            try {
                assertEquals(EnvelopeCodec.parseJsonReference(json), fast, json);
            } catch (InvalidEnvelopeException e) {
                throw new AssertionError("the fast path read what the reference path refuses: " + json, e);
            }
        }
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decodeJson(json);
        } catch (InvalidEnvelopeException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isEmpty());
            // the byte decoder (the WebSocket handler's) refuses it with the same words and cid
            try {
                EnvelopeCodec.decodeJson(frame, 0, frame.length);
            } catch (InvalidEnvelopeException bytes) {
                assertEquals(e.getMessage(), bytes.getMessage(), json);
                assertEquals(e.cid(), bytes.cid(), json);
                return;
            }
            throw new AssertionError("the byte decoder accepts what the String decoder refuses: " + json);
        }
        try {
            assertEquals(envelope, EnvelopeCodec.decodeJson(frame, 0, frame.length), json);
        } catch (InvalidEnvelopeException e) {
            throw new AssertionError("the byte decoder refuses what the String decoder accepts: " + json, e);
        }
        String encoded = new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8);
        try {
            assertEquals(envelope, EnvelopeCodec.decodeJson(encoded), encoded);
        } catch (InvalidEnvelopeException e) {
            throw new AssertionError("the codec refuses its own encoding " + encoded + ": " + e.getMessage(), e);
        }
    }
}
