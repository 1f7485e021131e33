package io.gantry.core.channel;

import com.google.protobuf.BoolValue;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.ChannelLeave;
import com.heroiclabs.nakama.rtapi.ChannelMessageSend;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
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
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Channel joins, leaves, presence events and sends, on a router driven by the test thread. */
class ChannelServiceTest {

    private static final String LOBBY = "2...lobby";

    @TempDir
    Path dataDir;

    private RocksStore store;
    private final RouterHarness harness = new RouterHarness();
    private Client alice;
    private Client bob;

    @BeforeEach
    void start() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        new ChannelService(harness.router, store.history(), store.writer(),
                new ChannelAccess(store.accounts(), store.friends(), store.groups()), Runnable::run,
                (from, to, subject, content) -> CompletableFuture.completedFuture(null),
                ChannelSettings.defaults(), Clock.systemUTC());
        harness.start();
        alice = harness.connect("alice");
        bob = harness.connect("bob");
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private static Envelope.Builder join(String target, int type, boolean persistence, boolean hidden) {
        return Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder().setTarget(target).setType(type)
                .setPersistence(BoolValue.of(persistence)).setHidden(BoolValue.of(hidden)));
    }

    private static Envelope.Builder joinLobby(boolean persistence) {
        return join("lobby", ChannelId.ROOM, persistence, false);
    }

    private static Envelope.Builder send(String channelId, String content) {
        return Envelope.newBuilder().setChannelMessageSend(
                ChannelMessageSend.newBuilder().setChannelId(channelId).setContent(content));
    }

    private static Envelope.Builder leave(String channelId) {
        return Envelope.newBuilder().setChannelLeave(ChannelLeave.newBuilder().setChannelId(channelId));
    }

    @Test
    void aJoinRepliesWithTheOthersThenEveryoneSeesTheJoin() {
        Envelope first = alice.request(joinLobby(false));
        assertEquals(LOBBY, first.getChannel().getId());
        assertEquals(alice.userId(), first.getChannel().getSelf().getUserId());
        assertEquals(0, first.getChannel().getPresencesCount(), "nobody else yet");
        List<Envelope> aliceGot = alice.take();
        assertEquals(2, aliceGot.size(), "the reply, then her own join event");
        assertEquals(alice.userId(), aliceGot.get(1).getChannelPresenceEvent().getJoins(0).getUserId());

        Envelope second = bob.request(joinLobby(false));
        assertEquals(List.of(alice.userId()),
                second.getChannel().getPresencesList().stream().map(p -> p.getUserId()).toList());
        Envelope event = alice.takeOnly(Envelope::hasChannelPresenceEvent);
        assertEquals(bob.userId(), event.getChannelPresenceEvent().getJoins(0).getUserId());
        assertEquals(0, event.getChannelPresenceEvent().getLeavesCount());
    }

    @Test
    void aHiddenJoinIsNotAnnounced() {
        alice.request(joinLobby(false));
        alice.take();
        Envelope reply = bob.request(join("lobby", ChannelId.ROOM, false, true));
        assertEquals(LOBBY, reply.getChannel().getId());
        assertEquals(List.of(), alice.take(), "alice is told nothing");
    }

    @Test
    void aLeaveIsAcknowledgedAndAnnouncedToTheOthersOnce() {
        alice.request(joinLobby(false));
        bob.request(joinLobby(false));
        alice.take();
        bob.take();

        Envelope ack = bob.request(leave(LOBBY));
        assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, ack.getMessageCase(), "an empty answer with the cid");
        Envelope event = alice.takeOnly(e -> true);
        assertEquals(bob.userId(), event.getChannelPresenceEvent().getLeaves(0).getUserId());

        Envelope again = bob.request(leave(LOBBY));
        assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, again.getMessageCase(), "not a member: acknowledged all the same");
        assertEquals(List.of(), alice.take(), "and nobody is told");
    }

    @Test
    void aDisconnectIsALeave() {
        alice.request(joinLobby(false));
        bob.request(joinLobby(false));
        alice.take();
        bob.disconnect();
        Envelope event = alice.takeOnly(e -> true);
        assertEquals(bob.userId(), event.getChannelPresenceEvent().getLeaves(0).getUserId());
        assertEquals(LOBBY, event.getChannelPresenceEvent().getChannelId());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty target       | ''         | 1 | Invalid channel target",
            "group, not a uuid  | some-group | 3 | Invalid group ID in group channel join: Invalid channel target",
            "group, nil uuid    | 00000000-0000-0000-0000-000000000000 | 3 | Invalid group ID in group channel join: Invalid channel target",
            "unknown group      | 00000000-0000-4000-8000-0000000000aa | 3 | Group not found: Invalid channel target",
            "unknown type       | lobby      | 9 | Invalid channel type",
            "DM to a non-uuid   | not-a-uuid | 2 | Invalid user ID in direct message join: Invalid channel target",
            "DM to the nil uuid | 00000000-0000-0000-0000-000000000000 | 2 | Invalid user ID in direct message join: Invalid channel target",
    })
    void badJoinsAreRefusedWithTheRequestsCid(String name, String target, int type, String message) {
        String cid = alice.send(join(target, type, false, false));
        Envelope reply = alice.reply(cid);
        assertEquals(Error.Code.BAD_INPUT_VALUE, reply.getError().getCode());
        assertEquals(message, reply.getError().getMessage());
        assertEquals(List.of(reply), alice.take(), "and nothing else");
    }

    @Test
    void aSendReachesEveryMemberThenTheSenderGetsItsAck() {
        alice.request(joinLobby(false));
        bob.request(joinLobby(false));
        alice.take();
        bob.take();

        String cid = alice.send(send(LOBBY, "{\"text\":\"hi\"}"));
        List<Envelope> aliceGot = alice.take();
        assertEquals(2, aliceGot.size());
        assertEquals("{\"text\":\"hi\"}", aliceGot.get(0).getChannelMessage().getContent());
        assertEquals(cid, aliceGot.get(1).getCid());
        assertEquals(aliceGot.get(0).getChannelMessage().getMessageId(), aliceGot.get(1).getChannelMessageAck().getMessageId());
        assertEquals("{\"text\":\"hi\"}", bob.takeOnly(e -> true).getChannelMessage().getContent());
    }

    @Test
    void aPersistentSendIsAcknowledgedOnceStoredAndIsInHistory() throws Exception {
        alice.request(joinLobby(true));
        alice.take();
        String cid = alice.send(send(LOBBY, "{\"text\":\"kept\"}"));
        // The store's writer calls back on its thread and hands the answer to the router.
        await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
            harness.drain();
            return alice.unread().stream().anyMatch(e -> cid.equals(e.getCid()));
        });
        Envelope ack = alice.reply(cid);
        assertTrue(ack.getChannelMessageAck().getPersistent().getValue());
        assertEquals("{\"text\":\"kept\"}", store.history().get(ack.getChannelMessageAck().getMessageId())
                .orElseThrow().getContent());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not joined       | 2...elsewhere | {}          | Must join channel 2...elsewhere before sending to it.",
            "empty content    | 2...lobby     | ''          | Message content is required.",
            "not an object    | 2...lobby     | [1]         | Message content must be a valid JSON object",
            "lax JSON         | 2...lobby     | {a:1}       | Message content must be a valid JSON object",
    })
    void badSendsAreRefusedWithTheRequestsCidAndSendNothing(String name, String channelId, String content,
                                                            String message) {
        alice.request(joinLobby(false));
        bob.request(joinLobby(false));
        alice.take();
        bob.take();
        String cid = alice.send(send(channelId, content));
        Envelope reply = alice.takeOnly(e -> true);
        assertEquals(cid, reply.getCid());
        assertEquals(Error.Code.BAD_INPUT_VALUE, reply.getError().getCode());
        assertEquals(message, reply.getError().getMessage());
        assertEquals(List.of(), bob.take(), "nobody else got anything");
    }
}
