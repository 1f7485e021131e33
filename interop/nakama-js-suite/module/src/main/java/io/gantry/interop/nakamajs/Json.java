package io.gantry.interop.nakamajs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;

import java.util.Map;

/**
 * The module's JSON, as Nakama's Lua runtime offers it ({@code nk.json_encode},
 * {@code nk.json_decode}): Gson, shaded into the module's jar, since the runtime API has no JSON
 * helper and a module depends on nothing else of the server. Numbers decode as doubles, like Lua's.
 */
final class Json {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    /** Decodes a JSON text; a blank text is null, as {@code nk.json_decode("")} is nil. */
    static Object decode(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            com.google.gson.stream.JsonReader reader = new com.google.gson.stream.JsonReader(new java.io.StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            return GSON.fromJson(JsonParser.parseReader(reader), Object.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** Decodes a JSON object, or an empty map when the text is blank, null or not an object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decodeObject(String text) {
        return decode(text) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    static String encode(Object value) {
        return GSON.toJson(value);
    }
}
