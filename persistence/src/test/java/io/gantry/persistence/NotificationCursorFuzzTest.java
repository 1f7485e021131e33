package io.gantry.persistence;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gantry.persistence.HistoryFixtures.ALICE;
import static io.gantry.persistence.HistoryFixtures.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Notification cursors (the history cursor format under a derived key): any text a client sends
 * as {@code cacheable_cursor} gives a page or {@link InvalidCursorException} from a real store,
 * never another exception; a cursor the store gave one user is refused for another.
 */
class NotificationCursorFuzzTest {

    private static final byte[] KEY = "a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8);

    private static final class Store {
        static final RocksStore STORE = open();
        static final String ALICE_CURSOR = cursorOf(ALICE);

        private static RocksStore open() {
            try {
                Path dir = Files.createTempDirectory("gantry-notification-cursor-fuzz");
                RocksStore store = RocksStore.open(dir, new StoreOptions(false, 4).withCursorKey(KEY));
                Runtime.getRuntime().addShutdownHook(new Thread(store::close));
                return store;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String cursorOf(String user) {
            try {
                return STORE.notifications().list(user, 10, null).cacheableCursor();
            } catch (InvalidCursorException e) {
                throw new AssertionError(e);
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void list(FuzzedDataProvider data) {
        // The user id comes from a verified session token: always a UUID.
        String user = data.consumeBoolean() ? ALICE : BOB;
        int limit = data.consumeInt(1, 100);
        String text = data.consumeRemainingAsString();
        try {
            Store.STORE.notifications().list(user, limit, text);
        } catch (InvalidCursorException e) {
            assertEquals("Cursor is invalid or expired.", e.getMessage());
        }
        try {
            Store.STORE.notifications().list(BOB, limit, Store.ALICE_CURSOR);
            throw new AssertionError("alice's cursor listed bob's notifications");
        } catch (InvalidCursorException expected) {
            // refused, as it must be
        }
    }
}
