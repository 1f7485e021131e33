package io.gantry.server;

import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fifty users connect at once; each gets its own pong for its own cid, and nothing else. */
@SocketScenario
class ManySessionsTest {

    private static final int USERS = 50;

    @Test
    void fiftyUsersEachGetTheirOwnPong() throws Exception {
        try (TestServer server = TestServer.start(config -> config.with(ConfigKeys.PERSISTENCE_SYNC_WRITES, false))) {
            List<TestUser> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                users.add(server.newUser());
            }
            ExecutorService pool = Executors.newFixedThreadPool(USERS);
            List<SocketClient> sockets = new ArrayList<>();
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<SocketClient>> connecting = new ArrayList<>();
                for (TestUser user : users) {
                    connecting.add(CompletableFuture.supplyAsync(() -> {
                        await(go);
                        return server.connect(user);
                    }, pool));
                }
                go.countDown();
                for (CompletableFuture<SocketClient> future : connecting) {
                    sockets.add(future.get(20, TimeUnit.SECONDS));
                }
                CountDownLatch send = new CountDownLatch(1);
                List<CompletableFuture<Void>> sending = new ArrayList<>();
                for (int i = 0; i < USERS; i++) {
                    SocketClient socket = sockets.get(i);
                    String cid = "user-" + i;
                    sending.add(CompletableFuture.runAsync(() -> {
                        await(send);
                        socket.sendText("{\"cid\":\"" + cid + "\",\"ping\":{}}");
                    }, pool));
                }
                send.countDown();
                for (CompletableFuture<Void> future : sending) {
                    future.get(10, TimeUnit.SECONDS);
                }
                for (int i = 0; i < USERS; i++) {
                    assertEquals("{\"cid\":\"user-" + i + "\",\"pong\":{}}", sockets.get(i).next().json().toString());
                }
                // every pong went through the router after its session's connect: all are registered
                // (a WebSocket client may see its upgrade's answer a moment before the server registers it)
                assertEquals(USERS, server.server().sessions().size());
                for (SocketClient socket : sockets) {
                    socket.assertNothingElse();
                }
            } finally {
                sockets.forEach(SocketClient::close);
                pool.shutdownNow();
            }
            Rest.awaitSessions(server, 0);
        }
    }

    @Test
    void oneUserWithSeveralSocketsGetsEachReplyOnItsOwnSocket() throws InterruptedException {
        try (TestServer server = TestServer.start()) {
            TestUser user = server.newUser();
            try (SocketClient a = server.connect(user); SocketClient b = server.connect(user); SocketClient c = server.connect(user, "protobuf")) {
                b.sendText("{\"cid\":\"b\",\"ping\":{}}");
                a.sendText("{\"cid\":\"a\",\"ping\":{}}");
                c.sendProtobuf(com.heroiclabs.nakama.rtapi.Envelope.newBuilder().setCid("c")
                        .setPing(com.heroiclabs.nakama.rtapi.Ping.getDefaultInstance()).build());
                assertEquals("{\"cid\":\"a\",\"pong\":{}}", a.next().json().toString());
                assertEquals("{\"cid\":\"b\",\"pong\":{}}", b.next().json().toString());
                assertEquals("c", c.nextEnvelope().getCid());
                a.assertNothingElse();
                b.assertNothingElse();
                c.assertNothingElse();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
