package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client that pipelines requests is never cut off: each send makes an ack and a broadcast for
 * its sender, far more than the queue's bound for a long pipeline, but flow control stops reading
 * the socket while the session's backlog is high, so the rest wait in TCP and every one is
 * answered on an open socket. The members of a busy room, whose messages a group commit hands out
 * in one burst, are not cut off either. Server defaults (queue 4,096, water marks 128/32), and a
 * queue of 256 to show the pipeline's length no longer depends on the queue's bound. Nothing here
 * waits for quiet: every wait is for a counted message or a ping's pong.
 */
@SocketScenario
class PipelinedSendsTest {

    static TestServer server;
    /** Queue 256, water marks 64/16: a pipeline four times the queue's bound still goes through. */
    static TestServer smallQueue;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
        smallQueue = TestServer.start(config -> config
                .with(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE, 256)
                .with(ConfigKeys.SOCKET_OUTGOING_HIGH_WATER, 64)
                .with(ConfigKeys.SOCKET_OUTGOING_LOW_WATER, 16));
    }

    @AfterAll
    static void stop() {
        server.close();
        smallQueue.close();
    }

    /** Reads until {@code acks} acks and {@code messages} chat messages arrived; returns the acks' cids. */
    static Set<String> collect(Chat chat, int acks, int messages) {
        Set<String> ackCids = new HashSet<>();
        int seen = 0;
        while (ackCids.size() < acks || seen < messages) {
            if (chat.isClosed()) {
                fail(chat.username() + " was closed (code " + chat.awaitClose() + ") after " + ackCids.size()
                        + " of " + acks + " acks and " + seen + " of " + messages + " messages");
            }
            JsonObject frame = chat.next();
            if (frame.has("channel_message_ack")) {
                assertTrue(ackCids.add(frame.get("cid").getAsString()), () -> "a second ack for " + frame);
            } else if (frame.has("channel_message")) {
                seen++;
            } else {
                fail(chat.username() + " got " + frame);
            }
        }
        assertEquals(messages, seen);
        return ackCids;
    }

    /** A ping answered after everything else proves the socket open and nothing else owed. */
    static void pingBarrier(Chat chat) {
        JsonObject pong = chat.request("ping", new JsonObject());
        assertTrue(pong.has("pong"), () -> "expected the pong, got " + pong);
        assertFalse(chat.isClosed());
    }

    @ParameterizedTest(name = "persistent={0}, queue of {1}")
    @CsvSource({"true, 4096", "false, 4096", "true, 256", "false, 256"})
    void aThousandPipelinedSendsAreAllAckedOnAnOpenSocket(boolean persistent, int queue) {
        int count = 1_000;
        TestServer server = queue == 256 ? smallQueue : PipelinedSendsTest.server;
        assertEquals(queue, server.server().config().get(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE));
        try (Chat alice = Chat.connect(server, server.newUser())) {
            String id = alice.joinOk(Chat.join(1, "pipe-" + UUID.randomUUID().toString().substring(0, 8), persistent, null))
                    .get("id").getAsString();
            alice.awaitPresence(id, alice.userId(), true);
            Set<String> cids = new HashSet<>();
            for (int i = 0; i < count; i++) {
                cids.add(alice.sendRequest("channel_message_send", Chat.sendWithClientId(id, "{\"i\":" + i + "}", "p-" + i)));
            }
            assertEquals(cids, collect(alice, count, count), "every send is acked with its own cid");
            pingBarrier(alice);
        }
    }

    @Test
    void aBusyRoomDoesNotDisconnectReadersThatKeepUp() throws InterruptedException {
        String name = "busy-" + UUID.randomUUID().toString().substring(0, 8);
        int senders = 8;
        int each = 100;
        try (Chat watcher = Chat.connect(server, server.newUser())) {
            String id = watcher.joinRoomAndOwnEvent(name).get("id").getAsString();
            List<Chat> chats = new ArrayList<>();
            try {
                for (int s = 0; s < senders; s++) {
                    Chat chat = Chat.connect(server, server.newUser());
                    chat.joinOk(Chat.join(1, name, null, true)); // hidden: no presence traffic
                    chats.add(chat);
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (Chat chat : chats) {
                    Thread thread = new Thread(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < each; i++) {
                            chat.sendRequest("channel_message_send", Chat.send(id, "{\"i\":" + i + "}"));
                        }
                    });
                    thread.start();
                    threads.add(thread);
                }
                go.countDown();
                for (Thread thread : threads) {
                    thread.join();
                }
                collect(watcher, 0, senders * each);
                pingBarrier(watcher);
                for (Chat chat : chats) {
                    assertEquals(each, collect(chat, each, senders * each).size(), "a sender's acks");
                    pingBarrier(chat);
                }
            } finally {
                chats.forEach(Chat::close);
            }
        }
    }
}
