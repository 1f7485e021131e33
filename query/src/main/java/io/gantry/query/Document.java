package io.gantry.query;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable document a {@link Query} is evaluated against: dotted field paths, each with
 * one or more values, every value a {@link String}, {@link Double} or {@link Boolean}.
 *
 * <pre>{@code
 * // A match label: {"mode":"ranked","skill":55,"tags":["pvp","eu"],"map":{"size":"L"}}
 * Document label = Document.fromJson("label", labelJson);
 * //   label.mode = "ranked", label.skill = 55.0, label.tags = "pvp", "eu", label.map.size = "L"
 *
 * // A matchmaker ticket's properties.
 * Document ticket = Document.fromProperties("properties", Map.of("region", "eu"), Map.of("rank", 7.0));
 * //   properties.region = "eu", properties.rank = 7.0
 *
 * Document custom = Document.builder().add("label.mode", "ranked").add("label.skill", 55).build();
 * }</pre>
 *
 * <p>Field lookup is one hash-map access; evaluation reads the stored arrays and allocates
 * nothing. Thread-safe.
 */
public final class Document {

    private static final Object[] NO_VALUES = new Object[0];
    private static final Document EMPTY = new Document(Map.of(), NO_VALUES);

    private final Map<String, Object[]> fields;
    private final Object[] all;

    private Document(Map<String, Object[]> fields, Object[] all) {
        this.fields = fields;
        this.all = all;
    }

    /** The document with no fields: only match-all and must-not-only queries match it. */
    public static Document empty() {
        return EMPTY;
    }

    /** A builder of a document by field and value. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The document of a JSON object, its fields prefixed: {@code fromJson("label",
     * "{\"mode\":\"ranked\",\"a\":{\"b\":1}}")} has {@code label.mode = "ranked"} and
     * {@code label.a.b = 1.0}. Nested objects flatten to dotted paths; every element of an
     * array (and of arrays within it) is a value of the array's field; nulls are left out.
     * When {@code json} is not a JSON object (not JSON at all, or a string, number or array),
     * the document's only field is {@code prefix} with {@code json} as its raw string value,
     * as Nakama indexes a plain label. A null {@code json} gives the empty document.
     *
     * @param prefix the field prefix, {@code "label"} for match listing; if empty, the
     *               object's keys are the field names
     */
    public static Document fromJson(String prefix, String json) {
        Objects.requireNonNull(prefix, "prefix");
        if (json == null) {
            return EMPTY;
        }
        JsonObject object = parseObject(json);
        Builder b = new Builder();
        if (object == null) {
            b.add(prefix, json);
        } else {
            flatten(b, prefix, object);
        }
        return b.build();
    }

    /**
     * The document of a matchmaker ticket's properties, each at {@code prefix.key}:
     * {@code fromProperties("properties", {"region":"eu"}, {"rank":7.0})} has
     * {@code properties.region = "eu"} and {@code properties.rank = 7.0}. Null maps count as
     * empty; null values are left out.
     */
    public static Document fromProperties(String prefix, Map<String, String> stringProperties,
                                          Map<String, Double> numericProperties) {
        Objects.requireNonNull(prefix, "prefix");
        Builder b = new Builder();
        if (stringProperties != null) {
            stringProperties.forEach((k, v) -> {
                if (v != null) {
                    b.add(path(prefix, k), v);
                }
            });
        }
        if (numericProperties != null) {
            numericProperties.forEach((k, v) -> {
                if (v != null) {
                    b.add(path(prefix, k), v.doubleValue());
                }
            });
        }
        return b.build();
    }

    /** The fields of this document, in the order they were first added. */
    public Set<String> fields() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    /** Whether {@code field} has at least one value. */
    public boolean has(String field) {
        return fields.containsKey(field);
    }

    /** The values of {@code field} (String, Double or Boolean), empty when it has none. */
    public List<Object> values(String field) {
        Object[] v = fields.get(field);
        return v == null ? List.of() : Collections.unmodifiableList(Arrays.asList(v));
    }

    /** The values of {@code field}, or null: the array itself, never to be modified. */
    Object[] valuesOrNull(String field) {
        return fields.get(field);
    }

    /** Every value of every field: the array itself, never to be modified. */
    Object[] allValues() {
        return all;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Document d) || d.fields.size() != fields.size()) {
            return false;
        }
        for (Map.Entry<String, Object[]> e : fields.entrySet()) {
            if (!Arrays.equals(e.getValue(), d.fields.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, Object[]> e : fields.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Document{");
        boolean first = true;
        for (Map.Entry<String, Object[]> e : fields.entrySet()) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            b.append(e.getKey()).append('=');
            Object[] v = e.getValue();
            b.append(v.length == 1 ? String.valueOf(v[0]) : Arrays.toString(v));
        }
        return b.append('}').toString();
    }

    private static String path(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /** The JSON object {@code json} holds, or null when it holds anything else or is not JSON. */
    private static JsonObject parseObject(String json) {
        try {
            JsonReader reader = new JsonReader(new StringReader(json));
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (!e.isJsonObject() || reader.peek() != JsonToken.END_DOCUMENT) {
                return null;
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IOException | IllegalStateException e) {
            return null;
        }
    }

    private static void flatten(Builder b, String path, JsonElement e) {
        if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> entry : ((JsonObject) e).entrySet()) {
                flatten(b, path(path, entry.getKey()), entry.getValue());
            }
        } else if (e.isJsonArray()) {
            for (JsonElement element : (JsonArray) e) {
                flatten(b, path, element);
            }
        } else if (e.isJsonPrimitive()) {
            JsonPrimitive p = (JsonPrimitive) e;
            if (p.isBoolean()) {
                b.add(path, p.getAsBoolean());
            } else if (p.isNumber()) {
                b.add(path, p.getAsDouble());
            } else {
                b.add(path, p.getAsString());
            }
        }
        // JSON null: no value
    }

    /** Builds a {@link Document}; not thread-safe, usable once or many times. */
    public static final class Builder {

        private final LinkedHashMap<String, List<Object>> fields = new LinkedHashMap<>();
        private int count;

        private Builder() {
        }

        /** Adds a string value to {@code field}. */
        public Builder add(String field, String value) {
            return put(field, Objects.requireNonNull(value, "value"));
        }

        /** Adds a numeric value to {@code field}. */
        public Builder add(String field, double value) {
            return put(field, value);
        }

        /** Adds a boolean value to {@code field}. */
        public Builder add(String field, boolean value) {
            return put(field, value);
        }

        /**
         * Adds a value of any supported type: String, Boolean, or any Number (stored as a
         * Double); throws IllegalArgumentException for anything else.
         */
        public Builder addValue(String field, Object value) {
            if (value instanceof String s) {
                return add(field, s);
            }
            if (value instanceof Boolean bool) {
                return add(field, bool.booleanValue());
            }
            if (value instanceof Number n) {
                return add(field, n.doubleValue());
            }
            throw new IllegalArgumentException("unsupported value type for " + field + ": "
                    + (value == null ? "null" : value.getClass().getName()));
        }

        private Builder put(String field, Object value) {
            Objects.requireNonNull(field, "field");
            fields.computeIfAbsent(field, k -> new ArrayList<>(1)).add(value);
            count++;
            return this;
        }

        public Document build() {
            if (fields.isEmpty()) {
                return EMPTY;
            }
            LinkedHashMap<String, Object[]> map = new LinkedHashMap<>(fields.size() * 2);
            Object[] all = new Object[count];
            int i = 0;
            for (Map.Entry<String, List<Object>> e : fields.entrySet()) {
                Object[] values = e.getValue().toArray();
                map.put(e.getKey(), values);
                System.arraycopy(values, 0, all, i, values.length);
                i += values.length;
            }
            return new Document(map, all);
        }
    }
}
