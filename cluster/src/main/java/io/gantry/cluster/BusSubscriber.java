package io.gantry.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.proto.cluster.BusBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The way into a node from the bus: one thread ({@code gantry-cluster-bus-in}) subscribed on one
 * connection to the node's own channel and to {@code gantry:bus:all}, handing every batch from
 * another node to the receiver in arrival order. When the connection drops it subscribes again
 * every 500 ms, and tells its listener each time it is subscribed (again), since batches may have
 * been missed meanwhile.
 */
final class BusSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BusSubscriber.class);

    private final String self;
    private final Supplier<Jedis> connections;
    private final Consumer<BusBatch> receiver;
    private final Runnable subscribed;
    private final Thread thread;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Jedis jedis;
    private volatile Pubsub pubsub;

    BusSubscriber(String self, Supplier<Jedis> connections, Consumer<BusBatch> receiver, Runnable subscribed) {
        this.self = self;
        this.connections = connections;
        this.receiver = receiver;
        this.subscribed = subscribed;
        this.thread = new Thread(this::run, "gantry-cluster-bus-in");
        this.thread.setDaemon(true);
    }

    /** Starts the thread and waits (bounded) for the first subscription. */
    boolean start(long timeoutMs) throws InterruptedException {
        thread.start();
        return firstSubscription.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    boolean connected() {
        return connected;
    }

    private final class Pubsub extends BinaryJedisPubSub {
        private int channels;

        @Override
        public void onSubscribe(byte[] channel, int subscribedChannels) {
            if (++channels == 2) {
                connected = true;
                firstSubscription.countDown();
                subscribed.run();
            }
        }

        @Override
        public void onMessage(byte[] channel, byte[] message) {
            BusBatch batch;
            try {
                batch = BusBatch.parseFrom(message);
            } catch (InvalidProtocolBufferException e) {
                LOG.warn("cluster bus: an unreadable batch of {} bytes was ignored", message.length);
                return;
            }
            if (!batch.getFrom().equals(self)) {
                receiver.accept(batch);
            }
        }
    }

    private void run() {
        boolean logged = false;
        while (running) {
            try {
                jedis = connections.get();
                pubsub = new Pubsub();
                jedis.subscribe(pubsub, RedisKeys.bus(self), RedisKeys.BUS_ALL);
            } catch (JedisException e) {
                if (running && (connected || !logged)) {
                    LOG.warn("cluster bus: subscription lost or refused ({}); retrying every 500 ms", e.toString());
                    logged = true;
                }
            } catch (RuntimeException e) {
                LOG.error("cluster bus: handing a batch to the router failed", e);
            } finally {
                connected = false;
                Jedis current = jedis;
                if (current != null) {
                    try {
                        current.close();
                    } catch (RuntimeException ignored) {
                        // already gone
                    }
                }
            }
            if (running) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Pubsub current = pubsub;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (RuntimeException ignored) {
                // the connection is gone already
            }
        }
        Jedis connection = jedis;
        if (connection != null) {
            try {
                connection.disconnect();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
