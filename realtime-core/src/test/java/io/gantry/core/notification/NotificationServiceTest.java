package io.gantry.core.notification;

import com.heroiclabs.nakama.api.Notification;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.RouterHarness;
import io.gantry.core.RouterHarness.Client;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications sent on the router thread (the test thread here): stored by the store's commit
 * loop, then delivered to every socket of the user through the router.
 */
class NotificationServiceTest {

    @TempDir
    Path dataDir;

    private RocksStore store;
    private final RouterHarness harness = new RouterHarness();
    private NotificationService notifications;
    private Client alice;
    private Client aliceAgain;
    private Client bob;

    @BeforeEach
    void start() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        NotificationDelivery delivery = new NotificationDelivery(harness.router);
        notifications = new NotificationService(harness.router, delivery, store.writer(), Clock.systemUTC());
        harness.start();
        alice = harness.connect("alice");
        aliceAgain = harness.connect("alice", alice.userId());
        bob = harness.connect("bob");
    }

    @AfterEach
    void stop() {
        store.close();
    }

    @Test
    void aPersistentNotificationIsStoredThenDeliveredToEverySocketOfTheUser() throws Exception {
        CompletableFuture<List<Notification>> sent = notifications.sendAllAsync(List.of(
                new NotificationRequest(alice.userId(), "Reward", "{\"coins\":1}", 1, null, true)));
        await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
            harness.drain();
            return sent.isDone() && !alice.unread().isEmpty();
        });
        String id = sent.get().get(0).getId();
        for (Client socket : List.of(alice, aliceAgain)) {
            Envelope delivered = socket.takeOnly(Envelope::hasNotifications);
            assertEquals(id, delivered.getNotifications().getNotifications(0).getId());
        }
        assertEquals(List.of(), bob.take());
        assertEquals(id, store.notifications().list(alice.userId(), 10, null).notifications().get(0).getId());
    }

    @Test
    void aNonPersistentNotificationIsDeliveredAtOnceAndNotStored() throws Exception {
        Notification sent = notifications.send(bob.userId(), "Ping", "{}", 2, alice.userId(), false);
        harness.drain();
        assertEquals(sent.getId(), bob.takeOnly(e -> true).getNotifications().getNotifications(0).getId());
        assertTrue(store.notifications().list(bob.userId(), 10, null).notifications().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "user id not a UUID   | nobody | s | {}    | ''     | Invalid user id 'nobody': expected a UUID.",
            "empty subject        | USER   | '' | {}   | ''     | Notification subject is required.",
            "content not object   | USER   | s | [1]   | ''     | Notification content must be a JSON object.",
            "sender not a UUID    | USER   | s | {}    | robot  | Invalid sender id 'robot': expected a UUID or nothing.",
    })
    void badRequestsAreRefusedAndNothingIsSentOrStored(String name, String userId, String subject, String content,
                                                       String senderId, String message) throws Exception {
        String user = userId.equals("USER") ? alice.userId() : userId;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> notifications.send(user, subject, content, 1, senderId, true));
        assertEquals(message, e.getMessage());
        harness.drain();
        assertEquals(List.of(), alice.take());
        assertEquals(0, notifications.pendingWrites());
        assertTrue(store.notifications().list(alice.userId(), 10, null).notifications().isEmpty());
    }
}
