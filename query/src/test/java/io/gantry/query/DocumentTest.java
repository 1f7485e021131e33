package io.gantry.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Building documents from JSON labels, properties and code. */
class DocumentTest {

    @Test
    void jsonFieldsArePrefixed() {
        Document d = Document.fromJson("label", "{\"mode\":\"ranked\",\"skill\":55,\"open\":true}");
        assertEquals(List.of("ranked"), d.values("label.mode"));
        assertEquals(List.of(55.0), d.values("label.skill"));
        assertEquals(List.of(true), d.values("label.open"));
        assertEquals(Set.of("label.mode", "label.skill", "label.open"), d.fields());
    }

    @Test
    void nestedObjectsFlattenToDottedPaths() {
        Document d = Document.fromJson("label", "{\"a\":{\"b\":{\"c\":1}},\"x\":{}}");
        assertEquals(List.of(1.0), d.values("label.a.b.c"));
        assertEquals(Set.of("label.a.b.c"), d.fields());
    }

    @Test
    void arrayElementsAreValuesOfTheArrayField() {
        Document d = Document.fromJson("label", "{\"tags\":[\"pvp\",\"eu\",[\"x\",[3]]],\"empty\":[]}");
        assertEquals(List.of("pvp", "eu", "x", 3.0), d.values("label.tags"));
        assertFalse(d.has("label.empty"));
    }

    @Test
    void jsonNullsAreLeftOut() {
        Document d = Document.fromJson("label", "{\"a\":null,\"b\":[null,\"x\"]}");
        assertFalse(d.has("label.a"));
        assertEquals(List.of("x"), d.values("label.b"));
    }

    @Test
    void nonJsonLabelIsItsOwnRawField() {
        Document d = Document.fromJson("label", "hello world");
        assertEquals(Set.of("label"), d.fields());
        assertEquals(List.of("hello world"), d.values("label"));
    }

    @Test
    void nonObjectJsonLabelIsItsOwnRawField() {
        assertEquals(List.of("[1,2]"), Document.fromJson("label", "[1,2]").values("label"));
        assertEquals(List.of("42"), Document.fromJson("label", "42").values("label"));
        assertEquals(List.of("\"s\""), Document.fromJson("label", "\"s\"").values("label"));
        assertEquals(List.of(""), Document.fromJson("label", "").values("label"));
    }

    @Test
    void malformedOrLenientJsonIsRaw() {
        assertEquals(List.of("{mode:ranked}"), Document.fromJson("label", "{mode:ranked}").values("label"));
        assertEquals(List.of("{\"a\":1} x"), Document.fromJson("label", "{\"a\":1} x").values("label"));
        assertEquals(List.of("{\"a\":1"), Document.fromJson("label", "{\"a\":1").values("label"));
    }

    @Test
    void deeplyNestedJsonDoesNotBlowTheStack() {
        String json = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        Document d = Document.fromJson("label", json);
        assertEquals(Set.of("label"), d.fields());
    }

    @Test
    void nullJsonIsEmpty() {
        assertEquals(Document.empty(), Document.fromJson("label", null));
    }

    @Test
    void emptyPrefixUsesTheKeysAsFields() {
        Document d = Document.fromJson("", "{\"a\":{\"b\":1}}");
        assertEquals(Set.of("a.b"), d.fields());
    }

    @Test
    void propertiesArePrefixed() {
        Document d = Document.fromProperties("properties", Map.of("region", "eu"), Map.of("rank", 7.0));
        assertEquals(List.of("eu"), d.values("properties.region"));
        assertEquals(List.of(7.0), d.values("properties.rank"));
    }

    @Test
    void nullPropertyMapsAndValuesAreEmpty() {
        Map<String, String> strings = new HashMap<>();
        strings.put("a", null);
        assertEquals(Document.empty(), Document.fromProperties("properties", strings, null));
        assertEquals(Document.empty(), Document.fromProperties("properties", null, null));
    }

    @Test
    void builderKeepsOrderAndMultipleValues() {
        Document d = Document.builder()
                .add("f", "a").add("g", 1).add("f", true).addValue("h", 3L).build();
        assertEquals(List.of("f", "g", "h"), List.copyOf(d.fields()));
        assertEquals(List.of("a", true), d.values("f"));
        assertEquals(List.of(3.0), d.values("h"));
        assertEquals(List.of(), d.values("nope"));
    }

    @Test
    void builderRejectsUnsupportedValues() {
        assertThrows(IllegalArgumentException.class, () -> Document.builder().addValue("f", new Object()));
        assertThrows(IllegalArgumentException.class, () -> Document.builder().addValue("f", null));
    }

    @Test
    void valuesAreUnmodifiable() {
        Document d = Document.builder().add("f", "a").build();
        assertThrows(UnsupportedOperationException.class, () -> d.values("f").set(0, "b"));
        assertThrows(UnsupportedOperationException.class, () -> d.fields().clear());
    }

    @Test
    void documentsWithTheSameValuesAreEqual() {
        Document a = Document.fromJson("label", "{\"x\":1,\"y\":[\"a\",\"b\"]}");
        Document b = Document.builder().add("label.x", 1.0).add("label.y", "a").add("label.y", "b").build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(a.toString().contains("label.y=[a, b]"), a.toString());
    }
}
