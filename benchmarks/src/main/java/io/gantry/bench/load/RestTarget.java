package io.gantry.bench.load;

import picocli.CommandLine.Option;

import java.util.function.Consumer;

/**
 * The target of a closed-loop REST scenario ({@code storage}, {@code social}, {@code leaderboard}):
 * its flags ({@code --target}, {@code --server-threads}, {@code --server-core}) as a picocli mixin,
 * and running the scenario against a server or, with {@code --target self}, against a fresh
 * in-process {@link SelfTestServer} with canned replies: the generator's own ceiling at the shape.
 */
final class RestTarget {

    @Option(names = "--target", defaultValue = "server", description = "server (--host/--port) or self: the in-process "
            + "self-test server's canned replies, the generator's own ceiling at this shape (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--server-threads", defaultValue = "1", description = "Event loops of the in-process server with --target self (default: ${DEFAULT-VALUE}).")
    int serverThreads;

    @Option(names = "--server-core", defaultValue = "-1", paramLabel = "CPU",
            description = "Report how busy this core was in the window (the server and its database pinned there); -1: not measured.")
    int serverCore;

    private SelfTestServer self;

    /** The {@code --target} flag's problem, or null. */
    String checkTarget() {
        return target.equals("server") || target.equals("self") ? null
                : "--target must be server or self, not '" + target + "'";
    }

    /** The {@code --server-threads} flag's problem, or null. */
    String checkServerThreads() {
        return serverThreads < 1 ? "--server-threads must be at least 1" : null;
    }

    /** The in-process server of a {@code --target self} run, or null. */
    SelfTestServer self() {
        return self;
    }

    /**
     * Runs the scenario against {@code --host}/{@code --port}, or with {@code --target self} against
     * a fresh in-process server whose replies {@code canned} sets up (closed after the run).
     *
     * @return the scenario's exit status; 3 when the in-process server cannot start
     */
    Integer run(String scenario, GantryBench.Scenario s, CommonOptions o, Consumer<SelfTestServer> canned) {
        if (!target.equals("self")) {
            return GantryBench.run(s);
        }
        try {
            self = SelfTestServer.start("127.0.0.1", 0, serverThreads);
        } catch (Exception e) {
            System.err.println("gantry-bench " + scenario + ": cannot start the in-process server: " + e);
            return 3;
        }
        try {
            canned.accept(self);
            o.host = "127.0.0.1";
            o.port = self.port();
            System.err.printf("self-test server on 127.0.0.1:%d (%d event loop(s))%n", o.port, serverThreads);
            return GantryBench.run(s);
        } finally {
            self.close();
        }
    }
}
