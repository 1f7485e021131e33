package io.gantry.server;

import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the interop suite in {@code interop/tests}: the official {@code @heroiclabs/nakama-js}
 * client (pinned in {@code interop/package-lock.json}, installed by {@code ./scripts/test}) talks
 * to a real Gantry on a free port. Each {@code *.test.js} file is a node:test file; any failure
 * fails this test with Node's report.
 */
class NakamaJsInteropTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        // a one-second matchmaker interval keeps the matchmaker interop test short
        // the tic-tac-toe example module gives match.test.js an authoritative match and an RPC creating one;
        // the leaderboards example gives leaderboards.test.js and tournaments.test.js their boards and RPCs
        server = TestServer.start(config -> config.with(io.gantry.server.config.ConfigKeys.MATCHMAKER_INTERVAL_SEC, 1L),
                runtime -> runtime.module(new io.gantry.examples.tictactoe.TicTacToeModule())
                        .module(new io.gantry.examples.leaderboards.LeaderboardsModule()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void officialClientPassesTheInteropSuite() throws IOException, InterruptedException {
        Path interop = Path.of("..", "interop").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(interop.resolve("node_modules/@heroiclabs/nakama-js")),
                "nakama-js is not installed in " + interop + ": run ./scripts/test (it runs npm ci there first)");
        Path report = Path.of("target", "interop-report.txt").toAbsolutePath();
        Files.createDirectories(report.getParent());
        ProcessBuilder node = new ProcessBuilder(List.of("node", "--test", "--test-concurrency=1",
                "--test-reporter=spec", "tests/"))
                .directory(interop.toFile())
                .redirectErrorStream(true)
                .redirectOutput(report.toFile());
        node.environment().put("GANTRY_HOST", "127.0.0.1");
        node.environment().put("GANTRY_PORT", Integer.toString(server.port()));
        node.environment().put("GANTRY_SERVER_KEY", TestServer.SERVER_KEY);
        Process process = node.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(report, StandardCharsets.UTF_8);
        System.out.println(output);
        assertTrue(finished, "the interop suite did not finish within 5 minutes:\n" + output);
        assertEquals(0, process.exitValue(), "nakama-js interop suite failed:\n" + output);
        assertTrue(output.contains("pass"), "the interop suite ran no test:\n" + output);
    }
}
