package io.gantry.core.status;

import com.google.protobuf.StringValue;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.StatusFollow;
import com.heroiclabs.nakama.rtapi.StatusUnfollow;
import com.heroiclabs.nakama.rtapi.StatusUpdate;
import io.gantry.core.RouterHarness;
import io.gantry.core.RouterHarness.Client;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Status follows, updates and their events, on the test thread. The store reads (do these users
 * exist?) run inline, and their answer comes back through the router as it would from a reader.
 */
class StatusServiceTest {

    @TempDir
    Path dataDir;

    private RocksStore store;
    private final RouterHarness harness = new RouterHarness();
    private Client alice;
    private Client bob;

    @BeforeEach
    void start() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        String aliceId = store.accounts().createWithCustom("custom-alice", "alice").account().getId();
        String bobId = store.accounts().createWithCustom("custom-bob", "bob").account().getId();
        new StatusService(harness.router, store.accounts(), Runnable::run);
        harness.start();
        alice = harness.connect("alice", aliceId);
        bob = harness.connect("bob", bobId);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private static Envelope.Builder follow(List<String> userIds, List<String> usernames) {
        return Envelope.newBuilder().setStatusFollow(StatusFollow.newBuilder()
                .addAllUserIds(userIds).addAllUsernames(usernames));
    }

    private static Envelope.Builder update(String status) {
        StatusUpdate.Builder update = StatusUpdate.newBuilder();
        if (status != null) {
            update.setStatus(StringValue.of(status));
        }
        return Envelope.newBuilder().setStatusUpdate(update);
    }

    @Test
    void aFollowerSeesStatusChangesAndTheDisconnect() {
        Envelope followed = bob.request(follow(List.of(alice.userId()), List.of()));
        assertEquals(0, followed.getStatus().getPresencesCount(), "alice has set no status yet");

        alice.request(update("playing"));
        Envelope online = bob.takeOnly(Envelope::hasStatusPresenceEvent);
        assertEquals("playing", online.getStatusPresenceEvent().getJoins(0).getStatus().getValue());
        assertEquals(alice.userId(), online.getStatusPresenceEvent().getJoins(0).getUserId());

        alice.request(update("away"));
        Envelope changed = bob.takeOnly(Envelope::hasStatusPresenceEvent);
        assertEquals("away", changed.getStatusPresenceEvent().getJoins(0).getStatus().getValue());
        assertEquals("playing", changed.getStatusPresenceEvent().getLeaves(0).getStatus().getValue());

        alice.disconnect();
        Envelope gone = bob.takeOnly(Envelope::hasStatusPresenceEvent);
        assertEquals(alice.userId(), gone.getStatusPresenceEvent().getLeaves(0).getUserId());
        assertEquals(0, gone.getStatusPresenceEvent().getJoinsCount());
    }

    @Test
    void aFollowByUsernameListsWhoIsOnline() {
        alice.request(update("here"));
        Envelope followed = bob.request(follow(List.of(), List.of("alice")));
        assertEquals("here", followed.getStatus().getPresences(0).getStatus().getValue());
    }

    @Test
    void afterAnUnfollowNothingMoreArrives() {
        bob.request(follow(List.of(alice.userId()), List.of()));
        Envelope ack = bob.request(Envelope.newBuilder().setStatusUnfollow(
                StatusUnfollow.newBuilder().addUserIds(alice.userId())));
        assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, ack.getMessageCase());
        bob.take();
        alice.request(update("playing"));
        assertEquals(List.of(), bob.take());
    }

    @Test
    void clearingTheStatusIsALeave() {
        bob.request(follow(List.of(alice.userId()), List.of()));
        alice.request(update("playing"));
        bob.take();
        alice.request(update(null));
        Envelope left = bob.takeOnly(e -> true);
        assertEquals("playing", left.getStatusPresenceEvent().getLeaves(0).getStatus().getValue());
    }

    static Stream<Arguments> badRequests() {
        String stranger = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("follow a malformed id", follow(List.of("not-a-uuid"), List.of()),
                        "Invalid user identifier 'not-a-uuid'."),
                Arguments.of("follow an empty username", follow(List.of(), List.of("")),
                        "Invalid username: must not be empty."),
                Arguments.of("follow an unknown user", follow(List.of(stranger), List.of()),
                        "Could not follow: no user with id " + stranger + "."),
                Arguments.of("follow an unknown username", follow(List.of(), List.of("nobody")),
                        "Could not follow: no user named nobody."),
                Arguments.of("unfollow a malformed id", Envelope.newBuilder().setStatusUnfollow(
                        StatusUnfollow.newBuilder().addUserIds("x")), "Invalid user identifier 'x'."),
                Arguments.of("a status too long", update("s".repeat(StatusService.MAX_STATUS_CHARS + 1)),
                        "Status must be 2048 characters or less"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsAreRefusedWithTheirCidAndChangeNothing(String name, Envelope.Builder request, String message) {
        bob.request(follow(List.of(alice.userId()), List.of()));
        bob.take();
        String cid = alice.send(request);
        Envelope reply = alice.takeOnly(e -> true);
        assertEquals(cid, reply.getCid());
        assertEquals(Error.Code.BAD_INPUT_VALUE, reply.getError().getCode());
        assertEquals(message, reply.getError().getMessage());
        assertEquals(List.of(), bob.take(), "no status event");
    }
}
