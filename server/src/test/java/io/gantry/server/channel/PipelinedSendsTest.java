package io.gantry.server.channel;

import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Clients that read promptly are never closed as slow consumers just because many messages were
 * sent at once: a client pipelining its sends (a reconnecting client resending its unacked
 * backlog, which is what retry-safe sends are for), and the members of a busy room, whose
 * messages the group-commit writer makes durable in one batch and the router then hands out in
 * one burst. The outgoing queue is at its default (64 messages).
 */
class PipelinedSendsTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void pipeline(Boolean persistence, int count) {
        try (Chat alice = Chat.connect(server, server.newUser())) {
            String id = alice.joinOk(Chat.join(1, "pipe-" + UUID.randomUUID().toString().substring(0, 8), persistence, null))
                    .get("id").getAsString();
            alice.awaitPresence(id, alice.userId(), true);
            for (int i = 0; i < count; i++) {
                alice.sendRequest("channel_message_send", Chat.sendWithClientId(id, "{\"i\":" + i + "}", "p-" + i));
            }
            List<JsonObject> got = alice.drain(Duration.ofSeconds(1));
            long acks = got.stream().filter(e -> e.has("channel_message_ack")).count();
            long messages = got.stream().filter(e -> e.has("channel_message")).count();
            assertFalse(alice.isClosed(), () -> "the socket was closed (code " + alice.awaitClose() + ") after "
                    + acks + " acks and " + messages + " messages of " + count);
            assertEquals(count, acks);
            assertEquals(count, messages);
        }
    }

    @Test
    void aHundredPipelinedPersistentSendsAreAllAckedOnAnOpenSocket() {
        pipeline(null, 100);
    }

    @Test
    void aHundredPipelinedNonPersistentSendsAreAllAckedOnAnOpenSocket() {
        pipeline(false, 100);
    }

    @Test
    void aBusyRoomDoesNotDisconnectReadersThatKeepUp() throws InterruptedException {
        String name = "busy-" + UUID.randomUUID().toString().substring(0, 8);
        int senders = 8;
        int each = 20;
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
                List<JsonObject> got = watcher.drain(Duration.ofSeconds(1));
                long messages = got.stream().filter(e -> e.has("channel_message")).count();
                assertFalse(watcher.isClosed(), () -> "a watcher that reads promptly was closed (code "
                        + watcher.awaitClose() + ") after " + messages + " of " + senders * each + " messages");
                assertEquals(senders * each, messages);
                for (Chat chat : chats) {
                    assertFalse(chat.isClosed(), "a sender was closed");
                }
            } finally {
                chats.forEach(Chat::close);
            }
        }
    }
}
