package io.gantry.persistence;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

import static io.gantry.persistence.HistoryFixtures.LOBBY;
import static io.gantry.persistence.HistoryFixtures.appendMany;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

class InvalidCursorTest {

    private static final byte[] KEY = "a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDataDir;

    private RocksStore store;
    private HistoryStore history;
    private String cursor;

    @BeforeEach
    void open() throws Exception {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4).withCursorKey(KEY));
        history = store.history();
        appendMany(store.writer(), LOBBY, 5);
        appendMany(store.writer(), "2...lobby2", 5);
        cursor = history.list(LOBBY, 2, true, null).nextCursor();
        assertNotNull(cursor);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void garbageIsRefusedWithTheNakamaMessage() {
        InvalidCursorException e = assertThrows(InvalidCursorException.class,
                () -> history.list(LOBBY, 10, true, "not a cursor"));
        assertEquals("Cursor is invalid or expired.", e.getMessage());
        for (String garbage : new String[] {"!", "abc", "AAAA", "====", "a", "\u00e9\u00e9", "\u0000",
                "A".repeat(60), "A".repeat(100_000), cursor.substring(1),
                cursor.substring(0, cursor.length() - 1), cursor + "AA", " " + cursor,
                Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[58])}) {
            assertRefused(LOBBY, true, garbage);
        }
    }

    @Test
    void everySingleBitFlipIsRefused() {
        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        for (int i = 0; i < bytes.length * 8; i++) {
            byte[] forged = bytes.clone();
            forged[i / 8] ^= (byte) (1 << (i % 8));
            assertRefused(LOBBY, true, Base64.getUrlEncoder().withoutPadding().encodeToString(forged));
        }
    }

    @Test
    void randomStringsOnlyEverGiveInvalidCursor() {
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \u00ff";
        for (int n = 0; n < 2_000; n++) {
            StringBuilder sb = new StringBuilder();
            int length = 1 + random.nextInt(200);
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertRefused(LOBBY, random.nextBoolean(), sb.toString());
        }
        for (int n = 0; n < 2_000; n++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            String s = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!s.isEmpty()) {
                assertRefused(LOBBY, random.nextBoolean(), s);
            }
        }
    }

    @Test
    void aCursorOfAnotherChannelIsRefused() throws Exception {
        String other = history.list("2...lobby2", 2, true, null).nextCursor();
        assertRefused(LOBBY, true, other);
        assertRefused("2...lobby2", true, cursor);
        assertRefused("2...lobb", true, cursor);
    }

    @Test
    void aCursorOfTheOtherDirectionIsRefused() throws Exception {
        assertRefused(LOBBY, false, cursor);
        String backward = history.list(LOBBY, 2, false, null).nextCursor();
        assertRefused(LOBBY, true, backward);
        // Its own direction works.
        assertEquals(2, history.list(LOBBY, 2, false, backward).messages().size());
    }

    @Test
    void aCursorMadeWithAnotherKeyIsRefused() throws Exception {
        try (RocksStore other = RocksStore.open(otherDataDir,
                new StoreOptions(false, 4).withCursorKey("another key, also 32 bytes long".getBytes(StandardCharsets.UTF_8)))) {
            appendMany(other.writer(), LOBBY, 5);
            String foreign = other.history().list(LOBBY, 2, true, null).nextCursor();
            assertRefused(LOBBY, true, foreign);
        }
    }

    @Test
    void shortCursorKeysAreRefusedAtConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new StoreOptions(true, 4).withCursorKey(new byte[15]));
        assertEquals("StoreOptions[syncWrites=true, bcryptCost=4, cursorKey=(set), historyQueueCapacity=65536, "
                + "dedupWindowMs=3600000, notificationQueueCapacity=16384]", new StoreOptions(true, 4).withCursorKey(KEY).toString(),
                "the key itself is never shown");
    }

    private void assertRefused(String channelId, boolean forward, String text) {
        try {
            history.list(channelId, 10, forward, text);
            fail("accepted cursor " + text);
        } catch (InvalidCursorException expected) {
            // the only acceptable outcome
        } catch (RuntimeException e) {
            throw new AssertionError("cursor '" + abbreviate(text) + "' threw " + e, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
