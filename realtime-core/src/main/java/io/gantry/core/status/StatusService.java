package io.gantry.core.status;

import io.gantry.core.Uuids;

import com.google.protobuf.StringValue;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Status;
import com.heroiclabs.nakama.rtapi.StatusFollow;
import com.heroiclabs.nakama.rtapi.StatusPresenceEvent;
import com.heroiclabs.nakama.rtapi.StatusUnfollow;
import com.heroiclabs.nakama.rtapi.StatusUpdate;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.router.BlockingCalls;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.router.SessionListener;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;
import io.gantry.persistence.AccountStore;
import io.gantry.proto.storage.StoredAccount;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Online status, as Nakama has it: a session that appears online is a presence in its user's
 * status stream (mode 1, subject = user id) carrying a status text; sessions that follow the
 * user receive a {@code status_presence_event} for every change. Each socket is its own
 * presence, so a user is online while any of its sockets is.
 *
 * <ul>
 *   <li>Connect: every session follows its own user (so it sees its other sockets and its own
 *       changes); with {@code status=true} it also appears online with status {@code ""}, which
 *       is a join for every follower, itself included.</li>
 *   <li>{@code status_follow}: user ids and usernames are checked against the account store off
 *       the router (a store read), then the follow is completed on it; the reply lists the
 *       followed users' current presences (offline users and the caller omitted).</li>
 *   <li>{@code status_update}: a text is one event, the new presence as a join and the previous
 *       one (if any) as a leave; no text appears offline (a leave).</li>
 *   <li>Disconnect: the session's follows are dropped; if it was online its followers get a
 *       leave with its last status.</li>
 * </ul>
 *
 * <p>Threads: everything here runs on the router thread, which owns the {@link StatusRegistry}
 * and the tracker. Only the account lookups of a follow run on the reader executor, and they
 * come back as router tasks.
 */
public final class StatusService implements SessionListener {

    /** Longest status text, in characters (Nakama's limit). */
    public static final int MAX_STATUS_CHARS = 2048;

    private final Router router;
    private final PresenceTracker tracker;
    private final AccountStore accounts;
    private final BlockingCalls reads;
    private final StatusRegistry registry = new StatusRegistry();

    /**
     * Registers the status requests, the connect/disconnect listener and the status stream's
     * disconnect listener on the router. Before the router starts.
     *
     * @param accounts where follow targets are looked up
     * @param readers  runs those lookups (a blocking executor, never the router)
     */
    public StatusService(Router router, AccountStore accounts, Executor readers) {
        this.router = router;
        this.tracker = router.tracker();
        this.accounts = accounts;
        this.reads = new BlockingCalls(readers, router);
        router.register(Envelope.MessageCase.STATUS_FOLLOW, this::onFollow)
                .register(Envelope.MessageCase.STATUS_UNFOLLOW, this::onUnfollow)
                .register(Envelope.MessageCase.STATUS_UPDATE, this::onUpdate)
                .addSessionListener(this);
        tracker.listen(Stream.MODE_STATUS, this::onDisconnectLeave);
        // A user's status on another node of a cluster: this node tells its own followers.
        tracker.listenRemote(Stream.MODE_STATUS, new io.gantry.core.tracker.RemoteListener() {
            @Override
            public void remoteJoined(StreamMembers members, Presence joined, Presence replaced) {
                publish(joined.userId(), List.of(joined.userPresence()),
                        replaced == null ? List.of() : List.of(replaced.userPresence()));
            }

            @Override
            public void remoteLeft(StreamMembers remaining, Presence left, boolean nodeFailed) {
                publish(left.userId(), List.of(), List.of(left.userPresence()));
            }
        });
    }

    // ---- connect / disconnect ------------------------------------------------------------

    @Override
    public void onConnect(Session session) {
        registry.follow(session, session.userId());
        if (session.appearOnline()) {
            UserPresence online = presence(session, "");
            tracker.track(session, statusStream(session.userId()), online, false);
            publish(session.userId(), List.of(online), List.of());
        }
    }

    /** Before the tracker drops the session's presences: a leaver gets no event about itself. */
    @Override
    public void onDisconnect(Session session) {
        registry.unfollowAll(session);
    }

    private void onDisconnectLeave(StreamMembers remaining, Presence left) {
        publish(left.userId(), List.of(), List.of(left.userPresence()));
    }

    // ---- follow / unfollow ---------------------------------------------------------------

    private void onFollow(Session session, Envelope request) {
        StatusFollow follow = request.getStatusFollow();
        Set<String> userIds = new LinkedHashSet<>();
        for (String id : follow.getUserIdsList()) {
            String userId = Uuids.canonical(id);
            if (userId == null) {
                session.send(Replies.badInput(request, "Invalid user identifier '" + shorten(id) + "'."));
                return;
            }
            if (!userId.equals(session.userId())) { // following oneself is implicit
                userIds.add(userId);
            }
        }
        Set<String> usernames = new LinkedHashSet<>();
        for (String username : follow.getUsernamesList()) {
            if (username.isEmpty()) {
                session.send(Replies.badInput(request, "Invalid username: must not be empty."));
                return;
            }
            if (!username.equals(session.username())) {
                usernames.add(username);
            }
        }
        String cid = request.getCid();
        if (userIds.isEmpty() && usernames.isEmpty()) {
            session.send(Envelope.newBuilder().setCid(cid).setStatus(Status.getDefaultInstance()).build());
            return;
        }
        // Whether these users exist is a store read: look them up off the router, finish on it.
        reads.run(session, cid, "Could not check users.", () -> {
            Set<String> found = new LinkedHashSet<>();
            List<String> missingIds = new ArrayList<>();
            List<String> missingNames = new ArrayList<>();
            for (String userId : userIds) {
                if (accounts.byId(userId).isPresent()) {
                    found.add(userId);
                } else {
                    missingIds.add(userId);
                }
            }
            for (String username : usernames) {
                Optional<StoredAccount> account = accounts.byUsername(username);
                if (account.isEmpty()) {
                    missingNames.add(username);
                } else if (!account.get().getId().equals(session.userId())) {
                    found.add(account.get().getId());
                }
            }
            router.execute(() -> completeFollow(session, cid, found, missingIds, missingNames));
        });
    }

    /** Router thread: the lookups are done. */
    private void completeFollow(Session session, String cid, Set<String> found,
                                List<String> missingIds, List<String> missingNames) {
        if (!missingIds.isEmpty() || !missingNames.isEmpty()) {
            StringBuilder message = new StringBuilder("Could not follow:");
            if (!missingIds.isEmpty()) {
                message.append(" no user with id ").append(shorten(String.join(", ", missingIds))).append('.');
            }
            if (!missingNames.isEmpty()) {
                message.append(" no user named ").append(shorten(String.join(", ", missingNames))).append('.');
            }
            session.send(Replies.error(cid, Error.Code.BAD_INPUT, message.toString()));
            return;
        }
        if (session.isClosed() || registry.followCount(session) == 0) {
            return; // disconnected meanwhile: following now would outlive the session
        }
        registry.follow(session, found);
        Status.Builder reply = Status.newBuilder();
        for (String userId : found) {
            StreamMembers online = tracker.members(statusStream(userId));
            if (online != null) {
                for (Presence presence : online.visiblePresences()) {
                    reply.addPresences(presence.userPresence());
                }
            }
        }
        session.send(Envelope.newBuilder().setCid(cid).setStatus(reply).build());
    }

    private void onUnfollow(Session session, Envelope request) {
        StatusUnfollow unfollow = request.getStatusUnfollow();
        List<String> userIds = new ArrayList<>(unfollow.getUserIdsCount());
        for (String id : unfollow.getUserIdsList()) {
            String userId = Uuids.canonical(id);
            if (userId == null) {
                session.send(Replies.badInput(request, "Invalid user identifier '" + shorten(id) + "'."));
                return;
            }
            if (!userId.equals(session.userId())) { // the implicit self-follow stays
                userIds.add(userId);
            }
        }
        registry.unfollow(session, userIds);
        session.send(Envelope.newBuilder().setCid(request.getCid()).build());
    }

    // ---- update --------------------------------------------------------------------------

    private void onUpdate(Session session, Envelope request) {
        StatusUpdate update = request.getStatusUpdate();
        Stream stream = statusStream(session.userId());
        if (!update.hasStatus()) {
            Presence left = tracker.untrack(session, stream);
            session.send(Envelope.newBuilder().setCid(request.getCid()).build());
            if (left != null) {
                publish(session.userId(), List.of(), List.of(left.userPresence()));
            }
            return;
        }
        String text = update.getStatus().getValue();
        if (text.length() > MAX_STATUS_CHARS && text.codePointCount(0, text.length()) > MAX_STATUS_CHARS) {
            session.send(Replies.badInput(request, "Status must be " + MAX_STATUS_CHARS + " characters or less"));
            return;
        }
        UserPresence next = presence(session, text);
        StreamMembers members = tracker.members(stream);
        Presence previous = members == null ? null : members.get(session.id());
        if (previous == null) {
            tracker.track(session, stream, next, false);
        } else {
            tracker.update(session, stream, next, false);
        }
        session.send(Envelope.newBuilder().setCid(request.getCid()).build());
        publish(session.userId(), List.of(next),
                previous == null ? List.of() : List.of(previous.userPresence()));
    }

    // ---- for server code -----------------------------------------------------------------

    /**
     * Makes a session follow users without checking that they exist (server code vouches for
     * the ids). Router thread.
     */
    public void follow(Session session, Collection<String> userIds) {
        assert router.onRouterThreadOrNotStarted() : "status follow" + " off the router thread: " + Thread.currentThread().getName();
        registry.follow(session, userIds);
    }

    /** Stops a session following users (never its own user). Router thread. */
    public void unfollow(Session session, Collection<String> userIds) {
        assert router.onRouterThreadOrNotStarted() : "status unfollow" + " off the router thread: " + Thread.currentThread().getName();
        List<String> others = new ArrayList<>(userIds);
        others.removeIf(session.userId()::equals);
        registry.unfollow(session, others);
    }

    /** Whether any socket of the user appears online. Router thread. */
    public boolean isOnline(String userId) {
        return tracker.count(statusStream(userId)) > 0;
    }

    /** The follow graph. Router thread only. */
    public StatusRegistry registry() {
        return registry;
    }

    // ---- helpers -------------------------------------------------------------------------

    /** One event to every follower of the user: one envelope, shared by all of them. */
    private void publish(String userId, List<UserPresence> joins, List<UserPresence> leaves) {
        Session[] followers = registry.followers(userId);
        if (followers.length == 0) {
            return;
        }
        Outbound event = Outbound.of(Envelope.newBuilder().setStatusPresenceEvent(StatusPresenceEvent.newBuilder()
                .addAllJoins(joins)
                .addAllLeaves(leaves)).build());
        for (Session follower : followers) {
            follower.send(event);
        }
    }

    public static Stream statusStream(String userId) {
        return Stream.of(Stream.MODE_STATUS, userId);
    }

    private static UserPresence presence(Session session, String status) {
        return UserPresence.newBuilder()
                .setUserId(session.userId())
                .setSessionId(session.id())
                .setUsername(session.username())
                .setStatus(StringValue.of(status))
                .build();
    }

    private static String shorten(String value) {
        return value.length() > 200 ? value.substring(0, 200) + "…" : value;
    }
}
