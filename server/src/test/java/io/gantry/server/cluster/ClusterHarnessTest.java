package io.gantry.server.cluster;

import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster test harness itself: a real Redis answers over RESP and comes back after a kill,
 * and two Gantry processes (stand-alone, each on its own RocksDB) serve REST until one is killed,
 * which then starts again on the same port and data.
 */
class ClusterHarnessTest {

    @Test
    void redisAnswersAndComesBackEmptyOnTheSamePortAfterAKill() throws IOException {
        assertSame(RedisTestServer.shared(), RedisTestServer.shared(), "one shared Redis per JVM");
        assertEquals("+PONG", RedisTestServer.shared().command("PING"));

        try (RedisTestServer redis = RedisTestServer.start()) {
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.address());
            assertEquals("+OK", redis.command("SET", "harness:key", "a value"));
            assertEquals("$7\na value", redis.command("GET", "harness:key"));
            assertEquals(List.of("harness:key"), redis.keys("harness:*"));

            redis.kill();
            assertFalse(redis.isAlive());
            assertThrows(IOException.class, () -> redis.command("PING"));

            redis.restart();
            assertTrue(redis.isAlive());
            assertEquals("+PONG", redis.command("PING"));
            assertEquals(List.of(), redis.keys("*"), "no persistence: a restarted Redis is empty");
        }
    }

    @Test
    void twoNodeProcessesServeRestAndAKilledOneIsGoneUntilStartedAgain() {
        try (ClusterNodes nodes = ClusterNodes.startInParallel(2, List.of())) {
            NodeProcess node1 = nodes.node(1);
            NodeProcess node2 = nodes.node(2);
            assertEquals("node1", node1.name());
            assertNotEquals(node1.port(), node2.port());
            assertNotEquals(node1.dataDir(), node2.dataDir());

            for (NodeProcess node : nodes.nodes()) {
                TestUser user = node.newUser();
                HttpResponse<String> account = node.send(HttpRequest.newBuilder(node.uri("/v2/account"))
                        .header("Authorization", "Bearer " + user.token()).GET());
                assertEquals(200, account.statusCode(), () -> node + ": " + account.body());
                assertTrue(account.body().contains(user.userId()), account::body);
            }
            TestUser beforeKill = node1.authenticateDevice("harness-device");

            nodes.kill(1);
            assertFalse(node1.isAlive(), "node1 after SIGKILL");
            assertFalse(node1.healthy(), "a killed node does not answer");
            assertTrue(node2.isAlive());
            assertTrue(node2.healthy(), () -> "node2 after node1 was killed; its log ends:\n" + node2.logTail(50));

            // started again on its port and data directory: the account made before the kill is there
            node1.start();
            assertEquals(beforeKill.userId(), node1.authenticateDevice("harness-device").userId());
        }
    }
}
