package io.gantry.cluster;

import com.google.protobuf.ByteString;
import io.gantry.core.session.Outbound;
import io.gantry.core.tracker.Stream;
import io.gantry.proto.WireFormat;
import io.gantry.proto.cluster.BusBatch;
import io.gantry.proto.cluster.BusMessage;
import io.gantry.proto.cluster.SessionDelivery;
import io.gantry.proto.cluster.StreamDelivery;
import io.gantry.proto.cluster.StreamKey;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The way out of a node onto the bus: a bounded many-to-one queue that any thread offers to
 * without waiting, drained by one thread ({@code gantry-cluster-bus-out}) that publishes each
 * round as one {@link BusBatch} per destination channel, pipelined on one connection. One
 * connection and one thread keep what this node publishes in order at every receiver.
 *
 * <p>A full queue drops the message (counted) and asks for a fresh snapshot of this node's
 * presences once the queue has drained, so the other nodes' directories are right again. While
 * Redis is unreachable, what is queued is dropped (Redis pub/sub is at-most-once anyway) and the
 * thread reconnects every 500 ms; on reconnecting it tells its listener, which resynchronises.
 */
final class BusPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BusPublisher.class);
    /** Most crossings published in one round. */
    private static final int ROUND = 4096;
    private static final long RECONNECT_NANOS = 500_000_000L;

    /** Told of what the other nodes' view of this node needs. */
    interface Listener {
        /** Connected (again): this node's presences should be published and the others' asked for. */
        void connected();

        /** Messages were dropped (full queue): this node's presences should be published again. */
        void overflowed();
    }

    /**
     * One thing to publish. {@code node} null means every node; otherwise exactly one of
     * {@code message}, a stream delivery ({@code stream}, {@code sessionId} the excluded one) or a
     * session delivery ({@code sessionId}) with {@code outbound}.
     */
    private record Crossing(String node, BusMessage message, Stream stream, String sessionId, Outbound outbound,
                            java.util.List<String> sessionIds) {
    }

    private final String self;
    private final String incarnation;
    private final Supplier<Jedis> connections;
    private final MpscArrayQueue<Crossing> queue;
    private final Thread thread;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private volatile boolean connectedOnce;
    private volatile boolean overflowed;
    private volatile Listener listener;
    private volatile Jedis jedis;
    private long nextAttempt;

    BusPublisher(String self, String incarnation, Supplier<Jedis> connections, int capacity) {
        this.self = self;
        this.incarnation = incarnation;
        this.connections = connections;
        this.queue = new MpscArrayQueue<>(capacity);
        this.thread = new Thread(this::run, "gantry-cluster-bus-out");
        this.thread.setDaemon(true);
    }

    void start(Listener listener) {
        this.listener = listener;
        thread.start();
    }

    /** Publishes a message to one node, or to every node when {@code node} is null. Any thread; never blocks. */
    boolean offer(String node, BusMessage message) {
        return offer(new Crossing(node, message, null, null, null, null));
    }

    /** A message for one node's members of a stream, but one session (null for none). */
    boolean offerToStream(String node, Stream stream, String exceptSessionId, Outbound outbound) {
        return offer(new Crossing(node, null, stream, exceptSessionId, outbound, null));
    }

    /** A message for one session on another node. */
    boolean offerToSession(String node, String sessionId, Outbound outbound) {
        return offer(new Crossing(node, null, null, sessionId, outbound, null));
    }

    /** A message for several sessions on one other node (a party's or match's members there). */
    boolean offerToSessions(String node, java.util.List<String> sessionIds, Outbound outbound) {
        return offer(new Crossing(node, null, null, null, outbound, sessionIds));
    }

    private boolean offer(Crossing crossing) {
        if (!queue.offer(crossing)) {
            dropped.incrementAndGet();
            overflowed = true;
            return false;
        }
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    long published() {
        return published.get();
    }

    long dropped() {
        return dropped.get();
    }

    long batches() {
        return batches.get();
    }

    int depth() {
        return queue.size();
    }

    boolean connected() {
        return jedis != null;
    }

    private void run() {
        Map<String, BusBatch.Builder> byChannel = new LinkedHashMap<>();
        // per channel, the message of the round's last delivery to one session: the next delivery
        // of the same message to another session on that node joins it (a match's broadcast to its
        // players crosses once per node, not once per player)
        Map<String, Outbound> lastToSessions = new java.util.HashMap<>();
        while (running) {
            if (jedis == null && !connect()) {
                dropQueued();
                LockSupport.parkNanos(50_000_000L);
                continue;
            }
            int drained = 0;
            Crossing crossing;
            while (drained < ROUND && (crossing = queue.relaxedPoll()) != null) {
                String channel = crossing.node() == null ? "" : crossing.node();
                BusBatch.Builder batch = byChannel.computeIfAbsent(channel,
                        k -> BusBatch.newBuilder().setFrom(self).setIncarnation(incarnation));
                boolean toOneSession = crossing.message() == null && crossing.stream() == null && crossing.sessionIds() == null;
                if (toOneSession && lastToSessions.get(channel) == crossing.outbound()) {
                    batch.getMessagesBuilder(batch.getMessagesCount() - 1).getSessionBuilder()
                            .addSessionIds(crossing.sessionId());
                } else {
                    batch.addMessages(message(crossing));
                    if (toOneSession) {
                        lastToSessions.put(channel, crossing.outbound());
                    } else {
                        lastToSessions.remove(channel);
                    }
                }
                drained++;
            }
            lastToSessions.clear();
            if (drained == 0) {
                if (overflowed) {
                    overflowed = false;
                    listener.overflowed();
                    continue;
                }
                sleeping = true;
                if (queue.isEmpty() && running) {
                    LockSupport.parkNanos(100_000_000L);
                }
                sleeping = false;
                continue;
            }
            try {
                Pipeline pipeline = jedis.pipelined();
                for (Map.Entry<String, BusBatch.Builder> entry : byChannel.entrySet()) {
                    byte[] channel = entry.getKey().isEmpty() ? RedisKeys.BUS_ALL : RedisKeys.bus(entry.getKey());
                    pipeline.publish(channel, entry.getValue().build().toByteArray());
                }
                pipeline.sync();
                published.addAndGet(drained);
                batches.addAndGet(byChannel.size());
            } catch (JedisException e) {
                dropped.addAndGet(drained);
                LOG.warn("cluster bus: publishing failed, {} messages dropped: {}", drained, e.toString());
                disconnect();
            } finally {
                byChannel.clear();
            }
        }
        disconnect();
    }

    private static BusMessage message(Crossing crossing) {
        if (crossing.message() != null) {
            return crossing.message();
        }
        ByteString envelope = ByteString.copyFrom(crossing.outbound().bytes(WireFormat.PROTOBUF));
        if (crossing.stream() != null) {
            StreamDelivery.Builder delivery = StreamDelivery.newBuilder()
                    .setStream(key(crossing.stream()))
                    .setEnvelope(envelope);
            if (crossing.sessionId() != null) {
                delivery.setExceptSessionId(crossing.sessionId());
            }
            return BusMessage.newBuilder().setStream(delivery).build();
        }
        SessionDelivery.Builder delivery = SessionDelivery.newBuilder().setEnvelope(envelope);
        if (crossing.sessionIds() != null) {
            delivery.addAllSessionIds(crossing.sessionIds());
        } else {
            delivery.addSessionIds(crossing.sessionId());
        }
        return BusMessage.newBuilder().setSession(delivery).build();
    }

    static StreamKey key(Stream stream) {
        return StreamKey.newBuilder().setMode(stream.mode()).setSubject(stream.subject())
                .setSubcontext(stream.subcontext()).setLabel(stream.label()).build();
    }

    private boolean connect() {
        long now = System.nanoTime();
        if (now - nextAttempt < 0) {
            return false;
        }
        nextAttempt = now + RECONNECT_NANOS;
        try {
            jedis = connections.get();
            jedis.ping();
        } catch (JedisException e) {
            if (jedis != null) {
                jedis.close();
                jedis = null;
            }
            return false;
        }
        if (connectedOnce) {
            LOG.info("cluster bus: publishing again");
        }
        connectedOnce = true;
        dropQueued();
        listener.connected();
        return true;
    }

    private void dropQueued() {
        int count = queue.drain(crossing -> { });
        if (count > 0) {
            dropped.addAndGet(count);
            overflowed = false; // the (re)connect publishes everything anyway
        }
    }

    private void disconnect() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (JedisException ignored) {
                // already gone
            }
            jedis = null;
        }
    }

    @Override
    public void close() {
        // what was offered before the close (the leaves of the sockets just closed) goes out first
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!queue.isEmpty() && jedis != null && System.nanoTime() - deadline < 0) {
            LockSupport.unpark(thread);
            LockSupport.parkNanos(1_000_000L);
        }
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
