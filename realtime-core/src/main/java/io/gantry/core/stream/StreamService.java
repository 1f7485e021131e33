package io.gantry.core.stream;

import com.google.protobuf.StringValue;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.StreamData;
import com.heroiclabs.nakama.rtapi.StreamPresenceEvent;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.router.Router;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.core.tracker.Presence;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.core.tracker.Stream;
import io.gantry.core.tracker.StreamMembers;
import io.gantry.runtime.StreamId;
import io.gantry.runtime.Streams;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Custom streams (modes from 20 up) for server code, as Nakama's runtime offers them: members
 * receive {@code stream_presence_event} as others join and leave and {@code stream_data} sent
 * to the stream. Calls come from any thread and run on the router.
 */
public final class StreamService implements Streams {

    private final Router router;
    private final PresenceTracker tracker;
    private final SessionRegistry sessions;
    private final String node;

    public StreamService(Router router, SessionRegistry sessions, String node) {
        this.router = router;
        this.tracker = router.tracker();
        this.sessions = sessions;
        this.node = node;
        tracker.listenCustom(this::onDisconnectLeave);
        // Another node's member joined or left (or its node died): this node tells its own members.
        tracker.listenRemoteCustom(new io.gantry.core.tracker.RemoteListener() {
            @Override
            public void remoteJoined(StreamMembers members, Presence joined, Presence replaced) {
                if (replaced == null && !joined.hidden()) {
                    Stream key = members.stream();
                    StreamId stream = new StreamId(key.mode(), key.subject(), key.subcontext(), key.label());
                    members.announce(event(stream, List.of(joined.userPresence()), List.of()));
                }
            }

            @Override
            public void remoteLeft(StreamMembers remaining, Presence left, boolean nodeFailed) {
                if (!left.hidden() && !remaining.isEmpty()) {
                    Stream key = remaining.stream();
                    StreamId stream = new StreamId(key.mode(), key.subject(), key.subcontext(), key.label());
                    remaining.announce(event(stream, List.of(), List.of(left.userPresence())));
                }
            }
        });
    }

    @Override
    public boolean join(String sessionId, StreamId stream, boolean hidden, boolean persistence, String status) {
        Session session = sessions.get(sessionId).orElse(null);
        if (session == null) {
            return false;
        }
        router.execute(() -> {
            if (session.isClosed()) {
                return;
            }
            UserPresence.Builder presence = UserPresence.newBuilder()
                    .setUserId(session.userId())
                    .setSessionId(session.id())
                    .setUsername(session.username())
                    .setPersistence(persistence);
            if (status != null) {
                presence.setStatus(StringValue.of(status));
            }
            Stream key = key(stream);
            Presence tracked = tracker.track(session, key, presence.build(), hidden);
            if (tracker.isNew(tracked) && !hidden) {
                broadcast(tracker.members(key), event(stream, List.of(tracked.userPresence()), List.of()));
            }
        });
        return true;
    }

    @Override
    public void leave(String sessionId, StreamId stream) {
        router.execute(() -> {
            Stream key = key(stream);
            StreamMembers members = tracker.members(key);
            Presence presence = members == null ? null : members.get(sessionId);
            if (presence == null) {
                return;
            }
            tracker.untrack(presence.session(), key);
            announceLeave(tracker.members(key), presence);
        });
    }

    @Override
    public void send(StreamId stream, String data, Collection<io.gantry.runtime.Presence> to,
                     io.gantry.runtime.Presence sender, boolean reliable) {
        List<String> targets = to == null ? null : to.stream().map(io.gantry.runtime.Presence::sessionId).toList();
        router.execute(() -> {
            StreamMembers members = tracker.members(key(stream));
            if (members == null) {
                return;
            }
            StreamData.Builder message = StreamData.newBuilder()
                    .setStream(proto(stream))
                    .setData(data == null ? "" : data)
                    .setReliable(reliable);
            if (sender != null) {
                message.setSender(UserPresence.newBuilder().setUserId(sender.userId())
                        .setSessionId(sender.sessionId()).setUsername(sender.username()));
            }
            Outbound outbound = Outbound.of(Envelope.newBuilder().setStreamData(message).build());
            if (targets == null) {
                members.send(outbound, null); // in a cluster, once to each other node holding members
            } else {
                for (String sessionId : targets) {
                    Presence member = members.get(sessionId);
                    if (member != null) {
                        member.session().send(outbound);
                    }
                }
            }
        });
    }

    /**
     * On the router thread (a router listener or task calling server code) the answer is read
     * directly: waiting for a task queued behind ourselves would never end. Other threads (user
     * code on executors and lanes, never event loops) wait for the router, at most a second;
     * the router never waits on them, so that wait cannot be a cycle.
     */
    @Override
    public List<io.gantry.runtime.Presence> members(StreamId stream) {
        if (router.isRouterThread()) {
            return membersNow(stream);
        }
        CompletableFuture<List<io.gantry.runtime.Presence>> answer = new CompletableFuture<>();
        if (!router.tryExecute(() -> answer.complete(membersNow(stream)))) {
            throw new IllegalStateException("The server is overloaded: stream members are not available now.");
        }
        try {
            return answer.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing stream members", e);
        } catch (Exception e) {
            throw new IllegalStateException("the router did not answer within a second", e);
        }
    }

    /** Router thread. */
    private List<io.gantry.runtime.Presence> membersNow(StreamId stream) {
        StreamMembers members = tracker.members(key(stream));
        if (members == null) {
            return List.of();
        }
        List<io.gantry.runtime.Presence> list = new ArrayList<>(members.size());
        for (Presence presence : members.visiblePresences()) {
            list.add(new io.gantry.runtime.Presence(presence.userId(), presence.sessionId(),
                    presence.userPresence().getUsername(), node));
        }
        return List.copyOf(list);
    }

    private void onDisconnectLeave(StreamMembers remaining, Presence left) {
        announceLeave(remaining, left);
    }

    private void announceLeave(StreamMembers remaining, Presence left) {
        if (left.hidden() || remaining == null || remaining.isEmpty()) {
            return;
        }
        Stream key = remaining.stream();
        StreamId stream = new StreamId(key.mode(), key.subject(), key.subcontext(), key.label());
        broadcast(remaining, event(stream, List.of(), List.of(left.userPresence())));
    }

    private static Envelope event(StreamId stream, List<UserPresence> joins, List<UserPresence> leaves) {
        return Envelope.newBuilder().setStreamPresenceEvent(StreamPresenceEvent.newBuilder()
                .setStream(proto(stream))
                .addAllJoins(joins)
                .addAllLeaves(leaves)).build();
    }

    /** A presence event: see {@link StreamMembers#announce}. */
    private static void broadcast(StreamMembers members, Envelope envelope) {
        if (members != null) {
            members.announce(envelope);
        }
    }

    private static Stream key(StreamId stream) {
        return new Stream(stream.mode(), stream.subject(), stream.subcontext(), stream.label());
    }

    private static com.heroiclabs.nakama.rtapi.Stream proto(StreamId stream) {
        return com.heroiclabs.nakama.rtapi.Stream.newBuilder()
                .setMode(stream.mode())
                .setSubject(stream.subject())
                .setSubcontext(stream.subcontext())
                .setLabel(stream.label())
                .build();
    }
}
