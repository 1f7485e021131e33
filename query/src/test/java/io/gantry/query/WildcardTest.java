package io.gantry.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The compiled wildcard matcher on its own. */
class WildcardTest {

    @Test
    void starAloneMatchesAnyStringIncludingEmpty() {
        Matcher.Wildcard w = new Matcher.Wildcard("*");
        assertTrue(w.matches(""));
        assertTrue(w.matches("anything"));
    }

    @Test
    void consecutiveStarsActLikeOne() {
        Matcher.Wildcard w = new Matcher.Wildcard("a**b");
        assertTrue(w.matches("ab"));
        assertTrue(w.matches("axxb"));
        assertEquals("a*b", w.toQueryString());
    }

    @Test
    void backtracksAcrossRepeatedPrefixes() {
        Matcher.Wildcard w = new Matcher.Wildcard("*aab");
        assertTrue(w.matches("aaaab"));
        assertFalse(w.matches("aaaa"));
    }

    @Test
    void literalPrefixStopsAtTheFirstWildcard() {
        assertEquals("are", new Matcher.Wildcard("are?a*").literalPrefix());
        assertEquals("", new Matcher.Wildcard("*x").literalPrefix());
        assertEquals("a*b", new Matcher.Wildcard("a\\*b?").literalPrefix());
    }

    @Test
    void booleansMatchByTheirKeywordTOrF() {
        assertTrue(new Matcher.Wildcard("T*").matchesValue(Boolean.TRUE));
        assertFalse(new Matcher.Wildcard("T*").matchesValue(Boolean.FALSE));
        assertTrue(new Matcher.Wildcard("?").matchesValue(Boolean.FALSE));
        assertFalse(new Matcher.Wildcard("t*").matchesValue(Boolean.TRUE), "Nakama indexes true as T");
        assertFalse(new Matcher.Wildcard("1*").matchesValue(1.0));
    }

    @Test
    void agreesWithAnEquivalentRegexOnRandomInputs() {
        Random random = new Random(42);
        String alphabet = "ab*?";
        for (int i = 0; i < 5000; i++) {
            String pattern = randomString(random, alphabet, 6);
            String input = randomString(random, "ab", 8);
            String regex = pattern.replace("?", ".").replace("*", ".*");
            boolean expected = Pattern.matches(regex, input);
            assertEquals(expected, new Matcher.Wildcard(pattern).matches(input), pattern + " vs " + input);
        }
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @org.junit.jupiter.api.Test
    void patternsThatMatchTheSameStringsAreEqual() {
        // found by QueryFuzzTest: "***x" printed as "*x" and parsed back unequal
        assertEquals(new Matcher.Wildcard("*x"), new Matcher.Wildcard("***x"));
        assertEquals(new Matcher.Wildcard("*x").hashCode(), new Matcher.Wildcard("***x").hashCode());
        assertEquals(new Matcher.Wildcard("ab"), new Matcher.Wildcard("a\\b"));
        org.junit.jupiter.api.Assertions.assertNotEquals(new Matcher.Wildcard("a\\*"), new Matcher.Wildcard("a*"));
    }
}
