package io.gantry.persistence;

import io.gantry.persistence.StorageStore.Delete;
import io.gantry.persistence.StorageStore.Write;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredStorageObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage objects and friend edges move between the RocksDB and the PostgreSQL store through
 * {@link StoreTransfer}, either way, exactly as stored: a store filled through its public API,
 * exported, imported into the other kind and exported again gives the same records, and the
 * importing store answers listings (its indexes) as the exporting one does.
 */
class StorageAndFriendTransferTest {

    private static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    private static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    private static final String A = "00000000-0000-4000-8000-00000000000a";
    private static final String B = "00000000-0000-4000-8000-00000000000b";
    private static final String C = "00000000-0000-4000-8000-00000000000c";
    private static final String D = "00000000-0000-4000-8000-00000000000d";
    private static final StoreOptions OPTIONS = new StoreOptions(false, 4)
            .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.123456Z"));
    private RocksStore rocks;
    private PostgresStore postgres;

    @BeforeEach
    void open() {
        rocks = RocksStore.open(dataDir, OPTIONS, clock);
        postgres = PostgresStores.fresh(clock, OPTIONS);
    }

    @AfterEach
    void close() {
        rocks.close();
        postgres.close();
    }

    /** Objects of several owners, collections, permissions and times, keys that sort bytewise, an update and a delete. */
    private void fill(StorageStore storage, FriendStore friends) throws Exception {
        storage.write(List.of(new Write("col", "a", ALICE, "{\"b\":1,\"a\":2}", "", 2, 1),
                new Write("col", "a\u0000b", ALICE, "{}", "", 1, 0), new Write("col", "ab", BOB, "{}", "", 2, 1),
                new Write("col", "\u00e9t\u00e9", BOB, "{\"s\":\"\u00e9\"}", "", 0, 1),
                new Write("col2", "k", StorageStore.SYSTEM_USER_ID, "{}", "", 2, 0),
                new Write("col", "gone", ALICE, "{}", "", 1, 1)), true);
        clock.advance(Duration.ofSeconds(3));
        storage.write(List.of(new Write("col", "a", ALICE, "{\"v\":2}", "", 1, 1)), false);
        storage.delete(List.of(new Delete("col", "gone", ALICE, "")), false);

        friends.add(A, B);
        clock.advance(Duration.ofSeconds(1));
        friends.add(B, A);      // friends, keeping the invite's positions
        friends.add(A, C);      // a invited c
        clock.advance(Duration.ofSeconds(1));
        friends.block(D, A);    // d blocked a
        friends.add(C, D);
    }

    private static List<DumpRecord> export(StorageStore storage, FriendStore friends) {
        List<DumpRecord> out = new ArrayList<>();
        ((StoreTransfer) storage).exportTo(out::add);
        ((StoreTransfer) friends).exportTo(out::add);
        return out;
    }

    private static List<DumpRecord> sorted(List<DumpRecord> records) {
        return records.stream().sorted(Comparator.comparing(DumpRecord::toString)).toList();
    }

    private static void importInto(StorageStore storage, FriendStore friends, List<DumpRecord> records) {
        StoreTransfer s = (StoreTransfer) storage;
        StoreTransfer f = (StoreTransfer) friends;
        s.importRecords(records.stream().filter(s::accepts).toList());
        f.importRecords(records.stream().filter(f::accepts).toList());
    }

    /** What clients see of both stores: every listing of the filled data, and cursors across pages. */
    private static void assertSameAnswers(StorageStore from, FriendStore fromFriends, StorageStore to, FriendStore toFriends)
            throws Exception {
        for (String owner : new String[]{null, ALICE, BOB, StorageStore.SYSTEM_USER_ID}) {
            for (int minRead = 0; minRead <= 2; minRead++) {
                for (String collection : List.of("col", "col2")) {
                    assertEquals(from.list(collection, owner, minRead, 100, "").objects(),
                            to.list(collection, owner, minRead, 100, "").objects(), collection + " " + owner + " " + minRead);
                }
            }
        }
        for (String user : List.of(A, B, C, D)) {
            for (int state = -1; state <= 3; state++) {
                assertEquals(fromFriends.list(user, state, 100, null).edges(), toFriends.list(user, state, 100, null).edges());
            }
            assertEquals(fromFriends.count(user), toFriends.count(user));
        }
        // a friend cursor is the same bytes on both stores (same key): it resumes on the other
        String cursor = fromFriends.list(A, -1, 1, null).cursor();
        assertNotNull(cursor);
        assertEquals(fromFriends.list(A, -1, 100, cursor).edges(), toFriends.list(A, -1, 100, cursor).edges());
    }

    @Test
    void rocksToPostgresAndBackGivesTheSameRecords() throws Exception {
        fill(rocks.storage(), rocks.friends());
        List<DumpRecord> fromRocks = export(rocks.storage(), rocks.friends());
        assertEquals(5 + 7, fromRocks.size(), "five objects; three pairs, an edge each way, and one block");
        importInto(postgres.storage(), postgres.friends(), fromRocks);
        assertEquals(sorted(fromRocks), sorted(export(postgres.storage(), postgres.friends())));
        assertSameAnswers(rocks.storage(), rocks.friends(), postgres.storage(), postgres.friends());
    }

    @Test
    void postgresToRocksGivesTheSameRecords() throws Exception {
        fill(postgres.storage(), postgres.friends());
        List<DumpRecord> fromPostgres = export(postgres.storage(), postgres.friends());
        assertEquals(5 + 7, fromPostgres.size());
        importInto(rocks.storage(), rocks.friends(), fromPostgres);
        assertEquals(sorted(fromPostgres), sorted(export(rocks.storage(), rocks.friends())));
        assertSameAnswers(postgres.storage(), postgres.friends(), rocks.storage(), rocks.friends());
        // the imported store goes on as a store: versions check, positions follow the imported ones
        clock.advance(Duration.ofSeconds(-60));
        rocks.friends().add(B, D);
        FriendStore.Edge invite = rocks.friends().list(B, FriendStore.INVITE_SENT, 1, null).edges().get(0);
        long highest = fromPostgres.stream().filter(DumpRecord::hasFriendEdge)
                .mapToLong(r -> r.getFriendEdge().getPosition()).max().orElseThrow();
        assertTrue(invite.position() > highest, invite + " after " + highest);
        assertThrows(StorageRejectedException.class,
                () -> rocks.storage().write(List.of(new Write("col", "ab", BOB, "{}", "*", 2, 1)), false));
    }

    @Test
    void anImportIsAllOrNothingAndRefusesOtherKinds() throws Exception {
        DumpRecord account = DumpRecord.newBuilder().setAccount(StoredAccount.getDefaultInstance()).build();
        for (StoreTransfer transfer : List.of((StoreTransfer) postgres.storage(), (StoreTransfer) postgres.friends(),
                (StoreTransfer) rocks.storage(), (StoreTransfer) rocks.friends())) {
            assertThrows(IllegalArgumentException.class, () -> transfer.importRecords(List.of(account)));
        }
        postgres.storage().write(List.of(new Write("col", "taken", ALICE, "{}", "", 1, 1)), false);
        List<DumpRecord> records = new ArrayList<>();
        ((StoreTransfer) postgres.storage()).exportTo(records::add);
        DumpRecord fresh = DumpRecord.newBuilder().setStorageObject(StoredStorageObject.newBuilder(records.get(0).getStorageObject())
                .setKey("fresh")).build();
        assertThrows(StoreException.class,
                () -> ((StoreTransfer) postgres.storage()).importRecords(List.of(fresh, records.get(0))));
        assertEquals(List.of("taken"), postgres.storage().list("col", ALICE, 0, 100, "").objects().stream()
                .map(StoredStorageObject::getKey).toList(), "nothing of the failed import is stored");
    }
}
