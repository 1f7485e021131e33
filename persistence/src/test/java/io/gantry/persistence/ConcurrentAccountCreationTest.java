package io.gantry.persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrentAccountCreationTest {

    private static final int THREADS = 8;

    @TempDir
    Path dataDir;

    @Test
    void sameDeviceFromEightThreadsMakesOneAccount() throws Exception {
        try (RocksStore store = RocksStore.open(dataDir, new StoreOptions(false, 4))) {
            AccountStore accounts = store.accounts();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                for (int round = 0; round < 20; round++) {
                    String deviceId = "device-race-" + round;
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<CreateResult>> results = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        results.add(pool.submit(() -> {
                            start.await();
                            return accounts.createWithDevice(deviceId, null);
                        }));
                    }
                    start.countDown();

                    int created = 0;
                    String id = null;
                    for (Future<CreateResult> f : results) {
                        CreateResult r = f.get(30, TimeUnit.SECONDS);
                        created += r.created() ? 1 : 0;
                        if (id == null) {
                            id = r.account().getId();
                        }
                        assertEquals(id, r.account().getId(), "every caller sees the same account");
                    }
                    assertEquals(1, created, "exactly one caller created it");
                    assertEquals(id, accounts.byDeviceId(deviceId).orElseThrow().getId());
                }
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }

            int n = 0;
            try (var it = store.db().newIterator(store.handle(StoreColumnFamily.ACCOUNTS))) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    n++;
                }
            }
            assertEquals(20, n, "one account per device, no orphans");
        }
    }

    @Test
    void sameUsernameFromEightThreadsHasOneWinner() throws Exception {
        try (RocksStore store = RocksStore.open(dataDir, new StoreOptions(false, 4))) {
            AccountStore accounts = store.accounts();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    String deviceId = "device-user-" + t;
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            return accounts.createWithDevice(deviceId, "popular").created();
                        } catch (UsernameTakenException e) {
                            return false;
                        }
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> f : results) {
                    winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, winners);
                String owner = accounts.byUsername("popular").orElseThrow().getDeviceIds(0);
                for (int t = 0; t < THREADS; t++) {
                    String deviceId = "device-user-" + t;
                    assertEquals(deviceId.equals(owner), accounts.byDeviceId(deviceId).isPresent(), deviceId);
                }
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }
        }
    }
}
