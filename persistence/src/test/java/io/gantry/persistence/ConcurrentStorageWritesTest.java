package io.gantry.persistence;

import io.gantry.persistence.StorageStore.Delete;
import io.gantry.persistence.StorageStore.ObjectKey;
import io.gantry.persistence.StorageStore.Write;
import io.gantry.proto.storage.StoredStorageObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many threads write and delete the same few objects with the versions they read (and each its
 * own object in the same calls), on a store that syncs its writes in groups. Whatever the
 * interleaving, the acknowledged calls must be a serial history: per object, every acknowledged
 * versioned call names the version an earlier acknowledged call made, no version is the
 * precondition of two acknowledged calls, every acknowledged call is on one chain from a create
 * ("*") to a delete or to what is stored at the end, and a rejected call changed nothing of the
 * call (the thread's own object is untouched). {@link PostgresConcurrentStorageWritesTest} runs the
 * same calls on two PostgreSQL stores sharing one database.
 */
class ConcurrentStorageWritesTest {

    private static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    static final int THREADS = 8;
    private static final int CALLS = 150;
    private static final int HOT_KEYS = 3;

    @TempDir
    Path dataDir;

    /** An acknowledged call on a hot object: from version (null: absent) to version (null: deleted). */
    record Step(String key, String from, String to) {
    }

    @Test
    void acknowledgedCallsFormOneSerialHistoryPerObject() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
        ConcurrentLinkedQueue<Step> steps = new ConcurrentLinkedQueue<>();
        Map<String, String> ownValues = new HashMap<>();
        try (RocksStore store = RocksStore.open(dataDir, new StoreOptions(true, 4), clock)) {
            StorageStore storage = store.storage();
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<String>> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    threads.add(pool.submit(() -> {
                        start.await();
                        return run(storage, thread, steps);
                    }));
                }
                for (int t = 0; t < THREADS; t++) {
                    ownValues.put("own" + t, threads.get(t).get(120, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            checkHistory(storage, steps);
            for (Map.Entry<String, String> own : ownValues.entrySet()) {
                StoredStorageObject stored = read(storage, own.getKey(), BOB);
                assertEquals(own.getValue(), stored == null ? null : stored.getValue(), own.getKey());
            }
        }
        try (RocksStore store = RocksStore.open(dataDir, new StoreOptions(true, 4), clock)) {
            checkHistory(store.storage(), steps);
        }
    }

    /** One thread's calls; returns the value of its own object after its last acknowledged write. */
    static String run(StorageStore storage, int thread, ConcurrentLinkedQueue<Step> steps) throws Exception {
        Random random = new Random(thread);
        String own = "own" + thread;
        String ownValue = null;
        for (int i = 0; i < CALLS; i++) {
            String key = "hot" + random.nextInt(HOT_KEYS);
            StoredStorageObject current = read(storage, key, ALICE);
            String from = current == null ? null : current.getVersion();
            if (from != null && random.nextInt(5) == 0) {
                try {
                    storage.delete(List.of(new Delete("c", key, ALICE, from)), false);
                    steps.add(new Step(key, from, null));
                } catch (StorageRejectedException e) {
                    // Another thread changed it since we read it.
                }
                continue;
            }
            String value = "{\"thread\":" + thread + ",\"call\":" + i + "}";
            try {
                List<StoredStorageObject> acks = storage.write(List.of(
                        new Write("c", key, ALICE, value, from == null ? "*" : from, 1, 1),
                        new Write("c", own, BOB, value, "", 1, 1)), false);
                assertEquals(RocksStorageStore.md5Hex(value), acks.get(0).getVersion());
                steps.add(new Step(key, from, acks.get(0).getVersion()));
                ownValue = value;
            } catch (StorageRejectedException e) {
                StoredStorageObject mine = read(storage, own, BOB);
                assertEquals(ownValue, mine == null ? null : mine.getValue(),
                        "a rejected call wrote part of itself");
            }
        }
        return ownValue;
    }

    static void checkHistory(StorageStore storage, ConcurrentLinkedQueue<Step> steps) {
        int acknowledged = 0;
        for (int k = 0; k < HOT_KEYS; k++) {
            String key = "hot" + k;
            List<Step> creates = new ArrayList<>();
            Map<String, Step> byFrom = new HashMap<>();
            int ofKey = 0;
            for (Step s : steps) {
                if (!s.key().equals(key)) {
                    continue;
                }
                ofKey++;
                if (s.from() == null) {
                    creates.add(s);
                } else if (byFrom.put(s.from(), s) != null) {
                    fail(key + ": two acknowledged calls were checked against version " + s.from());
                }
            }
            int reached = 0;
            String live = null;
            for (Step create : creates) {
                reached++;
                String version = create.to();
                Step next;
                while (version != null && (next = byFrom.get(version)) != null) {
                    reached++;
                    version = next.to();
                }
                if (version != null) {
                    assertNull(live, key + ": two chains end with a live object");
                    live = version;
                }
            }
            assertEquals(ofKey, reached, key + ": an acknowledged call names a version no acknowledged call made");
            StoredStorageObject stored = read(storage, key, ALICE);
            assertEquals(live, stored == null ? null : stored.getVersion(), key + ": the stored object ends the history");
            acknowledged += ofKey;
        }
        assertTrue(acknowledged > THREADS * CALLS / 10, "too few calls acknowledged to mean anything: " + acknowledged);
    }

    static StoredStorageObject read(StorageStore storage, String key, String owner) {
        List<StoredStorageObject> found = storage.read(List.of(new ObjectKey("c", key, owner)));
        return found.isEmpty() ? null : found.get(0);
    }
}
