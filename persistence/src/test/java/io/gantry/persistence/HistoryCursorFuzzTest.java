package io.gantry.persistence;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static io.gantry.persistence.HistoryFixtures.LOBBY;
import static io.gantry.persistence.HistoryFixtures.appendMany;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channel history cursors: any text given as a cursor, to the codec or to a real store's listing,
 * gives a page or {@link InvalidCursorException}, never another exception; every cursor the codec
 * makes decodes to what it encoded, for its own channel only, and any one changed character makes
 * it invalid (the HMAC).
 */
class HistoryCursorFuzzTest {

    private static final byte[] KEY = "a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8);
    private static final HistoryCursorCodec CODEC = new HistoryCursorCodec(KEY);

    /** One store for every input of the run: opening RocksDB per input would be most of the work. */
    private static final class Store {
        static final RocksStore STORE = open();

        private static RocksStore open() {
            try {
                Path dir = Files.createTempDirectory("gantry-cursor-fuzz");
                RocksStore store = RocksStore.open(dir, new StoreOptions(false, 4).withCursorKey(KEY));
                appendMany(store.writer(), LOBBY, 7);
                Runtime.getRuntime().addShutdownHook(new Thread(store::close));
                return store;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void decode(FuzzedDataProvider data) {
        // The store's contract: a non-empty channel id (the channel layer builds and checks it).
        String channel = data.consumeBoolean() ? LOBBY : "2..." + data.consumeString(40);
        boolean forward = data.consumeBoolean();
        boolean next = data.consumeBoolean();
        long createTimeUs = data.consumeLong();
        UUID messageId = new UUID(data.consumeLong(), data.consumeLong());
        int limit = data.consumeInt(1, 100);
        String text = data.consumeRemainingAsString();

        // Garbage: the codec and a real listing refuse it with InvalidCursorException, or accept it.
        try {
            CODEC.decode(channel, text);
        } catch (InvalidCursorException e) {
            assertEquals("Cursor is invalid or expired.", e.getMessage());
        }
        try {
            Store.STORE.history().list(channel, limit, forward, text);
        } catch (InvalidCursorException e) {
            assertEquals("Cursor is invalid or expired.", e.getMessage());
        }

        // Round trip: a made cursor decodes to itself, and only for its channel.
        HistoryCursorCodec.Cursor cursor = new HistoryCursorCodec.Cursor(forward, next, createTimeUs, messageId);
        String encoded = CODEC.encode(channel, cursor);
        try {
            assertEquals(cursor, CODEC.decode(channel, encoded));
        } catch (InvalidCursorException e) {
            throw new AssertionError("the codec refuses its own cursor " + encoded, e);
        }
        assertThrows(InvalidCursorException.class, () -> CODEC.decode(channel + "x", encoded));
        // Tampering: one character replaced by another base64url character.
        if (!text.isEmpty()) {
            int at = Math.floorMod(text.charAt(0), encoded.length());
            char replacement = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                    .charAt(Math.floorMod(text.length(), 64));
            if (encoded.charAt(at) != replacement) {
                String tampered = encoded.substring(0, at) + replacement + encoded.substring(at + 1);
                // The last character may carry only padding bits; a change there can leave the bytes as they were.
                assertTrue(at == encoded.length() - 1 || throwsInvalid(channel, tampered), tampered);
            }
        }
    }

    private static boolean throwsInvalid(String channel, String text) {
        try {
            CODEC.decode(channel, text);
            return false;
        } catch (InvalidCursorException e) {
            return true;
        }
    }
}
