package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredChannelMessage;
import io.gantry.proto.storage.StoredNotification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.gantry.persistence.HistoryFixtures.ALICE;
import static io.gantry.persistence.HistoryFixtures.BOB;
import static io.gantry.persistence.HistoryFixtures.LOBBY;
import static io.gantry.persistence.HistoryFixtures.T0;
import static io.gantry.persistence.HistoryFixtures.append;
import static io.gantry.persistence.HistoryFixtures.listAll;
import static io.gantry.persistence.HistoryFixtures.message;
import static io.gantry.persistence.HistoryFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export and import of channel history and notifications, both ways: what one store exports, the
 * other imports and exports again unchanged, and lists the same (dedup entries are transient and
 * not exported).
 */
class HistoryTransferTest {

    private static final byte[] CURSOR_KEY = "a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8);
    private static final String DM = "4..00000000-0000-4000-8000-00000000a11c.00000000-0000-4000-8000-000000000b0b";

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private RocksStore rocks;
    private PostgresStore postgres;

    @BeforeEach
    void open() {
        StoreOptions options = new StoreOptions(false, 4).withCursorKey(CURSOR_KEY);
        rocks = RocksStore.open(dataDir, options, clock);
        postgres = PostgresStores.fresh(clock, options);
    }

    @AfterEach
    void close() {
        rocks.close();
        postgres.close();
    }

    @Test
    void rocksToPostgresAndBackKeepsEveryRecord() throws Exception {
        fill(rocks);
        List<DumpRecord> fromRocks = exportAll(rocks);
        assertEquals(9 + 4, fromRocks.size(), "9 messages (10 sent, 1 removed) and 4 notifications");

        importAll(postgres, fromRocks);
        List<DumpRecord> fromPostgres = exportAll(postgres);
        assertEquals(sorted(fromRocks), sorted(fromPostgres));
        sameListings(rocks, postgres);
        assertTrue(postgres.history().dedup(ALICE, "cid").isEmpty(), "dedup entries are not moved");
    }

    @Test
    void postgresToRocksKeepsEveryRecord() throws Exception {
        fill(postgres);
        List<DumpRecord> fromPostgres = exportAll(postgres);
        importAll(rocks, fromPostgres);
        assertEquals(sorted(fromPostgres), sorted(exportAll(rocks)));
        sameListings(postgres, rocks);
        assertTrue(rocks.history().dedup(ALICE, "cid").isEmpty(), "dedup entries are not moved");
    }

    @Test
    void bothStoresListHistoryAndNotificationsAmongTheirTransfers() {
        for (Store store : List.of(rocks, postgres)) {
            assertTrue(store.transfers().contains((StoreTransfer) store.history()), store.getClass().getSimpleName());
            assertTrue(store.transfers().contains((StoreTransfer) store.notifications()), store.getClass().getSimpleName());
        }
    }

    @Test
    void recordsOfAnotherKindAreRefusedAndNothingIsImported() throws Exception {
        DumpRecord message = DumpRecord.newBuilder().setChannelMessage(message(LOBBY, T0, ALICE, "{}")).build();
        DumpRecord account = DumpRecord.newBuilder().setAccount(StoredAccount.getDefaultInstance()).build();
        for (Store store : List.of(rocks, postgres)) {
            StoreTransfer history = (StoreTransfer) store.history();
            StoreTransfer notifications = (StoreTransfer) store.notifications();
            assertTrue(history.accepts(message));
            assertTrue(!history.accepts(account) && !notifications.accepts(message));
            assertThrows(IllegalArgumentException.class, () -> history.importRecords(List.of(message, account)));
            assertThrows(IllegalArgumentException.class, () -> notifications.importRecords(List.of(message)));
            assertTrue(store.history().list(LOBBY, 10, true, null).messages().isEmpty(), "all or nothing");
        }
    }

    /** Messages in three channels (one edited, one removed, one with a client message id) and notifications. */
    private static void fill(Store store) {
        StoreWriter writer = store.writer();
        List<StoredChannelMessage> lobby = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StoredChannelMessage m = message(LOBBY, T0 + i, i % 2 == 0 ? ALICE : BOB, "{\"i\":" + i + "}");
            assertInstanceOf(WriteResult.Ok.class, append(writer, m));
            lobby.add(m);
        }
        StoredChannelMessage first = lobby.get(0);
        assertInstanceOf(WriteResult.Ok.class, write(writer,
                done -> new WriteOp.Update(LOBBY, first.getMessageId(), ALICE, "{\"edited\":true}", T0 + 50, done)));
        assertInstanceOf(WriteResult.Ok.class, write(writer,
                done -> new WriteOp.Remove(LOBBY, lobby.get(1).getMessageId(), BOB, done)));
        StoredChannelMessage withCid = message("2...elsewhere", T0, ALICE, "{}").toBuilder().setClientMessageId("cid").build();
        assertInstanceOf(WriteResult.Ok.class, append(writer, withCid));
        append(writer, message("2...elsewhere", T0, BOB, "{\"same\":\"time\"}"));
        StoredChannelMessage dm = message(DM, T0 + 7, ALICE, "{\"dm\":1}").toBuilder()
                .setRoomName("").setUserIdOne(ALICE).setUserIdTwo(BOB).setCode(0).setUsername("älice ✓").build();
        append(writer, dm);
        append(writer, message(DM, T0 + 8, BOB, "{\"dm\":2}"));
        StoredNotification n1 = NotificationStoreTest.notification(BOB, T0, "one");
        StoredNotification n2 = NotificationStoreTest.notification(BOB, T0 + 1, "two").toBuilder()
                .setSenderId(ALICE).setCode(-2).setContent("{\"a\": [1, 2.50]}").build();
        StoredNotification n3 = NotificationStoreTest.notification(ALICE, T0 + 2, "three");
        store.notifications().save(List.of(n1, n2, n3));
        StoredNotification n4 = NotificationStoreTest.notification(ALICE, T0 + 3, "four");
        writer.offer(new NotificationWrite(List.of(n4), f -> { }));
        // the writer's round with n4 is done once this later op's callback ran
        append(writer, message(DM, T0 + 9, BOB, "{\"dm\":3}"));
    }

    private static List<DumpRecord> exportAll(Store store) {
        List<DumpRecord> out = new ArrayList<>();
        ((StoreTransfer) store.history()).exportTo(out::add);
        ((StoreTransfer) store.notifications()).exportTo(out::add);
        return out;
    }

    private static void importAll(Store store, List<DumpRecord> records) {
        StoreTransfer history = (StoreTransfer) store.history();
        StoreTransfer notifications = (StoreTransfer) store.notifications();
        history.importRecords(records.stream().filter(history::accepts).toList());
        notifications.importRecords(records.stream().filter(notifications::accepts).toList());
    }

    /** Key order differs between the stores (RocksDB prefixes channel ids with their length): compare as sets. */
    private static List<DumpRecord> sorted(List<DumpRecord> records) {
        return records.stream().sorted(Comparator.comparing(DumpRecord::toString)).toList();
    }

    private static void sameListings(Store a, Store b) throws Exception {
        for (String channel : List.of(LOBBY, "2...elsewhere", DM)) {
            for (boolean forward : List.of(true, false)) {
                assertEquals(listAll(a.history(), channel, 2, forward), listAll(b.history(), channel, 2, forward),
                        channel + (forward ? " forward" : " backward"));
            }
        }
        for (String user : List.of(ALICE, BOB)) {
            assertEquals(a.notifications().list(user, 100, null), b.notifications().list(user, 100, null),
                    "the same page and the same cursor (one cursor key)");
        }
    }
}
