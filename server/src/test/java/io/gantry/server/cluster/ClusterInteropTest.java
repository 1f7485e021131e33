package io.gantry.server.cluster;

import io.gantry.persistence.PostgresTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster of three Gantry processes on loopback ports, one real Redis and one real PostgreSQL,
 * driven by the official nakama-js client with users spread over the nodes
 * ({@code interop/cluster/*.test.js}): chat of every kind, relayed and authoritative matches,
 * parties, status, notifications, the matchmaker, listings, and last the death (kill -9) of a node
 * under load. Every node runs the tic-tac-toe and leaderboards example modules.
 */
class ClusterInteropTest {

    private static RedisTestServer redis;
    private static ClusterNodes nodes;

    @BeforeAll
    static void start() throws IOException {
        redis = RedisTestServer.start();
        String database = PostgresTestServer.address(PostgresTestServer.shared().freshDatabase());
        Path modules = Files.createDirectories(Path.of("target", "cluster-modules").toAbsolutePath());
        for (String example : List.of("tictactoe", "leaderboards")) {
            try (var jars = Files.list(Path.of("..", "examples", example, "target"))) {
                Path jar = jars.filter(p -> p.getFileName().toString().matches("gantry-example-" + example + "-.*\\.jar"))
                        .findFirst().orElseThrow(() -> new IllegalStateException("build examples/" + example + " first (mvn install)"));
                Files.copy(jar, modules.resolve(example + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        nodes = ClusterNodes.start(3, List.of(
                "--cluster.redis", redis.address(),
                "--cluster.node_ttl_ms", "1500",
                "--database.address", database,
                "--matchmaker.interval_sec", "1",
                "--match.label_update_interval_ms", "200",
                "--runtime.path", modules.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void officialClientAcrossThreeNodes() throws IOException, InterruptedException {
        Path interop = Path.of("..", "interop").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(interop.resolve("node_modules/@heroiclabs/nakama-js")),
                "nakama-js is not installed in " + interop + ": run ./scripts/test (it runs npm ci there first)");
        Path report = Path.of("target", "cluster-interop-report.txt").toAbsolutePath();
        List<String> ports = new ArrayList<>();
        List<String> pids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ports.add(Integer.toString(nodes.node(i).port()));
            pids.add(Long.toString(nodes.node(i).pid()));
        }
        ProcessBuilder node = new ProcessBuilder(List.of("node", "--test", "--test-concurrency=1",
                "--test-reporter=spec", "cluster/"))
                .directory(interop.toFile())
                .redirectErrorStream(true)
                .redirectOutput(report.toFile());
        node.environment().put("GANTRY_CLUSTER_PORTS", String.join(",", ports));
        node.environment().put("GANTRY_CLUSTER_PIDS", String.join(",", pids));
        node.environment().put("GANTRY_PORT", ports.get(0));
        Process process = node.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(report, StandardCharsets.UTF_8);
        System.out.println(output);
        String logs = nodes.nodes().stream().map(n -> "---- " + n.name() + "\n" + n.logTail(40))
                .collect(Collectors.joining("\n"));
        assertTrue(finished, "the cluster suite did not finish within 5 minutes:\n" + output + logs);
        assertEquals(0, process.exitValue(), "the cluster suite failed:\n" + output + logs);
        assertTrue(output.contains("pass"), "the cluster suite ran no test:\n" + output);
    }
}
