package io.gantry.persistence;

import io.gantry.proto.storage.StoredAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Gantry nodes on one PostgreSQL database (two {@link PostgresStore}s, each with its own pool):
 * the database, not a JVM lock, decides who creates an account, who gets a username, and the
 * order of wallet updates; a revocation made on one node reaches the other.
 */
class PostgresConcurrentAccountsTest {

    private static final int THREADS = 8;

    private PostgresStore nodeA;
    private PostgresStore nodeB;
    private ExecutorService pool;

    @BeforeEach
    void openTwoNodes() {
        String url = PostgresTestServer.shared().freshDatabase();
        nodeA = PostgresStore.open(new PostgresSettings(url, "postgres", "", 8, 5_000), new StoreOptions(false, 4), Clock.systemUTC());
        nodeB = PostgresStore.open(new PostgresSettings(url, "postgres", "", 8, 5_000), new StoreOptions(false, 4), Clock.systemUTC());
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        nodeB.close();
        nodeA.close();
    }

    /** The store of thread {@code t}: even threads on node A, odd on node B. */
    private AccountStore node(int t) {
        return (t % 2 == 0 ? nodeA : nodeB).accounts();
    }

    /** Runs {@code THREADS} calls released at once and returns their results in thread order. */
    private <T> List<T> race(java.util.function.IntFunction<Callable<T>> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Callable<T> c = call.apply(t);
            futures.add(pool.submit(() -> {
                start.await();
                return c.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    private long count(String sql) {
        return nodeA.db().read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Test
    void theSameDeviceFromTwoNodesMakesOneAccount() throws Exception {
        for (int round = 0; round < 20; round++) {
            String deviceId = "device-race-" + round;
            List<CreateResult> results = race(t -> () -> node(t).createWithDevice(deviceId, null));
            String id = results.get(0).account().getId();
            int created = 0;
            for (CreateResult r : results) {
                created += r.created() ? 1 : 0;
                assertEquals(id, r.account().getId(), "every caller on either node sees the same account");
            }
            assertEquals(1, created, "exactly one caller created it");
            assertEquals(id, nodeB.accounts().byDeviceId(deviceId).orElseThrow().getId());
        }
        assertEquals(20, count("SELECT count(*) FROM accounts"), "one account per device, no orphans");
        assertEquals(20, count("SELECT count(*) FROM account_devices"));
    }

    @Test
    void theSameCustomIdAndEmailFromTwoNodesMakeOneAccountEach() throws Exception {
        List<CreateResult> custom = race(t -> () -> node(t).createWithCustom("custom-race", "name-" + t));
        List<CreateResult> email = race(t -> () -> node(t).createWithEmail("Race@Example.com", "password-" + t, null));
        for (List<CreateResult> results : List.of(custom, email)) {
            assertEquals(1, results.stream().filter(CreateResult::created).count());
            assertEquals(1, results.stream().map(r -> r.account().getId()).distinct().count());
        }
        StoredAccount winner = custom.stream().filter(CreateResult::created).findFirst().orElseThrow().account();
        assertEquals(1, count("SELECT count(*) FROM accounts WHERE username LIKE 'name-%'"),
                "the losers' usernames were not written: " + winner.getUsername());
        assertEquals(2, count("SELECT count(*) FROM accounts"));
    }

    @Test
    void theSameUsernameFromTwoNodesHasOneWinner() throws Exception {
        List<Boolean> results = race(t -> () -> {
            try {
                return node(t).createWithDevice("device-user-" + t, "popular").created();
            } catch (UsernameTakenException e) {
                return false;
            }
        });
        assertEquals(1, results.stream().filter(b -> b).count());
        String owner = nodeA.accounts().byUsername("popular").orElseThrow().getDeviceIds(0);
        for (int t = 0; t < THREADS; t++) {
            String deviceId = "device-user-" + t;
            assertEquals(deviceId.equals(owner), nodeB.accounts().byDeviceId(deviceId).isPresent(), deviceId);
        }
        assertEquals(1, count("SELECT count(*) FROM account_devices"), "the losers' devices were rolled back");
    }

    @Test
    void walletUpdatesFromTwoNodesNeitherLoseNorOverdraw() throws Exception {
        String id = nodeA.accounts().createWithDevice("device-wallet-1", null).account().getId();
        race(t -> () -> {
            for (int i = 0; i < 25; i++) {
                node(t).updateWallet(id, Map.of("gold", 1L), "{}", true);
            }
            return null;
        });
        assertEquals(Map.of("gold", 200L), RocksAccountStore.parseWallet(nodeB.accounts().byId(id).orElseThrow().getWallet()),
                "no update lost");
        assertEquals(200, count("SELECT count(*) FROM wallet_ledger"));

        // 200 gold, 8 threads each taking 30 a few times: exactly 6 takes succeed, whoever makes them.
        List<Integer> taken = race(t -> () -> {
            int ok = 0;
            for (int i = 0; i < 3; i++) {
                AccountStore.WalletChange c = node(t).updateWallet(id, Map.of("gold", -30L), "{}", false);
                if (c.status() == AccountStore.WalletStatus.UPDATED) {
                    ok++;
                } else {
                    assertEquals(AccountStore.WalletStatus.NEGATIVE, c.status());
                }
            }
            return ok;
        });
        assertEquals(6, taken.stream().mapToInt(Integer::intValue).sum());
        assertEquals(Map.of("gold", 20L), RocksAccountStore.parseWallet(nodeA.accounts().byId(id).orElseThrow().getWallet()));
    }

    @Test
    void aRevocationOnOneNodeReachesTheOtherAtItsNextPurge() {
        String user = nodeA.accounts().createWithDevice("device-revoke-1", null).account().getId();
        long expires = Clock.systemUTC().instant().getEpochSecond() + 3600;
        long issued = System.currentTimeMillis();
        nodeA.accounts().revokeToken("token-on-a", expires);
        nodeA.accounts().revokeAllTokens(user, issued, expires);
        assertTrue(nodeA.accounts().isTokenRevoked("token-on-a"));

        nodeB.accounts().purgeExpiredRevocations();
        assertTrue(nodeB.accounts().isTokenRevoked("token-on-a"));
        assertTrue(nodeB.accounts().isTokenRevoked("other-token", user, issued));
        assertFalse(nodeB.accounts().isTokenRevoked("other-token", user, issued + 1));
        assertFalse(nodeB.accounts().isTokenRevoked("token-never"));
    }
}
