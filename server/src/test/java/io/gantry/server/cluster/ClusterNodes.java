package io.gantry.server.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Several {@link NodeProcess}es, {@code node1} to {@code nodeN}, started with the same extra flags
 * (e.g. {@code --cluster.redis} and {@code --database.address}); {@link #close()} stops and
 * cleans up every one. Nodes are numbered from 1, as their names are: {@code node(1)} is
 * {@code node1}.
 *
 * <pre>{@code
 * try (ClusterNodes cluster = ClusterNodes.start(3, List.of("--cluster.redis", redis.address()))) {
 *     TestUser user = cluster.node(1).newUser();
 *     cluster.kill(2);
 * }
 * }</pre>
 */
public final class ClusterNodes implements AutoCloseable {

    private final List<NodeProcess> nodes;

    private ClusterNodes(List<NodeProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts {@code count} nodes one after another, each healthy before the next starts (the first
     * one alone creates or migrates a shared database's schema).
     */
    public static ClusterNodes start(int count, List<String> flags) {
        List<NodeProcess> nodes = create(count, flags);
        try {
            for (NodeProcess node : nodes) {
                node.start();
            }
        } catch (RuntimeException e) {
            closeAll(nodes, e);
            throw e;
        }
        return new ClusterNodes(nodes);
    }

    /**
     * Starts {@code count} nodes at once and waits until all are healthy: quicker, for flags under
     * which nodes do not race each other at start-up.
     */
    public static ClusterNodes startInParallel(int count, List<String> flags) {
        List<NodeProcess> nodes = create(count, flags);
        List<CompletableFuture<NodeProcess>> starting = nodes.stream()
                .map(node -> CompletableFuture.supplyAsync(node::start, runnable -> {
                    Thread thread = new Thread(runnable, "start-" + node.name());
                    thread.setDaemon(true);
                    thread.start();
                }))
                .toList();
        try {
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            // the others are healthy or failed too by now: allOf waits for every one
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
            closeAll(nodes, cause);
            throw cause;
        }
        return new ClusterNodes(nodes);
    }

    /** Node {@code i}, named {@code node}i; numbered from 1. */
    public NodeProcess node(int i) {
        if (i < 1 || i > nodes.size()) {
            throw new IndexOutOfBoundsException("node" + i + " of " + nodes.size() + " (numbered from 1)");
        }
        return nodes.get(i - 1);
    }

    /** SIGKILL to node {@code i} (numbered from 1), waiting until it is dead. */
    public void kill(int i) {
        node(i).kill();
    }

    /** Every node, node1 first. */
    public List<NodeProcess> nodes() {
        return nodes;
    }

    public int size() {
        return nodes.size();
    }

    /** Stops (SIGTERM, then SIGKILL after 20 s) every node, and deletes their data directories. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (NodeProcess node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static List<NodeProcess> create(int count, List<String> flags) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count);
        }
        List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(new NodeProcess("node" + i, flags));
        }
        return nodes;
    }

    private static void closeAll(List<NodeProcess> nodes, RuntimeException failure) {
        for (NodeProcess node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
