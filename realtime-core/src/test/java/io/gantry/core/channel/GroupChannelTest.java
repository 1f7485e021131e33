package io.gantry.core.channel;

import com.google.protobuf.BoolValue;
import com.heroiclabs.nakama.api.ChannelMessageList;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.ChannelMessageSend;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.core.RouterHarness;
import io.gantry.core.RouterHarness.Client;
import io.gantry.core.ServiceException;
import io.gantry.core.group.GroupChat;
import io.gantry.persistence.GroupStore;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.gantry.proto.storage.StoredGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group channels (type 3) and direct-message blocks, on a router driven by the test thread, over a
 * real store: who may join and read a group's channel, the membership messages the group service
 * sends through {@link GroupChat}, and removed members leaving the channel (Nakama 3.18's answers,
 * recorded in interop/differential/reference-facts/social.md).
 */
class GroupChannelTest {

    @TempDir
    Path dataDir;

    private RocksStore store;
    private ChannelService channels;
    private ChannelHistory history;
    private final RouterHarness harness = new RouterHarness();
    private Client owner;
    private Client member;
    private Client outsider;
    private String groupId;
    private String channelId;

    @BeforeEach
    void start() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        ChannelAccess access = new ChannelAccess(store.accounts(), store.friends(), store.groups());
        channels = new ChannelService(harness.router, store.history(), store.writer(), access, Runnable::run,
                (from, to, subject, content) -> CompletableFuture.completedFuture(null),
                ChannelSettings.defaults(), Clock.systemUTC());
        history = new ChannelHistory(store.history(), access);
        harness.start();
        owner = connect("owner");
        member = connect("member");
        outsider = connect("outsider");
        groupId = UUID.randomUUID().toString();
        channelId = "3." + groupId + "..";
        store.groups().create(StoredGroup.newBuilder().setId(groupId).setCreatorId(owner.userId())
                .setName("knights-" + groupId).setLangTag("en").setMetadata("{}").setMaxCount(100).build());
        setState(member.userId(), GroupStore.MEMBER);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private Client connect(String username) {
        String id = store.accounts().createWithDevice("device-" + UUID.randomUUID(), username + "-" + UUID.randomUUID())
                .account().getId();
        return harness.connect(username, id);
    }

    private void setState(String userId, int state) {
        store.groups().change(groupId, m -> {
            m.setState(userId, state);
            return null;
        });
    }

    private static Envelope.Builder join(String target, int type) {
        return Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder().setTarget(target).setType(type)
                .setPersistence(BoolValue.of(true)).setHidden(BoolValue.of(false)));
    }

    private static Envelope.Builder send(String channelId, String content) {
        return Envelope.newBuilder().setChannelMessageSend(
                ChannelMessageSend.newBuilder().setChannelId(channelId).setContent(content));
    }

    /** Runs a membership change to its end: the store write, then the router's part. */
    private void changed(String userId, String username, int code) {
        CompletionStage<Void> stage = channels.membershipChanged(groupId, userId, username, code);
        CompletableFuture<Void> done = stage.toCompletableFuture();
        await().pollInSameThread().until(() -> {
            harness.drain();
            return done.isDone();
        });
        assertFalse(done.isCompletedExceptionally());
    }

    @Test
    void membersJoinTheGroupsChannelAndSeeEachOther() {
        Envelope first = owner.request(join(groupId, ChannelId.GROUP));
        assertEquals(channelId, first.getChannel().getId());
        assertEquals(groupId, first.getChannel().getGroupId());
        assertEquals(0, first.getChannel().getPresencesCount());
        owner.take();

        Envelope second = member.request(join(groupId.toUpperCase(), ChannelId.GROUP));
        assertEquals(channelId, second.getChannel().getId(), "any spelling of the id names the one channel");
        assertEquals(List.of(owner.userId()),
                second.getChannel().getPresencesList().stream().map(p -> p.getUserId()).toList());
        Envelope event = owner.takeOnly(Envelope::hasChannelPresenceEvent);
        assertEquals(member.userId(), event.getChannelPresenceEvent().getJoins(0).getUserId());
        assertEquals(groupId, event.getChannelPresenceEvent().getGroupId());

        String cid = member.send(send(channelId, "{\"t\":\"hi\"}"));
        await().pollInSameThread().until(() -> {
            harness.drain();
            return member.unread().stream().anyMatch(e -> cid.equals(e.getCid()));
        });
        assertEquals(groupId, member.reply(cid).getChannelMessageAck().getGroupId());
        Envelope message = owner.takeOnly(Envelope::hasChannelMessage);
        assertEquals("{\"t\":\"hi\"}", message.getChannelMessage().getContent());
        assertEquals(groupId, message.getChannelMessage().getGroupId());
    }

    @ParameterizedTest(name = "state {0}")
    @ValueSource(ints = {GroupStore.JOIN_REQUEST, GroupStore.BANNED})
    void aJoinRequestOrABannedUserCannotJoinTheChannel(int state) {
        setState(outsider.userId(), state);
        Envelope reply = outsider.request(join(groupId, ChannelId.GROUP));
        assertEquals(Error.Code.BAD_INPUT_VALUE, reply.getError().getCode());
        assertEquals("Group not found: Invalid channel target", reply.getError().getMessage());
    }

    @Test
    void anOutsiderCannotJoinOrReadTheChannelNorSendToIt() {
        Envelope reply = outsider.request(join(groupId, ChannelId.GROUP));
        assertEquals("Group not found: Invalid channel target", reply.getError().getMessage());
        ServiceException e = assertThrows(ServiceException.class, () -> history.list(outsider.userId(), channelId, 10, true, null));
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals("Group not found.", e.getMessage());
        Envelope sent = outsider.request(send(channelId, "{}"));
        assertEquals(Error.Code.BAD_INPUT_VALUE, sent.getError().getCode());
    }

    @Test
    void aMembershipChangeIsAMessageInTheChannelAndItsHistorySentAsTheAffectedUser() throws Exception {
        owner.request(join(groupId, ChannelId.GROUP));
        owner.take();
        String joinerId = UUID.randomUUID().toString();
        changed(joinerId, "joiner", GroupChat.JOINED);

        Envelope live = owner.takeOnly(e -> true);
        assertEquals(GroupChat.JOINED, live.getChannelMessage().getCode().getValue());
        assertEquals(joinerId, live.getChannelMessage().getSenderId());
        assertEquals("joiner", live.getChannelMessage().getUsername());
        assertEquals("{}", live.getChannelMessage().getContent());
        assertEquals(groupId, live.getChannelMessage().getGroupId());
        assertTrue(live.getChannelMessage().getPersistent().getValue());

        ChannelMessageList stored = history.list(member.userId(), channelId, 10, true, null);
        assertEquals(1, stored.getMessagesCount());
        assertEquals(live.getChannelMessage().getMessageId(), stored.getMessages(0).getMessageId());
        assertEquals(GroupChat.JOINED, stored.getMessages(0).getCode().getValue());
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {GroupChat.LEFT, GroupChat.KICKED, GroupChat.BANNED})
    void aRemovedMemberGetsTheMessageThenLeavesTheChannelAndOnlyTheOthersSeeItGo(int code) {
        owner.request(join(groupId, ChannelId.GROUP));
        member.request(join(groupId, ChannelId.GROUP));
        owner.take();
        member.take();
        store.groups().change(groupId, m -> {
            m.remove(member.userId());
            return null;
        });
        changed(member.userId(), "member", code);

        List<Envelope> ownerGot = owner.take();
        assertEquals(2, ownerGot.size(), "the message, then the leave: " + ownerGot);
        assertEquals(code, ownerGot.get(0).getChannelMessage().getCode().getValue());
        assertEquals(member.userId(), ownerGot.get(1).getChannelPresenceEvent().getLeaves(0).getUserId());
        List<Envelope> memberGot = member.take();
        assertEquals(1, memberGot.size(), "the message only: " + memberGot);
        assertEquals(code, memberGot.get(0).getChannelMessage().getCode().getValue());

        Envelope sent = member.request(send(channelId, "{}"));
        assertEquals(Error.Code.BAD_INPUT_VALUE, sent.getError().getCode(), "no longer in the channel");
        Envelope rejoin = member.request(join(groupId, ChannelId.GROUP));
        assertEquals("Group not found: Invalid channel target", rejoin.getError().getMessage());
    }

    @Test
    void aPromotionKeepsTheMemberInTheChannel() {
        member.request(join(groupId, ChannelId.GROUP));
        member.take();
        changed(member.userId(), "member", GroupChat.PROMOTED);
        assertEquals(GroupChat.PROMOTED, member.takeOnly(e -> true).getChannelMessage().getCode().getValue());
        String cid = member.send(send(channelId, "{}"));
        await().pollInSameThread().until(() -> {
            harness.drain();
            return member.unread().stream().anyMatch(e -> cid.equals(e.getCid()));
        });
        assertTrue(member.reply(cid).hasChannelMessageAck());
    }

    @Test
    void aUserBlockedByTheTargetCannotJoinTheirDirectMessageButTheBlockerCan() {
        store.friends().block(owner.userId(), outsider.userId());
        Envelope refused = outsider.request(join(owner.userId(), ChannelId.DIRECT_MESSAGE));
        assertEquals(Error.Code.BAD_INPUT_VALUE, refused.getError().getCode());
        assertEquals("User ID not found: Invalid channel target", refused.getError().getMessage(),
                "the same words as for an unknown user: the block is not revealed");

        String cid = owner.send(join(outsider.userId(), ChannelId.DIRECT_MESSAGE));
        await().pollInSameThread().until(() -> {
            harness.drain();
            return owner.unread().stream().anyMatch(e -> cid.equals(e.getCid()));
        });
        assertTrue(owner.reply(cid).hasChannel(), "the blocker may still join");
    }
}
