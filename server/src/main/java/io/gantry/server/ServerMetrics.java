package io.gantry.server;

import io.gantry.core.match.MatchListing;
import io.gantry.core.router.Router;
import io.gantry.core.session.SessionRegistry;
import io.gantry.core.matchmaker.MatchmakerService;
import io.gantry.persistence.StoreWriter;
import io.gantry.transport.http.ApiResponse;
import io.gantry.transport.http.ApiRoutes;
import io.gantry.transport.http.AuthMode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.IntSupplier;

/**
 * {@code GET /metrics} in the Prometheus text format (Micrometer): sockets, the router's
 * backlog and throughput, the matchmaker (active tickets, tickets matched, interval time),
 * authoritative matches, the history writer's group commits, queue depths (router ring free
 * slots, history writer, matchmaker commands, REST, store-reader and RPC executors), and the JVM. Every value is read
 * when scraped from counters the components keep anyway: nothing is added to hot paths.
 */
final class ServerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    ServerMetrics(SessionRegistry sessions, Router router, MatchmakerService matchmaker, MatchListing matches,
                  StoreWriter historyWriter) {
        Gauge.builder("gantry_sessions", sessions, SessionRegistry::size)
                .description("Connected sockets").register(registry);
        Gauge.builder("gantry_router_backlog", router, Router::backlog)
                .description("Events waiting for the router").register(registry);
        Gauge.builder("gantry_router_ring_remaining", router, Router::ringRemaining)
                .description("Free slots in the router's ring").register(registry);
        FunctionCounter.builder("gantry_router_events", router, Router::handledEvents)
                .description("Events handled by the router").register(registry);
        FunctionCounter.builder("gantry_router_rejected_requests", router, Router::rejectedRequests)
                .description("Requests refused because the router's ring was full").register(registry);
        Gauge.builder("gantry_matchmaker_active_tickets", matchmaker, MatchmakerService::activeTickets)
                .description("Matchmaker tickets waiting").register(registry);
        Gauge.builder("gantry_matchmaker_queue", matchmaker, MatchmakerService::queuedCommands)
                .description("Matchmaker adds and removals waiting for its thread").register(registry);
        FunctionCounter.builder("gantry_matchmaker_matched_tickets", matchmaker, MatchmakerService::matchedTotal)
                .description("Matchmaker tickets matched").register(registry);
        Gauge.builder("gantry_matchmaker_last_interval_matched", matchmaker, MatchmakerService::lastIntervalMatched)
                .description("Tickets matched in the last interval").register(registry);
        Gauge.builder("gantry_matchmaker_last_interval_seconds", matchmaker, m -> m.lastIntervalNanos() / 1e9)
                .description("Time the last matchmaker interval took").register(registry);
        FunctionCounter.builder("gantry_matchmaker_intervals", matchmaker, MatchmakerService::intervals)
                .description("Matchmaker intervals processed").register(registry);
        Gauge.builder("gantry_listed_matches", matches, MatchListing::size)
                .description("Matches visible to listings").register(registry);
        FunctionCounter.builder("gantry_history_batches", historyWriter, StoreWriter::batchesWritten)
                .description("Channel history group commits").register(registry);
        FunctionCounter.builder("gantry_history_messages", historyWriter, StoreWriter::opsWritten)
                .description("Channel history writes committed").register(registry);
        Gauge.builder("gantry_history_queue", historyWriter, StoreWriter::queued)
                .description("Channel history writes waiting").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** The cluster's bus: what crossed, what was dropped, and whether Redis is reachable. */
    void cluster(io.gantry.cluster.ClusterNode cluster) {
        FunctionCounter.builder("gantry_cluster_bus_published", cluster, io.gantry.cluster.ClusterNode::busPublished)
                .description("Messages published to other nodes").register(registry);
        FunctionCounter.builder("gantry_cluster_bus_dropped", cluster, io.gantry.cluster.ClusterNode::busDropped)
                .description("Messages for other nodes dropped (bus queue full, or Redis away)").register(registry);
        FunctionCounter.builder("gantry_cluster_bus_batches", cluster, io.gantry.cluster.ClusterNode::busBatches)
                .description("PUBLISH commands sent (one per destination per round)").register(registry);
        FunctionCounter.builder("gantry_cluster_events_dropped", cluster, io.gantry.cluster.ClusterNode::droppedEvents)
                .description("Other nodes' account and leaderboard events dropped (their queue full)").register(registry);
        Gauge.builder("gantry_cluster_connected", cluster, c -> c.connected() ? 1 : 0)
                .description("1 while the bus and heartbeats reach Redis").register(registry);
        Gauge.builder("gantry_cluster_nodes", cluster, c -> c.otherNodes().size() + 1)
                .description("Live nodes of the cluster, this one included").register(registry);
    }

    /**
     * A queue's depth, read when scraped, as {@code gantry_queue_depth{queue="name"}}: the queues
     * wired in {@code GantryServer} after this registry (the REST executor's, the store readers',
     * the RPC executor's).
     */
    void queue(String name, String description, IntSupplier depth) {
        // strongReference: Micrometer holds a gauge's object weakly, and nothing else holds this lambda.
        Gauge.builder("gantry_queue_depth", depth, d -> d.getAsInt()).strongReference(true)
                .tag("queue", name).description(description).register(registry);
    }

    /** The depth of a {@link ThreadPoolExecutor}'s work queue (see {@link #queue}). */
    void queue(String name, String description, ExecutorService executor) {
        if (executor instanceof ThreadPoolExecutor pool) {
            queue(name, description, () -> pool.getQueue().size());
        }
    }

    void register(ApiRoutes routes) {
        routes.add(HttpMethod.GET, "/metrics", AuthMode.NONE,
                request -> ApiResponse.text(registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
