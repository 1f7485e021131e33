package io.gantry.cluster;

import java.net.URI;
import java.util.Objects;

/**
 * How a node joins its cluster (docs/CLUSTER.md, "Settings").
 *
 * @param node         this node's name, unique in the cluster
 * @param redis        {@code redis://host:port[/db]}
 * @param nodeTtlMs    how long a heartbeat lives: a node silent this long is dead to the others
 * @param busQueueSize the bound of the queue of messages waiting to cross to other nodes
 */
public record ClusterSettings(String node, URI redis, long nodeTtlMs, int busQueueSize) {

    public ClusterSettings {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(redis, "redis");
        if (!"redis".equals(redis.getScheme()) || redis.getHost() == null
                || !(redis.getPath() == null || redis.getPath().isEmpty() || redis.getPath().matches("/\\d{0,5}"))) {
            // the address may hold a password: never repeat it
            throw new IllegalArgumentException("cluster.redis must be redis://[[user]:password@]host[:port][/db]");
        }
        if (nodeTtlMs < 300) {
            throw new IllegalArgumentException("cluster.node_ttl_ms must be at least 300, not " + nodeTtlMs);
        }
        if (busQueueSize < 2) {
            throw new IllegalArgumentException("cluster.bus_queue_size must be at least 2, not " + busQueueSize);
        }
    }

    /** Parses {@code redis://host:port[/db]}. */
    public static ClusterSettings of(String node, String redis, long nodeTtlMs, int busQueueSize) {
        URI uri;
        try {
            uri = new URI(redis);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("cluster.redis must be redis://[[user]:password@]host[:port][/db]");
        }
        return new ClusterSettings(node, uri, nodeTtlMs, busQueueSize);
    }

    public String host() {
        return redis.getHost();
    }

    public int port() {
        return redis.getPort() < 0 ? 6379 : redis.getPort();
    }

    /** The user from the address, or null. */
    public String user() {
        String info = redis.getUserInfo();
        if (info == null || info.indexOf(':') <= 0) {
            return null;
        }
        return info.substring(0, info.indexOf(':'));
    }

    /** The password from the address, or null. */
    public String password() {
        String info = redis.getUserInfo();
        if (info == null) {
            return null;
        }
        int colon = info.indexOf(':');
        return colon < 0 ? null : info.substring(colon + 1);
    }

    /** The Redis database number from the path, 0 when absent. */
    public int database() {
        String path = redis.getPath();
        return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
    }

    /** How often the heartbeat is renewed and the others' are read. */
    public long heartbeatMs() {
        return Math.max(100, nodeTtlMs / 3);
    }
}
