package io.gantry.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.core.match.MatchListing;
import io.gantry.proto.cluster.ListedMatch;
import io.gantry.proto.cluster.ListedMatches;
import io.gantry.runtime.MatchInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Authoritative matches listed from any node: every listing interval this node writes the
 * matches it runs to {@code gantry:matches:<node>} (one value, expiring after three intervals and
 * the node ttl, so a dead node's matches leave the listings with it) and reads the other live
 * nodes' into its {@link MatchListing}. Relayed matches need none of this: they are streams, in
 * every node's directory. Runs on {@code gantry-cluster-listing}.
 */
final class SharedMatchListing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedMatchListing.class);

    private final String self;
    private final MatchListing listing;
    private final Supplier<Jedis> connections;
    private final Supplier<Set<String>> liveNodes;
    private final long expiryMs;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gantry-cluster-listing");
        thread.setDaemon(true);
        return thread;
    });
    private Jedis jedis;

    SharedMatchListing(String self, MatchListing listing, Supplier<Jedis> connections, Supplier<Set<String>> liveNodes,
                       long intervalMs, long nodeTtlMs) {
        this.self = self;
        this.listing = listing;
        this.connections = connections;
        this.liveNodes = liveNodes;
        this.expiryMs = 3 * intervalMs + nodeTtlMs;
        executor.scheduleWithFixedDelay(this::share, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    static byte[] key(String node) {
        return RedisKeys.bytes("gantry:matches:" + node);
    }

    private void share() {
        try {
            if (jedis == null) {
                jedis = connections.get();
            }
            ListedMatches.Builder own = ListedMatches.newBuilder();
            for (MatchInfo info : listing.ownAuthoritative()) {
                own.addMatches(ListedMatch.newBuilder().setMatchId(info.matchId()).setAuthoritative(true)
                        .setLabel(info.label()).setSize(info.size()).setTickRate(info.tickRate())
                        .setHandlerName(info.handlerName()));
            }
            jedis.set(key(self), own.build().toByteArray(), SetParams.setParams().px(expiryMs));
            List<String> others = List.copyOf(liveNodes.get());
            List<MatchInfo> remote = new ArrayList<>();
            if (!others.isEmpty()) {
                byte[][] keys = new byte[others.size()][];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = key(others.get(i));
                }
                for (byte[] value : jedis.mget(keys)) {
                    if (value == null) {
                        continue;
                    }
                    for (ListedMatch match : ListedMatches.parseFrom(value).getMatchesList()) {
                        remote.add(new MatchInfo(match.getMatchId(), match.getAuthoritative(), match.getLabel(),
                                match.getSize(), match.getTickRate(), match.getHandlerName()));
                    }
                }
            }
            listing.replaceRemote(remote);
        } catch (JedisException e) {
            // Redis away: the other nodes' matches stay listed as last read until it returns
            if (jedis != null) {
                try {
                    jedis.close();
                } catch (RuntimeException ignored) {
                    // already gone
                }
                jedis = null;
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            LOG.warn("cluster: sharing the match listing failed", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Jedis last = connections.get()) {
            last.del(key(self));
        } catch (JedisException ignored) {
            // it expires by itself
        }
        if (jedis != null) {
            jedis.close();
        }
    }
}
