package io.gantry.query;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

/** Test helpers. */
final class Q {

    private Q() {
    }

    static Query q(String text) {
        try {
            return Query.parse(text);
        } catch (QueryParseException e) {
            throw new AssertionError("did not parse: " + text + ": " + e.getMessage(), e);
        }
    }

    static QueryParseException error(String text) {
        return assertThrows(QueryParseException.class, () -> Query.parse(text), text);
    }

    static Document label(String json) {
        return Document.fromJson("label", json);
    }

    static Document props(Map<String, String> strings, Map<String, Double> numbers) {
        return Document.fromProperties("properties", strings, numbers);
    }

    static boolean matches(String query, String labelJson) {
        return q(query).matches(label(labelJson));
    }

    static Clause only(String text) {
        Query query = q(text);
        if (query.clauses().size() != 1) {
            fail("expected one clause in " + text + ": " + query.clauses());
        }
        return query.clauses().get(0);
    }
}
