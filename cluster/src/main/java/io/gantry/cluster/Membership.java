package io.gantry.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Which nodes are alive, from heartbeats in Redis. This node holds {@code gantry:node:<name>} =
 * its incarnation with an expiry of {@code cluster.node_ttl_ms}, renewed every third of it, and
 * reads every member's key as often: a key gone means the node died, a new incarnation that it
 * died and came back. Every node decides this alone from the same keys and acts for its own users
 * only. Runs on {@code gantry-cluster-heartbeat}; the listener is called there.
 */
final class Membership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    /** Told when another node appears or dies. */
    interface Listener {
        void nodeUp(String node);

        void nodeDown(String node);

        /** After every look at the others (every heartbeat). */
        default void looked() {
        }
    }

    /** The name is held by a live node. */
    static final class NameTakenException extends RuntimeException {
        NameTakenException(String message) {
            super(message);
        }
    }

    private final ClusterSettings settings;
    private final String incarnation;
    private final Supplier<Jedis> connections;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gantry-cluster-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    /** Heartbeat thread only: the live nodes other than this one and their incarnations. */
    private final Map<String, String> live = new HashMap<>();
    private volatile Map<String, String> published = Map.of();
    /** The node holding the matchmaker's lease as last seen (this one's name included), or null. */
    private volatile String poolHolder;
    private volatile Runnable poolMoved = () -> { };
    private Listener listener;
    private Jedis jedis;
    private volatile boolean reachable;

    Membership(ClusterSettings settings, String incarnation, Supplier<Jedis> connections) {
        this.settings = settings;
        this.incarnation = incarnation;
        this.connections = connections;
    }

    /**
     * Registers this node (refusing a name a live node holds), reads the others once, then beats.
     * The listener hears of every node alive now before this returns.
     */
    void start(Listener listener) {
        this.listener = listener;
        jedis = connections.get();
        String answer = jedis.set(RedisKeys.node(settings.node()), RedisKeys.bytes(incarnation),
                SetParams.setParams().nx().px(settings.nodeTtlMs()));
        if (answer == null) {
            jedis.close();
            throw new NameTakenException("node name '" + settings.node() + "' is held by a live node of the cluster "
                    + "(or by one that died less than cluster.node_ttl_ms ago); give each node its own --name");
        }
        jedis.sadd(RedisKeys.NODES, RedisKeys.bytes(settings.node()));
        reachable = true;
        look();
        heartbeat.scheduleWithFixedDelay(this::beat, settings.heartbeatMs(), settings.heartbeatMs(), TimeUnit.MILLISECONDS);
    }

    /** The node whose matchmaker pool serves the cluster, as last seen; null when unknown. Any thread. */
    String poolHolder() {
        return poolHolder;
    }

    /** The other live nodes as last seen. Any thread. */
    Set<String> others() {
        return published.keySet();
    }

    boolean reachable() {
        return reachable;
    }

    private void beat() {
        try {
            if (jedis == null) {
                jedis = connections.get();
            }
            byte[] key = RedisKeys.node(settings.node());
            String renewed = jedis.set(key, RedisKeys.bytes(incarnation), SetParams.setParams().xx().px(settings.nodeTtlMs()));
            if (renewed == null) {
                // our key expired (Redis was away longer than the ttl): the others think we died
                String taken = jedis.set(key, RedisKeys.bytes(incarnation), SetParams.setParams().nx().px(settings.nodeTtlMs()));
                if (taken == null) {
                    LOG.error("cluster: node name '{}' was taken by another process while this node was away", settings.node());
                } else {
                    LOG.warn("cluster: this node's heartbeat had expired; registered again");
                }
                jedis.sadd(RedisKeys.NODES, RedisKeys.bytes(settings.node()));
            }
            if (!reachable) {
                LOG.info("cluster: Redis reachable again");
            }
            reachable = true;
            look();
        } catch (JedisException e) {
            if (reachable) {
                LOG.warn("cluster: heartbeat failed ({}); this node keeps serving its own users", e.toString());
            }
            reachable = false;
            if (jedis != null) {
                try {
                    jedis.close();
                } catch (RuntimeException ignored) {
                    // already gone
                }
                jedis = null;
            }
        } catch (RuntimeException e) {
            LOG.error("cluster: heartbeat failed", e);
        }
    }

    /** Reads every member's key and tells the listener what changed. */
    private void look() {
        List<byte[]> names = new ArrayList<>(jedis.smembers(RedisKeys.NODES));
        names.removeIf(name -> RedisKeys.string(name).equals(settings.node()));
        Map<String, String> now = new HashMap<>();
        if (!names.isEmpty()) {
            byte[][] keys = new byte[names.size()][];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = RedisKeys.node(RedisKeys.string(names.get(i)));
            }
            List<byte[]> incarnations = jedis.mget(keys);
            for (int i = 0; i < keys.length; i++) {
                String name = RedisKeys.string(names.get(i));
                byte[] value = incarnations.get(i);
                if (value == null) {
                    jedis.srem(RedisKeys.NODES, names.get(i));
                } else {
                    now.put(name, RedisKeys.string(value));
                }
            }
        }
        for (Map.Entry<String, String> known : List.copyOf(live.entrySet())) {
            String current = now.get(known.getKey());
            if (current == null || !current.equals(known.getValue())) {
                live.remove(known.getKey());
                LOG.info("cluster: node {} is gone", known.getKey());
                listener.nodeDown(known.getKey());
            }
        }
        for (Map.Entry<String, String> seen : now.entrySet()) {
            if (!live.containsKey(seen.getKey())) {
                live.put(seen.getKey(), seen.getValue());
                LOG.info("cluster: node {} is up", seen.getKey());
                listener.nodeUp(seen.getKey());
            }
        }
        published = Map.copyOf(live);
        leaseMatchmaker();
        listener.looked();
    }

    private static final byte[] MATCHMAKER = RedisKeys.bytes("gantry:matchmaker");
    /** Renews the lease only when this node holds it: one atomic step in Redis. */
    private static final byte[] RENEW = RedisKeys.bytes(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end");

    /**
     * The matchmaker's pool runs on one node at a time: the holder of {@code gantry:matchmaker}
     * renews it with every heartbeat; when it lapses (the holder died or lost Redis) the first node
     * to look takes it.
     */
    private void leaseMatchmaker() {
        byte[] self = RedisKeys.bytes(settings.node());
        byte[] ttl = RedisKeys.bytes(Long.toString(settings.nodeTtlMs()));
        Object renewed = jedis.eval(RENEW, List.of(MATCHMAKER), List.of(self, ttl));
        if (renewed instanceof Long count && count == 1L) {
            setHolder(settings.node());
            return;
        }
        String taken = jedis.set(MATCHMAKER, self, SetParams.setParams().nx().px(settings.nodeTtlMs()));
        if (taken != null) {
            setHolder(settings.node());
            return;
        }
        byte[] holder = jedis.get(MATCHMAKER);
        setHolder(holder == null ? null : RedisKeys.string(holder));
    }

    void onPoolMoved(Runnable moved) {
        poolMoved = moved;
    }

    private void setHolder(String holder) {
        boolean moved = holder != null && !holder.equals(poolHolder);
        poolHolder = holder;
        if (moved) {
            LOG.info("cluster: the matchmaker's pool runs on {}", holder);
            poolMoved.run();
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a clean stop: the others see this node gone at their next look, not after the ttl
        try (Jedis last = connections.get()) {
            byte[] key = RedisKeys.node(settings.node());
            byte[] held = last.get(key);
            if (held != null && RedisKeys.string(held).equals(incarnation)) {
                last.del(key);
            }
            last.srem(RedisKeys.NODES, RedisKeys.bytes(settings.node()));
            byte[] lease = last.get(MATCHMAKER);
            if (lease != null && RedisKeys.string(lease).equals(settings.node())) {
                last.del(MATCHMAKER);
            }
        } catch (JedisException ignored) {
            // Redis is away: the key expires by itself
        }
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}
