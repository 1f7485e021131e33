package io.gantry.core;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;

/** Checks of JSON text that clients send and other clients read back. Stateless. */
public final class JsonText {

    private JsonText() {
    }

    /**
     * Whether text is exactly one JSON object under strict RFC 8259 rules (no unquoted names,
     * single quotes, NaN or trailing data; whitespace around it allowed): clients parse stored
     * content with strict parsers, so anything laxer would make it unreadable for them.
     */
    public static boolean isStrictObject(String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                return false;
            }
            reader.skipValue();
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
