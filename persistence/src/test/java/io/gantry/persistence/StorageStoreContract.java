package io.gantry.persistence;

import io.gantry.persistence.StorageRejectedException.Reason;
import io.gantry.persistence.StorageStore.Delete;
import io.gantry.persistence.StorageStore.ObjectKey;
import io.gantry.persistence.StorageStore.Page;
import io.gantry.persistence.StorageStore.Write;
import io.gantry.proto.storage.StoredStorageObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link StorageStore} must do: Nakama's write, delete and listing rules. One subclass
 * per implementation ({@link RocksStorageStoreContractTest}) opens a fresh, empty store on the
 * test's {@link #clock}, and can reopen it.
 */
abstract class StorageStoreContract {

    static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    static final String CAROL = "ffffffff-0000-4000-8000-0000000ca401";
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
    static final long T0_US = 1_767_323_045_123_456L;

    protected final MutableClock clock = new MutableClock(T0);
    protected StorageStore storage;

    /** A fresh, empty store on {@link #clock}. */
    protected abstract StorageStore open();

    /** Closes the store and opens it again on the same data. */
    protected abstract StorageStore reopen();

    protected abstract void close();

    @BeforeEach
    void openStore() {
        storage = open();
    }

    @AfterEach
    void closeStore() {
        close();
    }

    static Write write(String owner, String collection, String key, String value, String version, int read, int write) {
        return new Write(collection, key, owner, value, version, read, write);
    }

    static Write write(String owner, String key, String value) {
        return write(owner, "c", key, value, "", 1, 1);
    }

    StoredStorageObject get(String owner, String collection, String key) {
        List<StoredStorageObject> found = storage.read(List.of(new ObjectKey(collection, key, owner)));
        return found.isEmpty() ? null : found.get(0);
    }

    List<String> keys(Page page) {
        List<String> keys = new ArrayList<>();
        for (StoredStorageObject o : page.objects()) {
            keys.add(o.getKey() + "/" + o.getUserId().charAt(0) + o.getPermissionRead());
        }
        return keys;
    }

    // ---- writes ----

    @Test
    void writeInsertsWithMd5VersionAndMicrosecondTimesAndKeepsTheValueAsWritten() throws Exception {
        List<StoredStorageObject> acks = storage.write(List.of(write(ALICE, "k1", "{\"b\":1,\"a\":2}")), false);
        StoredStorageObject ack = acks.get(0);
        assertEquals("4d6cdf2743e326e6233749adcc15d0d2", ack.getVersion());
        assertEquals(T0_US, ack.getCreateTimeUs());
        assertEquals(T0_US, ack.getUpdateTimeUs());
        StoredStorageObject read = get(ALICE, "c", "k1");
        assertEquals("{\"b\":1,\"a\":2}", read.getValue());
        assertEquals(ack, read);
    }

    @Test
    void acksComeInTheGivenOrderAndTheSameKeyTwiceWritesTheLastValue() throws Exception {
        List<StoredStorageObject> acks = storage.write(List.of(
                write(ALICE, "z", "{}"), write(ALICE, "a", "{}"),
                write(ALICE, "dup", "{\"n\":1}"), write(ALICE, "dup", "{\"n\":2}")), false);
        assertEquals(List.of("z", "a", "dup", "dup"), acks.stream().map(StoredStorageObject::getKey).toList());
        assertEquals("{\"n\":2}", get(ALICE, "c", "dup").getValue());
        assertEquals(RocksStorageStore.md5Hex("{\"n\":2}"), acks.get(3).getVersion());
    }

    @Test
    void rewritingWhatIsStoredChangesNothingNotEvenTheUpdateTime() throws Exception {
        storage.write(List.of(write(ALICE, "k", "{\"s\":1}")), false);
        clock.advance(Duration.ofSeconds(5));
        StoredStorageObject again = storage.write(List.of(write(ALICE, "k", "{\"s\":1}")), false).get(0);
        assertEquals(T0_US, again.getUpdateTimeUs());
        StoredStorageObject perms = storage.write(List.of(write(ALICE, "c", "k", "{\"s\":1}", "", 2, 1)), false).get(0);
        assertEquals(T0_US, perms.getCreateTimeUs());
        assertEquals(T0_US + 5_000_000, perms.getUpdateTimeUs());
        assertEquals(2, get(ALICE, "c", "k").getPermissionRead());
    }

    @Test
    void aMatchingVersionUpdatesAndAnOtherOneIsRejected() throws Exception {
        String v1 = storage.write(List.of(write(ALICE, "k", "{\"v\":1}")), false).get(0).getVersion();
        clock.advance(Duration.ofSeconds(1));
        StoredStorageObject v2 = storage.write(List.of(write(ALICE, "c", "k", "{\"v\":2}", v1, 1, 1)), false).get(0);
        assertEquals(T0_US, v2.getCreateTimeUs());
        assertEquals(T0_US + 1_000_000, v2.getUpdateTimeUs());
        StorageRejectedException e = assertThrows(StorageRejectedException.class,
                () -> storage.write(List.of(write(ALICE, "c", "k", "{\"v\":3}", v1, 1, 1)), false));
        assertEquals(Reason.VERSION, e.reason());
        assertEquals("Storage write rejected - version check failed.", e.getMessage());
        assertEquals("{\"v\":2}", get(ALICE, "c", "k").getValue());
    }

    @Test
    void aVersionForAMissingObjectIsRejected() {
        StorageRejectedException e = assertThrows(StorageRejectedException.class,
                () -> storage.write(List.of(write(ALICE, "c", "new", "{}", "99914b932bd37a50b983c5e7c90ae93b", 1, 1)), false));
        assertEquals(Reason.VERSION, e.reason());
        assertEquals(null, get(ALICE, "c", "new"));
    }

    @Test
    void starWritesOnlyWhatIsAbsent() throws Exception {
        storage.write(List.of(write(ALICE, "c", "k", "{}", "*", 1, 1)), false);
        assertEquals("{}", get(ALICE, "c", "k").getValue());
        StorageRejectedException e = assertThrows(StorageRejectedException.class,
                () -> storage.write(List.of(write(ALICE, "c", "k", "{\"x\":1}", "*", 1, 1)), true));
        assertEquals(Reason.VERSION, e.reason());
        assertEquals("{}", get(ALICE, "c", "k").getValue());
    }

    @Test
    void clientsCannotChangeAWriteZeroObjectButServerCodeCan() throws Exception {
        storage.write(List.of(write(ALICE, "c", "k", "{}", "", 1, 0)), false);
        StorageRejectedException e = assertThrows(StorageRejectedException.class,
                () -> storage.write(List.of(write(ALICE, "k", "{\"again\":1}")), false));
        assertEquals(Reason.PERMISSION, e.reason());
        assertEquals("Storage write rejected - permission denied.", e.getMessage());
        String version = get(ALICE, "c", "k").getVersion();
        StorageRejectedException withVersion = assertThrows(StorageRejectedException.class,
                () -> storage.write(List.of(write(ALICE, "c", "k", "{\"again\":1}", version, 1, 1)), false));
        assertEquals(Reason.PERMISSION, withVersion.reason());
        assertEquals("{}", get(ALICE, "c", "k").getValue());

        storage.write(List.of(write(ALICE, "k", "{\"server\":1}")), true);
        assertEquals("{\"server\":1}", get(ALICE, "c", "k").getValue());
        assertEquals(1, get(ALICE, "c", "k").getPermissionWrite());
    }

    @Test
    void aBatchWithOneRejectedObjectWritesNothing() throws Exception {
        storage.write(List.of(write(ALICE, "old", "{\"v\":1}")), false);
        assertThrows(StorageRejectedException.class, () -> storage.write(List.of(
                write(ALICE, "batchA", "{\"a\":1}"),
                write(ALICE, "old", "{\"v\":2}"),
                write(ALICE, "c", "old", "{\"v\":3}", "bad0", 1, 1)), false));
        assertEquals(null, get(ALICE, "c", "batchA"));
        assertEquals("{\"v\":1}", get(ALICE, "c", "old").getValue());
        assertEquals(List.of("old/01"), keys(storage.list("c", ALICE, 0, 100, "")));
    }

    @Test
    void ownersAreSeparate() throws Exception {
        storage.write(List.of(write(ALICE, "k", "{\"a\":1}"), write(BOB, "k", "{\"b\":1}")), false);
        assertEquals("{\"a\":1}", get(ALICE, "c", "k").getValue());
        assertEquals("{\"b\":1}", get(BOB, "c", "k").getValue());
        assertEquals(null, get(StorageStore.SYSTEM_USER_ID, "c", "k"));
    }

    // ---- reads ----

    @Test
    void readReturnsWhatExistsInTheOrderAskedWithRepeats() throws Exception {
        storage.write(List.of(write(ALICE, "a", "{}"), write(ALICE, "b", "{}")), false);
        List<StoredStorageObject> read = storage.read(List.of(new ObjectKey("c", "b", ALICE),
                new ObjectKey("c", "nosuch", ALICE), new ObjectKey("c", "a", ALICE), new ObjectKey("c", "b", ALICE),
                new ObjectKey("other", "a", ALICE)));
        assertEquals(List.of("b", "a", "b"), read.stream().map(StoredStorageObject::getKey).toList());
    }

    // ---- deletes ----

    @Test
    void clientDeletesFollowNakamasRulesAndABatchIsAllOrNothing() throws Exception {
        storage.write(List.of(write(ALICE, "d1", "{}"), write(ALICE, "d2", "{\"x\":1}"),
                write(ALICE, "c", "w0", "{}", "", 1, 0), write(ALICE, "c", "r0", "{}", "", 0, 1)), false);
        for (Delete refused : List.of(new Delete("c", "nosuch", ALICE, ""), new Delete("c", "d1", ALICE, "bad"),
                new Delete("c", "d1", ALICE, "*"), new Delete("c", "w0", ALICE, ""), new Delete("c", "d1", BOB, ""))) {
            StorageRejectedException e = assertThrows(StorageRejectedException.class,
                    () -> storage.delete(List.of(new Delete("c", "d2", ALICE, ""), refused), false), refused.toString());
            assertEquals(Reason.DELETE, e.reason());
            assertEquals("Storage delete rejected - not found, version check failed, or permission denied.", e.getMessage());
        }
        assertEquals(4, storage.list("c", ALICE, 0, 100, "").objects().size());

        storage.delete(List.of(new Delete("c", "d1", ALICE, ""),
                new Delete("c", "d2", ALICE, RocksStorageStore.md5Hex("{\"x\":1}")), new Delete("c", "r0", ALICE, "")), false);
        assertEquals(List.of("w0/01"), keys(storage.list("c", ALICE, 0, 100, "")));
        assertEquals(List.of(), keys(storage.list("c", null, 0, 100, "")).stream().filter(k -> !k.startsWith("w0")).toList());
        assertThrows(StorageRejectedException.class,
                () -> storage.delete(List.of(new Delete("c", "d1", ALICE, "")), false));
    }

    @Test
    void serverCodeDeletesWriteZeroObjectsAndAMissingOneWithoutVersionIsANoOp() throws Exception {
        storage.write(List.of(write(ALICE, "c", "w0", "{}", "", 1, 0)), false);
        storage.delete(List.of(new Delete("c", "nosuch", ALICE, ""), new Delete("c", "w0", ALICE, "")), true);
        assertEquals(null, get(ALICE, "c", "w0"));
        StorageRejectedException e = assertThrows(StorageRejectedException.class,
                () -> storage.delete(List.of(new Delete("c", "nosuch", ALICE, "abc")), true));
        assertEquals(Reason.DELETE, e.reason());
    }

    // ---- listings ----

    /** Alice: b(1) a(2) c(2) A(1) _(1) 10(1) 9(1) z0(0); Bob: a(2) 0(2) b1(1) — the reference's probe. */
    void writeReferenceSet() throws Exception {
        List<Write> writes = new ArrayList<>();
        String[][] alice = {{"b", "1"}, {"a", "2"}, {"c", "2"}, {"A", "1"}, {"_", "1"}, {"10", "1"}, {"9", "1"}, {"z0", "0"}};
        for (String[] o : alice) {
            writes.add(write(ALICE, "col", o[0], "{}", "", Integer.parseInt(o[1]), 1));
        }
        String[][] bob = {{"a", "2"}, {"0", "2"}, {"b1", "1"}};
        for (String[] o : bob) {
            writes.add(write(BOB, "col", o[0], "{}", "", Integer.parseInt(o[1]), 1));
        }
        writes.add(write(ALICE, "col2", "a", "{}", "", 2, 1));
        storage.write(writes, false);
    }

    @ParameterizedTest(name = "owner {0}, min read {1}")
    @CsvSource(delimiter = ';', value = {
            "ALICE; 1; 10/01 9/01 A/01 _/01 b/01 a/02 c/02",
            "BOB;   2; 0/02 a/02",
            "NONE;  2; 0/02 a/02 a/02 c/02",
            "ALICE; 0; z0/00 10/01 9/01 A/01 _/01 b/01 a/02 c/02",
            "NONE;  0; z0/00 10/01 9/01 A/01 _/01 b/01 b1/01 0/02 a/02 a/02 c/02",
    })
    void listingsComeInNakamasOrdersAndPageAcrossCursors(String owner, int minRead, String expected) throws Exception {
        writeReferenceSet();
        String userId = switch (owner) {
            case "ALICE" -> ALICE;
            case "BOB" -> BOB;
            default -> null;
        };
        Page all = storage.list("col", userId, minRead, 100, "");
        assertEquals("", all.cursor());
        assertEquals(List.of(expected.split(" ")), keys(all));
        if (userId == null) {
            List<String> owners = all.objects().stream().map(o -> o.getKey() + o.getUserId()).toList();
            int bobA = owners.indexOf("a" + BOB);
            int aliceA = owners.indexOf("a" + ALICE);
            assertTrue(bobA >= 0 && aliceA == bobA + 1, owners.toString());
        }
        for (int limit = 1; limit <= all.objects().size(); limit++) {
            List<StoredStorageObject> paged = new ArrayList<>();
            String cursor = "";
            int pages = 0;
            do {
                Page page = storage.list("col", userId, minRead, limit, cursor);
                paged.addAll(page.objects());
                cursor = page.cursor();
                pages++;
                assertTrue(page.objects().size() == limit || cursor.isEmpty());
            } while (!cursor.isEmpty());
            assertEquals(all.objects(), paged, "limit " + limit);
            assertEquals((all.objects().size() + limit - 1) / limit, pages, "limit " + limit);
        }
    }

    @Test
    void aPageOfExactlyTheRemainingObjectsHasNoCursor() throws Exception {
        writeReferenceSet();
        Page page = storage.list("col", BOB, 2, 2, "");
        assertEquals(2, page.objects().size());
        assertEquals("", page.cursor());
    }

    @Test
    void forgedAndForeignCursorsAreRefused() throws Exception {
        writeReferenceSet();
        String cursor = storage.list("col", ALICE, 1, 2, "").cursor();
        assertNotEquals("", cursor);
        assertEquals(2, storage.list("col", ALICE, 1, 2, cursor).objects().size());
        for (String forged : List.of("notbase64!!", "AAAA", "undefined", cursor.substring(0, cursor.length() - 2) + "AA",
                "A".repeat(20_000))) {
            assertThrows(InvalidCursorException.class, () -> storage.list("col", ALICE, 1, 2, forged), forged);
        }
        assertThrows(InvalidCursorException.class, () -> storage.list("col", BOB, 1, 2, cursor));
        assertThrows(InvalidCursorException.class, () -> storage.list("col", ALICE, 2, 2, cursor));
        assertThrows(InvalidCursorException.class, () -> storage.list("col", ALICE, 0, 2, cursor));
        assertThrows(InvalidCursorException.class, () -> storage.list("col", null, 1, 2, cursor));
        assertThrows(InvalidCursorException.class, () -> storage.list("col2", ALICE, 1, 2, cursor));
        String publicCursor = storage.list("col", null, 2, 1, "").cursor();
        assertThrows(InvalidCursorException.class, () -> storage.list("col", ALICE, 2, 1, publicCursor));
        assertEquals(1, storage.list("col", null, 2, 1, publicCursor).objects().size());
    }

    @Test
    void indexesFollowPermissionChangesAndDeletes() throws Exception {
        storage.write(List.of(write(ALICE, "col", "k", "{}", "", 2, 1), write(BOB, "col", "k", "{}", "", 2, 1)), false);
        assertEquals(List.of("k/02"), keys(storage.list("col", ALICE, 2, 100, "")));
        storage.write(List.of(write(ALICE, "col", "k", "{}", "", 1, 1)), false);
        assertEquals(List.of(), keys(storage.list("col", ALICE, 2, 100, "")));
        assertEquals(List.of("k/01"), keys(storage.list("col", ALICE, 1, 100, "")));
        assertEquals(List.of("k/0"), storage.list("col", null, 2, 100, "").objects().stream()
                .map(o -> o.getKey() + "/" + (o.getUserId().equals(BOB) ? "0" : "x")).toList());
        assertEquals(2, storage.list("col", null, 0, 100, "").objects().size());
        storage.write(List.of(write(ALICE, "col", "k", "{}", "", 0, 1)), true);
        assertEquals(List.of("k/00"), keys(storage.list("col", ALICE, 0, 100, "")));
        assertEquals(List.of(), keys(storage.list("col", ALICE, 1, 100, "")));
        storage.delete(List.of(new Delete("col", "k", ALICE, ""), new Delete("col", "k", BOB, "")), false);
        assertEquals(List.of(), keys(storage.list("col", null, 0, 100, "")));
        assertEquals(List.of(), keys(storage.list("col", ALICE, 0, 100, "")));
    }

    @Test
    void keysWithNulCharactersAndPrefixesKeepTheirOrder() throws Exception {
        storage.write(List.of(write(ALICE, "col", "ab", "{}", "", 2, 1), write(ALICE, "col", "a\u0000b", "{}", "", 2, 1),
                write(ALICE, "col", "a", "{}", "", 2, 1), write(BOB, "col", "a", "{}", "", 2, 1),
                write(ALICE, "col", "b", "{}", "", 2, 1)), false);
        List<String> keys = storage.list("col", null, 2, 100, "").objects().stream()
                .map(o -> o.getKey() + (o.getUserId().equals(ALICE) ? "@a" : "@b")).toList();
        // Bob's id sorts before Alice's (…0b0b < …a11c): owners order objects of one key.
        assertEquals(List.of("a@b", "a@a", "a\u0000b@a", "ab@a", "b@a"), keys);
    }

    @Test
    void collectionsThatArePrefixesOfEachOtherStayApart() throws Exception {
        storage.write(List.of(write(ALICE, "col", "k", "{}", "", 2, 1), write(ALICE, "col0", "k", "{}", "", 2, 1)), false);
        assertEquals(1, storage.list("col", null, 0, 100, "").objects().size());
        assertEquals(1, storage.list("col", ALICE, 0, 100, "").objects().size());
    }

    @Test
    void objectsAndCursorsSurviveReopening() throws Exception {
        writeReferenceSet();
        String cursor = storage.list("col", ALICE, 1, 3, "").cursor();
        storage = reopen();
        assertEquals("{}", get(ALICE, "col", "b").getValue());
        assertEquals(List.of("_/01", "b/01", "a/02"), keys(storage.list("col", ALICE, 1, 3, cursor)));
        assertEquals(4, storage.list("col", null, 2, 100, "").objects().size());
    }
}
