package io.gantry.server.cluster;

import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.ChannelMessageSend;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.PartyCreate;
import com.heroiclabs.nakama.rtapi.PartyJoin;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis goes away under a two-node cluster and comes back (docs/CLUSTER.md, "A node loses
 * Redis"): each node keeps serving its own users, a request that needs the other node is told
 * the cluster is unavailable, and once Redis is back the directories are whole again, presences
 * made during the outage included, and messages cross again. No restart of either node.
 */
class ClusterRedisLossTest {

    private RedisTestServer redis;
    private TestServer node1;
    private TestServer node2;

    @BeforeEach
    void start() throws Exception {
        redis = RedisTestServer.start();
        node1 = node("node1");
        node2 = node("node2");
        await(() -> node1.server().cluster().otherNodes().contains("node2")
                && node2.server().cluster().otherNodes().contains("node1"), "the nodes to see each other");
    }

    private TestServer node(String name) throws InterruptedException {
        return TestServer.start(config -> config.with(ConfigKeys.NAME, name)
                .with(ConfigKeys.CLUSTER_REDIS, redis.address())
                .with(ConfigKeys.CLUSTER_NODE_TTL_MS, 900L));
    }

    @AfterEach
    void stop() throws Exception {
        if (node1 != null) {
            node1.close();
        }
        if (node2 != null) {
            node2.close();
        }
        redis.close();
    }

    @Test
    void eachNodeServesItsOwnWhileRedisIsAwayAndTheClusterIsWholeAgainAfter() throws Exception {
        String room = "loss-" + UUID.randomUUID();
        try (SocketClient a = node1.connect(node1.newUser());
             SocketClient b = node2.connect(node2.newUser());
             SocketClient c = node1.connect(node1.newUser())) {
            String channel = join(a, room).getChannel().getId();
            Envelope bJoined = join(b, room);
            assertEquals(Set.of(userOf(a, node1)), users(bJoined), "node2 lists node1's member");
            Envelope party = b.request(Envelope.newBuilder().setPartyCreate(PartyCreate.newBuilder().setOpen(true).setMaxSize(4)));
            String partyId = party.getParty().getPartyId();

            redis.kill();
            await(() -> !node1.server().cluster().connected() && !node2.server().cluster().connected(),
                    "both nodes to notice Redis is gone");

            // node1 serves its own users: c joins the room and chats with a
            join(c, room);
            Envelope ack = c.request(Envelope.newBuilder().setChannelMessageSend(ChannelMessageSend.newBuilder()
                    .setChannelId(channel).setContent("{\"during\":\"outage\"}")));
            assertTrue(ack.hasChannelMessageAck(), "a local send is acknowledged: " + ack);
            a.awaitEnvelope(e -> e.hasChannelMessage() && e.getChannelMessage().getContent().contains("outage"),
                    "c's message on the same node");

            // what needs node2 is refused with a reason the client may retry on
            Envelope refused = a.request(Envelope.newBuilder().setPartyJoin(PartyJoin.newBuilder().setPartyId(partyId)));
            assertEquals(Error.Code.RUNTIME_EXCEPTION_VALUE, refused.getError().getCode(), refused.toString());
            assertEquals("Cluster unavailable; retry later.", refused.getError().getMessage());

            redis.restart();
            await(() -> node1.server().cluster().connected() && node2.server().cluster().connected()
                    && node1.server().cluster().otherNodes().contains("node2")
                    && node2.server().cluster().otherNodes().contains("node1"), "the cluster to reform");

            // node2's directory holds what node1 did during the outage: a newcomer there lists c
            String cUser = userOf(c, node1);
            await(() -> {
                try (SocketClient d = node2.connect(node2.newUser())) {
                    return users(join(d, room)).contains(cUser);
                }
            }, "node2 to list the member who joined node1 during the outage");

            // and messages cross again
            c.request(Envelope.newBuilder().setChannelMessageSend(ChannelMessageSend.newBuilder()
                    .setChannelId(channel).setContent("{\"after\":\"outage\"}")));
            b.awaitEnvelope(e -> e.hasChannelMessage() && e.getChannelMessage().getContent().contains("\"after\""),
                    "c's message on node2 after Redis returned");
            Envelope joinedParty = a.request(Envelope.newBuilder().setPartyJoin(PartyJoin.newBuilder().setPartyId(partyId)));
            assertTrue(!joinedParty.hasError(), "the party of node2 is reachable again: " + joinedParty);
        }
    }

    private static Envelope join(SocketClient socket, String room) {
        Envelope reply = socket.request(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder()
                .setTarget(room).setType(1)));
        assertTrue(reply.hasChannel(), "joined: " + reply);
        return reply;
    }

    private static Set<String> users(Envelope joined) {
        return joined.getChannel().getPresencesList().stream().map(UserPresence::getUserId).collect(Collectors.toSet());
    }

    private static String userOf(SocketClient socket, TestServer server) {
        Envelope joined = socket.request(Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder()
                .setTarget("self-" + UUID.randomUUID()).setType(1)));
        return joined.getChannel().getSelf().getUserId();
    }

    /** Polls a condition the cluster reaches by itself (heartbeats, reconnects), for at most 15 s. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
