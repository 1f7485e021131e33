package io.gantry.cluster;

import io.gantry.core.router.Router;
import io.gantry.core.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * This node's membership of a cluster (docs/CLUSTER.md): heartbeats ({@link Membership}), the bus
 * out ({@link BusPublisher}) and in ({@link BusSubscriber}), and the presence directory
 * ({@link RemotePresences}) linked into the router's tracker. Joined before the router starts,
 * left after it stopped.
 *
 * <pre>{@code
 * ClusterNode cluster = ClusterNode.join(settings, router, sessions);   // before router.start()
 * ...
 * cluster.close();                                                       // after router.close()
 * }</pre>
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final ClusterSettings settings;
    private final Router router;
    private final BusPublisher publisher;
    private final BusSubscriber subscriber;
    private final Membership membership;
    private final RemotePresences presences;
    private final Supplier<Jedis> commands;
    private SharedMatchListing matchListing;

    private ClusterNode(ClusterSettings settings, Router router, SessionRegistry sessions, int remoteQueueSize) {
        this.settings = settings;
        this.router = router;
        String incarnation = UUID.randomUUID().toString();
        Supplier<Jedis> connections = () -> new Jedis(new HostAndPort(settings.host(), settings.port()),
                DefaultJedisClientConfig.builder()
                        .database(settings.database())
                        .autoNegotiateProtocol(false)
                        .connectionTimeoutMillis((int) Math.min(2000, settings.nodeTtlMs()))
                        .socketTimeoutMillis(0)
                        .user(settings.user())
                        .password(settings.password())
                        .clientName("gantry-" + settings.node())
                        .build());
        Supplier<Jedis> commands = () -> new Jedis(new HostAndPort(settings.host(), settings.port()),
                DefaultJedisClientConfig.builder()
                        .database(settings.database())
                        .autoNegotiateProtocol(false)
                        .connectionTimeoutMillis((int) Math.min(2000, settings.nodeTtlMs()))
                        .socketTimeoutMillis((int) Math.max(500, settings.nodeTtlMs() / 2))
                        .user(settings.user())
                        .password(settings.password())
                        .clientName("gantry-" + settings.node())
                        .build());
        this.commands = commands;
        this.publisher = new BusPublisher(settings.node(), incarnation, commands, settings.busQueueSize());
        this.membership = new Membership(settings, incarnation, commands);
        this.presences = new RemotePresences(router, sessions, publisher, remoteQueueSize,
                membership::others);
        presences.barrierTimeout(settings.nodeTtlMs());
        presences.busUp(() -> publisher.connected() && subscriberConnected());
        this.subscriber = new BusSubscriber(settings.node(), connections,
                batch -> router.execute(() -> presences.apply(batch)),
                // subscribed (again): what the others hold may have changed unseen, so ask them all
                () -> router.execute(() -> presences.requestSync(null)));
    }

    /**
     * Joins the cluster: subscribes to the bus, registers this node's heartbeat (refused when a
     * live node holds the name), and links the router's tracker to the other nodes. Before the
     * router starts.
     *
     * @param remoteQueueSize the bound of a remote session's queue (messages on their way to the bus)
     */
    public static ClusterNode join(ClusterSettings settings, Router router, SessionRegistry sessions,
                                   int remoteQueueSize) throws InterruptedException {
        ClusterNode node = new ClusterNode(settings, router, sessions, remoteQueueSize);
        node.start();
        return node;
    }

    private void start() throws InterruptedException {
        router.tracker().clusterLink(presences);
        publisher.start(new BusPublisher.Listener() {
            @Override
            public void connected() {
                // this node's presences, to everyone: replaces what they held of it
                router.execute(() -> presences.publishSnapshot(null));
            }

            @Override
            public void overflowed() {
                router.execute(() -> presences.publishSnapshot(null));
            }
        });
        try {
            if (!subscriber.start(10_000)) {
                throw new IllegalStateException("cluster: could not subscribe to Redis at " + settings.host() + ":"
                        + settings.port() + " within 10 s");
            }
            membership.start(new Membership.Listener() {
                @Override
                public void nodeUp(String node) {
                    router.execute(() -> presences.requestSync(node));
                }

                @Override
                public void nodeDown(String node) {
                    router.execute(() -> presences.nodeFailed(node));
                }

                @Override
                public void looked() {
                    router.execute(() -> {
                        presences.expireBarriers();
                        presences.askAgain();
                    });
                }
            });
        } catch (RuntimeException | InterruptedException e) {
            subscriber.close();
            publisher.close();
            throw e;
        }
        LOG.info("cluster: node {} joined through Redis at {}:{}; other nodes: {}", settings.node(),
                settings.host(), settings.port(), membership.others());
    }

    /**
     * Lists the authoritative matches of every node on this one and this node's on every other,
     * refreshed every {@code intervalMs} (the listing's own interval).
     */
    public synchronized void shareMatchListing(io.gantry.core.match.MatchListing listing, long intervalMs) {
        if (matchListing == null) {
            matchListing = new SharedMatchListing(settings.node(), listing, commands, membership::others, intervalMs,
                    settings.nodeTtlMs());
        }
    }

    /**
     * The node whose matchmaker pool takes the cluster's tickets, or null when it is this one (or
     * Redis is away: then this node matches its own users). Any thread.
     */
    public String matchmakerNode() {
        if (!connected()) {
            return null; // Redis away: this node matches its own users
        }
        String holder = membership.poolHolder();
        if (holder != null && holder.equals(settings.node())) {
            return null;
        }
        if (holder == null || !membership.others().contains(holder)) {
            return ""; // its holder died; the lease moves within the ttl
        }
        return holder;
    }

    /**
     * Joins the matchmaker to the cluster's one pool: its commands and answers cross on the bus,
     * and it hears (on the router) when the pool moves. Before the router starts.
     */
    public io.gantry.core.matchmaker.MatchmakerPool matchmakerPool(io.gantry.core.matchmaker.MatchmakerService service) {
        presences.matchmaker(service);
        membership.onPoolMoved(() -> router.execute(service::poolMoved));
        return new io.gantry.core.matchmaker.MatchmakerPool() {
            @Override
            public String node() {
                return matchmakerNode();
            }

            @Override
            public String self() {
                return settings.node();
            }

            @Override
            public boolean command(String node, io.gantry.proto.cluster.PoolCommand command) {
                if (!presences.busUp()) {
                    return false;
                }
                presences.publish(node, io.gantry.proto.cluster.BusMessage.newBuilder().setPoolCommand(command).build());
                return true;
            }

            @Override
            public void answer(String node, io.gantry.proto.cluster.PoolAnswer answer) {
                presences.publish(node, io.gantry.proto.cluster.BusMessage.newBuilder().setPoolAnswer(answer).build());
            }

            @Override
            public io.gantry.core.session.Session remoteSession(String node, com.heroiclabs.nakama.rtapi.UserPresence presence) {
                return presences.session(node, presence);
            }
        };
    }

    /**
     * What other nodes' account and leaderboard events need done here (store reads, rank moves),
     * in arrival order, never on the router or the bus threads. Bounded: a full queue drops the work
     * (counted and logged; a rank moved by a dropped event is corrected by that record's next write
     * or a restart).
     */
    private final java.util.concurrent.atomic.AtomicLong droppedWork = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.ThreadPoolExecutor accountWork = new java.util.concurrent.ThreadPoolExecutor(
            1, 1, 0, java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(65_536),
            runnable -> {
                Thread thread = new Thread(runnable, "gantry-cluster-store");
                thread.setDaemon(true);
                return thread;
            }, (task, pool) -> {
                if (droppedWork.getAndIncrement() % 10_000 == 0) {
                    LOG.warn("cluster: the queue of other nodes' account and leaderboard events is full; dropped {}",
                            droppedWork.get());
                }
            });

    private final java.util.concurrent.atomic.AtomicBoolean revocationReadQueued = new java.util.concurrent.atomic.AtomicBoolean();

    /** Other nodes' account and leaderboard events dropped because their queue was full. */
    public long droppedEvents() {
        return droppedWork.get();
    }

    /**
     * Logouts and account deletions reach every node: a logout has the others read the new
     * revocations ({@code readRevocations}: the store's, on a thread of the cluster's), a deletion
     * has them close the user's sockets ({@code closeSessions}). Returns what this node calls for
     * its own logouts and deletions: {@code (userId, deleted)}.
     */
    public java.util.function.BiConsumer<String, Boolean> accountEvents(Runnable readRevocations,
                                                                         java.util.function.Consumer<String> closeSessions) {
        presences.accountEvents(event -> {
            if (event.getDeleted()) {
                closeSessions.accept(event.getUserId());
            }
            // one read catches up with every revocation written since the last: no need to queue
            // another while one waits
            if (revocationReadQueued.compareAndSet(false, true)) {
                long dropped = droppedWork.get();
                accountWork.execute(() -> {
                    revocationReadQueued.set(false);
                    try {
                        readRevocations.run();
                    } catch (RuntimeException e) {
                        LOG.warn("cluster: reading revocations after another node's logout failed", e);
                    }
                });
                if (droppedWork.get() != dropped) {
                    revocationReadQueued.set(false); // refused: the next event tries again
                }
            }
        });
        return (userId, deleted) -> presences.publish(null, io.gantry.proto.cluster.BusMessage.newBuilder()
                .setAccount(io.gantry.proto.cluster.AccountEvent.newBuilder().setUserId(userId).setDeleted(deleted))
                .build());
    }

    /**
     * Leaderboards follow every node's changes: a board another node created or deleted is read from
     * the store (on a thread of the cluster's), a record another node wrote moves this node's ranks.
     */
    public void shareLeaderboards(io.gantry.core.leaderboard.LeaderboardService leaderboards) {
        presences.leaderboardEvents(event -> {
            if (event.getBoard()) {
                accountWork.execute(() -> {
                    try {
                        leaderboards.remoteBoardChanged(event.getBoardId());
                    } catch (RuntimeException e) {
                        LOG.warn("cluster: reading leaderboard {} after another node changed it failed", event.getBoardId(), e);
                    }
                });
            } else {
                // never on the router: the rank index takes a lock its readers share
                accountWork.execute(() -> leaderboards.remoteRecordChanged(event.getBoardId(), event.getExpiry(),
                        event.getOwnerId(), event.getScore(), event.getSubscore(), event.getDeleted()));
            }
        });
        leaderboards.clusterEvents(new io.gantry.core.leaderboard.LeaderboardService.ClusterEvents() {
            @Override
            public void boardChanged(String boardId) {
                presences.publish(null, io.gantry.proto.cluster.BusMessage.newBuilder().setLeaderboard(
                        io.gantry.proto.cluster.LeaderboardEvent.newBuilder().setBoardId(boardId).setBoard(true)).build());
            }

            @Override
            public void recordChanged(String boardId, long expiry, String ownerId, long score, long subscore,
                                      boolean deleted) {
                presences.publish(null, io.gantry.proto.cluster.BusMessage.newBuilder().setLeaderboard(
                        io.gantry.proto.cluster.LeaderboardEvent.newBuilder().setBoardId(boardId).setExpiry(expiry)
                                .setOwnerId(ownerId).setScore(score).setSubscore(subscore).setDeleted(deleted)).build());
            }
        });
    }

    /** The other live nodes as last seen. Any thread. */
    public Set<String> otherNodes() {
        return membership.others();
    }

    private boolean subscriberConnected() {
        return subscriber.connected();
    }

    /** Whether the bus and heartbeats reach Redis now. Any thread. */
    public boolean connected() {
        return publisher.connected() && subscriber.connected() && membership.reachable();
    }

    /** Messages published to other nodes so far. */
    public long busPublished() {
        return publisher.published();
    }

    /** Messages dropped (full queue, Redis away). */
    public long busDropped() {
        return publisher.dropped();
    }

    /** {@code PUBLISH} commands sent (one per destination per round). */
    public long busBatches() {
        return publisher.batches();
    }

    public int busQueueDepth() {
        return publisher.depth();
    }

    /** Leaves: what is queued is published, the heartbeat key removed, the bus closed. After the router closed. */
    @Override
    public void close() {
        accountWork.shutdownNow();
        synchronized (this) {
            if (matchListing != null) {
                matchListing.close();
            }
        }
        publisher.close();
        membership.close();
        subscriber.close();
    }
}
