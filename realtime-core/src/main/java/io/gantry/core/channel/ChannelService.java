package io.gantry.core.channel;

import com.heroiclabs.nakama.rtapi.Channel;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.ChannelLeave;
import com.heroiclabs.nakama.rtapi.ChannelMessageAck;
import com.heroiclabs.nakama.rtapi.ChannelMessageRemove;
import com.heroiclabs.nakama.rtapi.ChannelMessageSend;
import com.heroiclabs.nakama.rtapi.ChannelMessageUpdate;
import com.heroiclabs.nakama.rtapi.ChannelPresenceEvent;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.Uuids;
import io.gantry.core.group.GroupChat;
import io.gantry.core.router.BlockingCalls;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.session.Session;
import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;
import io.gantry.persistence.DedupEntry;
import io.gantry.persistence.HistoryWriter;
import io.gantry.persistence.HistoryStore;
import io.gantry.persistence.WriteOp;
import io.gantry.persistence.WriteResult;
import io.gantry.proto.storage.StoredChannelMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Chat channels: rooms, direct messages and group channels as streams of the presence tracker.
 * Runs on the router thread; store work happens elsewhere and comes back as router tasks:
 * persistent messages go through the {@link HistoryWriter}, whose callback (after the WAL is
 * synced) broadcasts the message and acknowledges it; lookups (may this user join this DM or this
 * group's channel? {@link ChannelAccess}) run on a reader executor. As the {@link GroupChat}, it
 * turns group membership changes into the group channel's membership messages and takes removed
 * members out of the channel. A persistent send, update or removal stays in its sender's backlog until the
 * writer calls back ({@link Session#finishRequestLater}), so a client pipelining them is paused
 * by flow control instead of piling acks up behind one large batch.
 *
 * <p>Retry-safe sends: a {@code channel_message_send} carrying Gantry's optional
 * {@code client_message_id} is remembered per sender for the dedup window; a resend with the
 * same id is acknowledged again with the original message and neither stored nor broadcast twice.
 * The ids of persistent messages are stored with them, so the window survives a restart.
 */
public final class ChannelService implements GroupChat {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelService.class);
    private static final String NIL_UUID = "00000000-0000-0000-0000-000000000000";

    /**
     * Told when a user newly joins a direct message the other user is not in. Nakama sends the other
     * user a persistent notification with code -1, subject {@code "<username> wants to chat"} and
     * content {@code {"username": "<username>"}}; this service builds both.
     */
    @FunctionalInterface
    public interface DirectMessageNotifier {
        /** @return completes once the notification is stored (or has failed) */
        CompletionStage<?> directMessageRequested(Session from, String toUserId, String subject, String content);
    }

    private final Router router;
    private final PresenceTracker tracker;
    private final HistoryStore history;
    private final HistoryWriter writer;
    private final ChannelAccess access;
    private final BlockingCalls reads;
    private final DirectMessageNotifier notifier;
    private final ChannelSettings settings;
    private final Clock clock;

    /** Router thread: client message ids seen within the window, by sender and id. */
    private final Map<String, SentMessage> sent = new HashMap<>();
    private final ArrayDeque<SentMessage> sentByAge = new ArrayDeque<>();
    private long lastMicros;

    /** What became of a send that carried a client message id. Router thread. */
    private static final class SentMessage {
        final String key;
        final long expiresAtMs;
        String messageId;
        /** The ack without cid, once the message was delivered; null while it is being stored. */
        ChannelMessageAck ack;
        /** Resends that arrived while the original was being stored: answered when it is. */
        List<Waiter> waiters;
        /** Remembered from before a restart: the ack must be rebuilt from history. */
        boolean restored;

        SentMessage(String key, long expiresAtMs) {
            this.key = key;
            this.expiresAtMs = expiresAtMs;
        }
    }

    private record Waiter(Session session, String cid) {
    }

    public ChannelService(Router router, HistoryStore history, HistoryWriter writer, ChannelAccess access,
                          Executor readers, DirectMessageNotifier notifier, ChannelSettings settings, Clock clock) {
        this.router = router;
        this.tracker = router.tracker();
        this.history = history;
        this.writer = writer;
        this.access = access;
        this.reads = new BlockingCalls(readers, router);
        this.notifier = notifier;
        this.settings = settings;
        this.clock = clock;
        router.register(Envelope.MessageCase.CHANNEL_JOIN, this::onJoin)
                .register(Envelope.MessageCase.CHANNEL_LEAVE, this::onLeave)
                .register(Envelope.MessageCase.CHANNEL_MESSAGE_SEND, this::onSend)
                .register(Envelope.MessageCase.CHANNEL_MESSAGE_UPDATE, this::onUpdate)
                .register(Envelope.MessageCase.CHANNEL_MESSAGE_REMOVE, this::onRemove);
        tracker.listen(Stream.MODE_CHANNEL, this::onDisconnectLeave);
        tracker.listen(Stream.MODE_GROUP, this::onDisconnectLeave);
        tracker.listen(Stream.MODE_DM, this::onDisconnectLeave);
        // Another node's member joined or left (or its node died): this node tells its own members.
        io.gantry.core.tracker.RemoteListener remoteLeaves = new io.gantry.core.tracker.RemoteListener() {
            @Override
            public void remoteJoined(StreamMembers members, Presence joined, Presence replaced) {
                if (replaced == null && !joined.hidden()) {
                    members.announce(presenceEvent(ChannelId.of(members.stream()), List.of(joined.userPresence()), List.of()));
                }
            }

            @Override
            public void remoteLeft(StreamMembers remaining, Presence left, boolean nodeFailed) {
                if (!left.hidden() && !remaining.isEmpty()) {
                    remaining.announce(presenceEvent(ChannelId.of(remaining.stream()), List.of(), List.of(left.userPresence())));
                }
            }
        };
        tracker.listenRemote(Stream.MODE_CHANNEL, remoteLeaves);
        tracker.listenRemote(Stream.MODE_GROUP, remoteLeaves);
        tracker.listenRemote(Stream.MODE_DM, remoteLeaves);
        warmDedup();
    }

    // ---- join / leave --------------------------------------------------------------------

    private void onJoin(Session session, Envelope request) {
        ChannelJoin join = request.getChannelJoin();
        boolean persistence = !join.hasPersistence() || join.getPersistence().getValue();
        boolean hidden = join.hasHidden() && join.getHidden().getValue();
        String target = join.getTarget();
        if (target.isEmpty()) {
            session.send(Replies.badInput(request, "Invalid channel target"));
            return;
        }
        switch (join.getType()) {
            case 0, ChannelId.ROOM -> { // as Nakama, an unspecified type is a room
                try {
                    completeJoin(session, request.getCid(), ChannelId.room(target), persistence, hidden);
                } catch (ChannelId.InvalidChannelException e) {
                    session.send(Replies.badInput(request, e.getMessage()));
                }
            }
            case ChannelId.DIRECT_MESSAGE -> {
                // As Nakama: a user id in any form Go's parser reads, not nil, of an existing user, who may
                // be the caller.
                String otherUserId = Uuids.parseAsNakama(target);
                if (otherUserId == null || otherUserId.equals(NIL_UUID)) {
                    session.send(Replies.badInput(request, "Invalid user ID in direct message join: Invalid channel target"));
                    return;
                }
                // Whether the user exists (and has not blocked the caller) is a store read: ask off
                // the router, finish the join on it.
                String cid = request.getCid();
                reads.run(session, cid, "Store read failed.", () -> {
                    String refusal = access.directMessageRefusal(session.userId(), otherUserId);
                    router.execute(() -> {
                        if (refusal != null) {
                            session.send(Replies.badInput(request, refusal));
                        } else if (!session.isClosed()) {
                            joinDirectMessage(session, cid, ChannelId.directMessage(session.userId(), otherUserId),
                                    otherUserId, persistence, hidden);
                        }
                    });
                });
            }
            case ChannelId.GROUP -> {
                // As Nakama: a group id in any form Go's parser reads, of a group the caller is a
                // superadmin, admin or member of.
                String groupId = Uuids.parseAsNakama(target);
                if (groupId == null || groupId.equals(NIL_UUID)) {
                    session.send(Replies.badInput(request, "Invalid group ID in group channel join: Invalid channel target"));
                    return;
                }
                String cid = request.getCid();
                reads.run(session, cid, "Store read failed.", () -> {
                    boolean member = access.isGroupMember(groupId, session.userId());
                    router.execute(() -> {
                        if (!member) {
                            session.send(Replies.badInput(request, ChannelAccess.GROUP_NOT_FOUND));
                        } else if (!session.isClosed()) {
                            completeJoin(session, cid, ChannelId.group(groupId), persistence, hidden);
                        }
                    });
                });
            }
            default -> session.send(Replies.badInput(request, "Invalid channel type"));
        }
    }

    /**
     * Router thread: tracks the session in the channel and replies. A new join's reply lists the other
     * members only; a re-join of a channel the session is already in lists everyone, itself included
     * (as Nakama's pipeline does).
     */
    private void completeJoin(Session session, String cid, ChannelId channel, boolean persistence, boolean hidden) {
        Presence presence = track(session, channel, persistence, hidden);
        reply(session, cid, channel, presence, tracker.isNew(presence));
    }

    /**
     * Router thread: joins a direct message. As Nakama: a new join while the other user is not in
     * the channel sends that user a persistent "wants to chat" notification (code -1, content
     * {@code {"username": …}}), stored before the joiner gets its reply.
     */
    private void joinDirectMessage(Session session, String cid, ChannelId channel, String otherUserId,
                                   boolean persistence, boolean hidden) {
        Presence presence = track(session, channel, persistence, hidden);
        boolean joinedNow = tracker.isNew(presence);
        if (!joinedNow || hasUser(tracker.members(channel.stream()), otherUserId)) {
            reply(session, cid, channel, presence, joinedNow);
            return;
        }
        com.google.gson.JsonObject content = new com.google.gson.JsonObject();
        content.addProperty("username", session.username());
        CompletionStage<?> stored;
        try {
            stored = notifier.directMessageRequested(session, otherUserId, session.username() + " wants to chat",
                    content.toString());
        } catch (RuntimeException e) {
            // as Nakama, a notification that could not be sent does not fail the join
            LOG.warn("Could not send the direct message notification to {}", otherUserId, e);
            stored = CompletableFuture.completedFuture(null);
        }
        stored.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warn("Could not store the direct message notification to {}", otherUserId, failure);
            }
            router.execute(() -> {
                if (!session.isClosed()) {
                    reply(session, cid, channel, presence, true);
                }
            });
        });
    }

    private Presence track(Session session, ChannelId channel, boolean persistence, boolean hidden) {
        UserPresence self = UserPresence.newBuilder()
                .setUserId(session.userId())
                .setSessionId(session.id())
                .setUsername(session.username())
                .setPersistence(persistence)
                .build();
        return tracker.track(session, channel.stream(), self, hidden);
    }

    /** Router thread: the join's reply, then (for a new, visible join) everyone's join event. */
    private void reply(Session session, String cid, ChannelId channel, Presence presence, boolean joinedNow) {
        StreamMembers members = tracker.members(channel.stream());
        Channel.Builder reply = Channel.newBuilder()
                .setId(channel.id())
                .setSelf(presence.userPresence())
                .setRoomName(channel.roomName())
                .setGroupId(channel.groupId())
                .setUserIdOne(channel.userIdOne())
                .setUserIdTwo(channel.userIdTwo());
        if (members != null) {
            for (Presence member : members.visiblePresences()) {
                if (!(joinedNow && member == presence)) {
                    reply.addPresences(member.userPresence());
                }
            }
        }
        session.send(Envelope.newBuilder().setCid(cid).setChannel(reply).build());
        if (joinedNow && !presence.hidden() && members != null) {
            // Everyone, the joiner included, sees the join; the joiner after its reply.
            members.announce(presenceEvent(channel, List.of(presence.userPresence()), List.of()));
        }
    }

    private void onLeave(Session session, Envelope request) {
        ChannelLeave leave = request.getChannelLeave();
        ChannelId channel;
        try {
            channel = ChannelId.parse(leave.getChannelId());
        } catch (ChannelId.InvalidChannelException e) {
            session.send(Replies.badInput(request, e.getMessage()));
            return;
        }
        Presence left = tracker.untrack(session, channel.stream());
        // As Nakama: leaving a channel one is not in is acknowledged all the same.
        session.send(Envelope.newBuilder().setCid(request.getCid()).build());
        if (left != null) {
            announceLeave(channel, tracker.members(channel.stream()), left);
        }
    }

    private void onDisconnectLeave(StreamMembers remaining, Presence left) {
        announceLeave(ChannelId.of(remaining.stream()), remaining, left);
    }

    private void announceLeave(ChannelId channel, StreamMembers remaining, Presence left) {
        if (left.hidden() || remaining == null || remaining.isEmpty()) {
            return;
        }
        remaining.announce(presenceEvent(channel, List.of(), List.of(left.userPresence())));
    }

    private static Envelope presenceEvent(ChannelId channel, List<UserPresence> joins, List<UserPresence> leaves) {
        return Envelope.newBuilder().setChannelPresenceEvent(ChannelPresenceEvent.newBuilder()
                        .setChannelId(channel.id())
                        .addAllJoins(joins)
                        .addAllLeaves(leaves)
                        .setRoomName(channel.roomName())
                        .setGroupId(channel.groupId())
                        .setUserIdOne(channel.userIdOne())
                        .setUserIdTwo(channel.userIdTwo()))
                .build();
    }

    // ---- group membership ----------------------------------------------------------------

    /**
     * Any thread: the group channel's membership message, stored and then sent to the sessions in
     * the channel; after a leave, kick or ban the user's sessions leave the channel (the others see
     * them go; they are told nothing more). The sessions are taken out even when the message could
     * not be stored: access follows the membership, which has already changed.
     */
    @Override
    public CompletionStage<Void> membershipChanged(String groupId, String userId, String username, int code) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        router.execute(() -> {
            ChannelId channel = ChannelId.group(groupId);
            long now = nowMicros();
            StoredChannelMessage message = StoredChannelMessage.newBuilder()
                    .setChannelId(channel.id())
                    .setMessageId(UUID.randomUUID().toString())
                    .setCode(code)
                    .setSenderId(userId)
                    .setUsername(username)
                    .setContent("{}")
                    .setCreateTimeUs(now)
                    .setUpdateTimeUs(now)
                    .setGroupId(groupId)
                    .build();
            boolean queued = writer.offer(new WriteOp.Append(message, result -> router.execute(() -> {
                if (result instanceof WriteResult.Ok) {
                    StreamMembers members = tracker.members(channel.stream());
                    if (members != null) {
                        members.broadcast(Envelope.newBuilder()
                                .setChannelMessage(ChannelMessages.toApi(message, code, true)).build());
                    }
                    removeIfGone(channel, userId, code);
                    done.complete(null);
                } else {
                    removeIfGone(channel, userId, code);
                    done.completeExceptionally(new IllegalStateException(
                            "The group membership message could not be stored: " + describe(result)));
                }
            })));
            if (!queued) {
                removeIfGone(channel, userId, code);
                done.completeExceptionally(new IllegalStateException(
                        "Server is busy storing messages; the group membership message was not stored."));
            }
        });
        return done;
    }

    /** Router thread: after a leave, kick or ban, the user's sessions leave the group's channel. */
    private void removeIfGone(ChannelId channel, String userId, int code) {
        if (code != GroupChat.LEFT && code != GroupChat.KICKED && code != GroupChat.BANNED) {
            return;
        }
        StreamMembers members = tracker.members(channel.stream());
        if (members == null) {
            return;
        }
        List<Session> sessions = new ArrayList<>(1);
        for (Presence presence : members.presences()) {
            if (presence.userId().equals(userId)) {
                sessions.add(presence.session());
            }
        }
        for (Session session : sessions) {
            if (session.isRemote()) {
                // its own node takes it out and tells the channel, as for a disconnect
                tracker.clusterLink().untrackOn(session, channel.stream());
                continue;
            }
            Presence left = tracker.untrack(session, channel.stream());
            if (left != null) {
                announceLeave(channel, tracker.members(channel.stream()), left);
            }
        }
    }

    // ---- messages ------------------------------------------------------------------------

    private void onSend(Session session, Envelope request) {
        ChannelMessageSend send = request.getChannelMessageSend();
        ChannelId channel = memberChannel(session, request, send.getChannelId());
        if (channel == null) {
            return;
        }
        String contentError = contentError(send.getContent());
        if (contentError != null) {
            session.send(Replies.badInput(request, contentError));
            return;
        }
        Presence sender = tracker.members(channel.stream()).get(session.id());
        String clientId = send.getClientMessageId();
        SentMessage dedup = null;
        if (!clientId.isEmpty() && settings.dedupWindowMs() > 0) {
            if (clientId.length() > 128) {
                session.send(Replies.badInput(request, "client_message_id must be at most 128 characters."));
                return;
            }
            expireDedup();
            String key = session.userId() + '\u0000' + clientId;
            SentMessage previous = sent.get(key);
            if (previous != null) {
                answerResend(previous, session, request.getCid());
                return;
            }
            dedup = remember(key);
        }
        long now = nowMicros();
        StoredChannelMessage message = StoredChannelMessage.newBuilder()
                .setChannelId(channel.id())
                .setMessageId(UUID.randomUUID().toString())
                .setCode(ChannelMessages.CODE_CHAT)
                .setSenderId(session.userId())
                .setUsername(session.username())
                .setContent(send.getContent())
                .setCreateTimeUs(now)
                .setUpdateTimeUs(now)
                .setRoomName(channel.roomName())
                .setGroupId(channel.groupId())
                .setUserIdOne(channel.userIdOne())
                .setUserIdTwo(channel.userIdTwo())
                .setClientMessageId(clientId)
                .build();
        if (dedup != null) {
            dedup.messageId = message.getMessageId();
        }
        String cid = request.getCid();
        if (!sender.userPresence().getPersistence()) {
            delivered(session, cid, channel, message, false, dedup);
            return;
        }
        SentMessage pending = dedup;
        boolean queued = writer.offer(new WriteOp.Append(message, settings.dedupWindowMs(), result ->
                router.execute(() -> {
                    session.requestFinished(); // deferred below: the sender's backlog counted it until now
                    if (result instanceof WriteResult.Ok) {
                        delivered(session, cid, channel, message, true, pending);
                    } else if (result instanceof WriteResult.Duplicate duplicate) {
                        // A retry the writer recognised (e.g. both copies in one batch): the
                        // original is stored and was delivered; acknowledge it again, nothing more.
                        StoredChannelMessage original = message.toBuilder()
                                .setMessageId(duplicate.original().messageId())
                                .setCreateTimeUs(duplicate.original().createTimeUs())
                                .setUpdateTimeUs(duplicate.original().createTimeUs())
                                .build();
                        ChannelMessageAck ack = ChannelMessages.ack(original, ChannelMessages.CODE_CHAT, true);
                        session.send(Envelope.newBuilder().setCid(cid).setChannelMessageAck(ack).build());
                        if (pending != null) {
                            pending.ack = ack;
                            answerWaiters(pending);
                        }
                    } else {
                        failed(session, cid, pending, "Message could not be stored: " + describe(result));
                    }
                })));
        if (queued) {
            session.finishRequestLater(); // the writer calls back exactly once
        } else {
            failed(session, cid, dedup, "Server is busy storing messages; message not sent, retry later.");
        }
    }

    /** Router thread: the message is durable (or needs no storage): everyone gets it, then the sender its ack. */
    private void delivered(Session session, String cid, ChannelId channel, StoredChannelMessage message,
                           boolean persistent, SentMessage dedup) {
        StreamMembers members = tracker.members(channel.stream());
        if (members != null) {
            members.broadcast(Envelope.newBuilder()
                    .setChannelMessage(ChannelMessages.toApi(message, ChannelMessages.CODE_CHAT, persistent)).build());
        }
        ChannelMessageAck ack = ChannelMessages.ack(message, ChannelMessages.CODE_CHAT, persistent);
        session.send(Envelope.newBuilder().setCid(cid).setChannelMessageAck(ack).build());
        if (dedup != null) {
            dedup.ack = ack;
            answerWaiters(dedup);
        }
    }

    /** A send failed: tells the sender (when given) and any resends waiting for it. */
    private void failed(Session session, String cid, SentMessage dedup, String message) {
        if (session != null) {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, message));
        }
        if (dedup != null) {
            // Nothing was stored: a retry must be free to try again.
            sent.remove(dedup.key, dedup);
            if (dedup.waiters != null) {
                for (Waiter waiter : dedup.waiters) {
                    waiter.session().send(Replies.error(waiter.cid(), Error.Code.RUNTIME_EXCEPTION, message));
                }
                dedup.waiters = null;
            }
        }
    }

    private void answerResend(SentMessage previous, Session session, String cid) {
        if (previous.ack != null) {
            session.send(Envelope.newBuilder().setCid(cid).setChannelMessageAck(previous.ack).build());
            return;
        }
        if (previous.waiters == null) {
            previous.waiters = new ArrayList<>(1);
        }
        previous.waiters.add(new Waiter(session, cid));
        if (previous.restored && previous.waiters.size() == 1) {
            // remembered from before a restart: the original is in history
            String messageId = previous.messageId;
            reads.run(session, cid, "Store read failed.", () -> {
                var stored = history.get(messageId);
                router.execute(() -> {
                    if (stored.isPresent()) {
                        previous.ack = ChannelMessages.ack(stored.get(), ChannelMessages.CODE_CHAT, true);
                        previous.restored = false;
                        answerWaiters(previous);
                    } else {
                        failed(null, null, previous, "The original message was removed from history.");
                    }
                });
            });
        }
    }

    private void answerWaiters(SentMessage dedup) {
        if (dedup.waiters == null) {
            return;
        }
        for (Waiter waiter : dedup.waiters) {
            waiter.session().send(Envelope.newBuilder().setCid(waiter.cid()).setChannelMessageAck(dedup.ack).build());
        }
        dedup.waiters = null;
    }

    private void onUpdate(Session session, Envelope request) {
        ChannelMessageUpdate update = request.getChannelMessageUpdate();
        ChannelId channel = memberChannel(session, request, update.getChannelId());
        if (channel == null) {
            return;
        }
        if (!Uuids.isCanonical(update.getMessageId())) {
            session.send(Replies.badInput(request, "Invalid message identifier '" + shorten(update.getMessageId()) + "'."));
            return;
        }
        String contentError = contentError(update.getContent());
        if (contentError != null) {
            session.send(Replies.badInput(request, contentError));
            return;
        }
        String cid = request.getCid();
        boolean queued = writer.offer(new WriteOp.Update(channel.id(), update.getMessageId(), session.userId(),
                update.getContent(), nowMicros(), result -> router.execute(() -> {
                    session.requestFinished();
                    changed(session, cid, channel, result, ChannelMessages.CODE_UPDATE, "update");
                })));
        if (queued) {
            session.finishRequestLater();
        } else {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, "Server is busy storing messages; retry later."));
        }
    }

    private void onRemove(Session session, Envelope request) {
        ChannelMessageRemove remove = request.getChannelMessageRemove();
        ChannelId channel = memberChannel(session, request, remove.getChannelId());
        if (channel == null) {
            return;
        }
        if (!Uuids.isCanonical(remove.getMessageId())) {
            session.send(Replies.badInput(request, "Invalid message identifier '" + shorten(remove.getMessageId()) + "'."));
            return;
        }
        String cid = request.getCid();
        boolean queued = writer.offer(new WriteOp.Remove(channel.id(), remove.getMessageId(), session.userId(),
                result -> router.execute(() -> {
                    session.requestFinished();
                    changed(session, cid, channel, result, ChannelMessages.CODE_REMOVE, "remove");
                })));
        if (queued) {
            session.finishRequestLater();
        } else {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, "Server is busy storing messages; retry later."));
        }
    }

    /** Router thread: an update or removal was applied to history (or refused). */
    private void changed(Session session, String cid, ChannelId channel, WriteResult result, int code, String verb) {
        if (result instanceof WriteResult.Ok ok) {
            StoredChannelMessage message = ok.message();
            if (code == ChannelMessages.CODE_REMOVE) {
                message = message.toBuilder().setContent("{}").build();
            }
            StreamMembers members = tracker.members(channel.stream());
            if (members != null) {
                members.broadcast(Envelope.newBuilder()
                        .setChannelMessage(ChannelMessages.toApi(message, code, true)).build());
            }
            session.send(Envelope.newBuilder().setCid(cid)
                    .setChannelMessageAck(ChannelMessages.ack(message, code, true)).build());
        } else if (result instanceof WriteResult.NotFound) {
            session.send(Replies.error(cid, Error.Code.BAD_INPUT,
                    "Could not find message to " + verb + " in channel history"));
        } else if (result instanceof WriteResult.NotOwner) {
            session.send(Replies.error(cid, Error.Code.BAD_INPUT,
                    "Cannot " + verb + " a message sent by another user."));
        } else {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION,
                    "Could not " + verb + " the message: " + describe(result)));
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    /** The channel of a request if the session is in it; otherwise answers the error and returns null. */
    private ChannelId memberChannel(Session session, Envelope request, String channelId) {
        ChannelId channel;
        try {
            channel = ChannelId.parse(channelId);
        } catch (ChannelId.InvalidChannelException e) {
            session.send(Replies.badInput(request, e.getMessage()));
            return null;
        }
        if (!tracker.isMember(session, channel.stream())) {
            session.send(Replies.badInput(request, "Must join channel " + channel.id() + " before sending to it."));
            return null;
        }
        return channel;
    }

    private String contentError(String content) {
        if (content.isEmpty()) {
            return "Message content is required.";
        }
        if (content.length() * 3 > settings.maxContentBytes()
                && content.getBytes(StandardCharsets.UTF_8).length > settings.maxContentBytes()) {
            return "Message content is over the limit of " + settings.maxContentBytes() + " bytes.";
        }
        return io.gantry.core.JsonText.isStrictObject(content) ? null : "Message content must be a valid JSON object";
    }

    private static boolean hasUser(StreamMembers members, String userId) {
        if (members == null) {
            return false;
        }
        for (Presence presence : members.presences()) {
            if (presence.userId().equals(userId)) {
                return true;
            }
        }
        return false;
    }

    /** Strictly increasing microsecond timestamps, so messages sent in one microsecond keep their order. */
    private long nowMicros() {
        long micros = clock.millis() * 1000L;
        if (micros <= lastMicros) {
            micros = lastMicros + 1;
        }
        lastMicros = micros;
        return micros;
    }

    private SentMessage remember(String key) {
        while (sent.size() >= settings.maxDedupEntries() && !sentByAge.isEmpty()) {
            SentMessage oldest = sentByAge.pollFirst();
            sent.remove(oldest.key, oldest);
        }
        SentMessage entry = new SentMessage(key, clock.millis() + settings.dedupWindowMs());
        sent.put(key, entry);
        sentByAge.addLast(entry);
        return entry;
    }

    private void expireDedup() {
        long now = clock.millis();
        while (!sentByAge.isEmpty() && sentByAge.peekFirst().expiresAtMs <= now) {
            SentMessage expired = sentByAge.pollFirst();
            sent.remove(expired.key, expired); // a write still in flight keeps its own reference
        }
    }

    /** Start-up: client message ids of persistent messages still inside their window. */
    private void warmDedup() {
        if (settings.dedupWindowMs() <= 0) {
            return;
        }
        List<DedupEntry> recent = new ArrayList<>(history.loadRecentDedup(clock.millis()));
        recent.sort(java.util.Comparator.comparingLong(DedupEntry::expiresAtMs));
        for (DedupEntry entry : recent) {
            String key = entry.senderId() + '\u0000' + entry.clientMessageId();
            SentMessage warm = new SentMessage(key, entry.expiresAtMs());
            warm.messageId = entry.messageId();
            warm.restored = true;
            sent.put(key, warm);
            sentByAge.addLast(warm);
        }
        if (!recent.isEmpty()) {
            LOG.info("Remembering {} client message ids from before the restart", recent.size());
        }
    }

    private static String describe(WriteResult result) {
        return result instanceof WriteResult.Failed failed ? failed.reason() : result.getClass().getSimpleName();
    }

    private static String shorten(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "…" : value;
    }
}
