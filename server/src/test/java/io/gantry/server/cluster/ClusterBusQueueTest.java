package io.gantry.server.cluster;

import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.gantry.server.cluster.ClusterRedisLossTest.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bus queue's full state (docs/CLUSTER.md, "The bus queue is full"): node1's queue holds two
 * messages, and Redis is paused (CLIENT PAUSE) while node1's user joins twenty rooms, so the
 * node's single publisher waits on Redis and the joins it cannot queue are dropped and counted.
 * Nothing waits: every join is answered at once. When Redis resumes, node1 publishes a snapshot
 * of its presences and node2 lists the user in every one of the twenty rooms.
 */
class ClusterBusQueueTest {

    private static final int ROOMS = 20;

    private RedisTestServer redis;
    private TestServer node1;
    private TestServer node2;

    @BeforeEach
    void start() throws Exception {
        redis = RedisTestServer.start();
        node1 = TestServer.start(config -> config.with(ConfigKeys.NAME, "node1")
                .with(ConfigKeys.CLUSTER_REDIS, redis.address())
                .with(ConfigKeys.CLUSTER_BUS_QUEUE_SIZE, 2));
        node2 = TestServer.start(config -> config.with(ConfigKeys.NAME, "node2")
                .with(ConfigKeys.CLUSTER_REDIS, redis.address()));
        await(() -> node2.server().cluster().otherNodes().contains("node1"), "node2 to see node1");
    }

    @AfterEach
    void stop() throws Exception {
        node1.close();
        node2.close();
        redis.close();
    }

    @Test
    void aFullBusQueueDropsCountsAndTheSnapshotAfterRepairsTheOtherNodesDirectory() throws Exception {
        String prefix = "bus-" + UUID.randomUUID() + "-";
        try (SocketClient a = node1.connect(node1.newUser())) {
            String userA = join(a, prefix + "self").getChannel().getSelf().getUserId();
            long droppedBefore = node1.server().cluster().busDropped();
            String paused = redis.command("CLIENT", "PAUSE", "2000", "ALL");
            assertTrue(paused.startsWith("+OK"), "Redis paused: " + paused);
            for (int i = 0; i < ROOMS; i++) {
                join(a, prefix + i); // answered by node1 at once, Redis or not
            }
            long dropped = node1.server().cluster().busDropped() - droppedBefore;
            assertTrue(dropped >= ROOMS - 4, "the joins the full queue could not take were dropped and counted: " + dropped);

            // once Redis resumes, node1's snapshot gives node2 every room's member
            try (SocketClient b = node2.connect(node2.newUser())) {
                List<String> missing = new ArrayList<>();
                await(() -> {
                    missing.clear();
                    for (int i = 0; i < ROOMS; i++) {
                        Envelope joined = join(b, prefix + i);
                        if (joined.getChannel().getPresencesList().stream().map(UserPresence::getUserId)
                                .noneMatch(userA::equals)) {
                            missing.add(prefix + i);
                        }
                    }
                    return missing.isEmpty();
                }, "node2 to list node1's user in all " + ROOMS + " rooms");
            }
        }
    }

    private static Envelope join(SocketClient socket, String room) {
        Envelope reply = socket.request(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder()
                .setTarget(room).setType(1)));
        assertTrue(reply.hasChannel(), "joined: " + reply);
        return reply;
    }
}
