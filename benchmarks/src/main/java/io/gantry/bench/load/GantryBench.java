package io.gantry.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gantry-bench}: a load generator for any server that speaks the Nakama client protocol
 * (Gantry or Nakama). Run through {@code ./scripts/bench SCENARIO [flags]}; see BENCHMARKS.md.
 *
 * <p>Exit status: 0 after a run (whatever it measured), 2 for bad flags, 3 when the run could not
 * start (nothing connected, the server refused the scenario's requests), 4 when the hard
 * deadline stopped it.
 */
@Command(name = "gantry-bench", mixinStandardHelpOptions = true, version = "gantry-bench 0.1",
        description = "Load generator for servers speaking the Nakama client protocol.",
        subcommands = {MatchRelay.class, ChatFanout.class, StatusFanout.class, ConnectStorm.class,
                Matchmaker.class, StorageLoad.class, SocialLoad.class, LeaderboardLoad.class, LeaderboardSeed.class, AuthLoad.class, SelfTest.class, CommandLine.HelpCommand.class})
public final class GantryBench implements Runnable {

    /** A scenario: a subcommand with the common flags that builds a report from a run. */
    interface Scenario extends Callable<Integer> {
        CommonOptions options();

        Report execute(Run run) throws Exception;

        /** Whether the scenario spreads its users over several nodes with {@code --ports}. */
        default boolean multiNode() {
            return false;
        }

        @Override
        default Integer call() {
            return GantryBench.run(this);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    static int run(Scenario s) {
        String name = s.getClass().getAnnotation(Command.class).name();
        String bad = s.options().check();
        if (bad != null) {
            System.err.println("gantry-bench " + name + ": " + bad);
            return 2;
        }
        if (s.options().ports != null && !s.multiNode()) {
            System.err.println("gantry-bench " + name + ": --ports works with the socket scenarios only (match-relay, "
                    + "chat-fanout, status-fanout, connect-storm, matchmaker)");
            return 2;
        }
        Run run = null;
        try {
            run = new Run(name, s.options(), System.err);
            Report r = s.execute(run);
            run.finish(r);
            return 0;
        } catch (Run.SetupException e) {
            System.err.println("gantry-bench " + name + ": cannot run: " + e.getMessage());
            if (run != null) {
                for (Map.Entry<String, Object[]> err : run.stats.errors().entrySet()) {
                    System.err.printf("  %,d x %s%s%n", (Long) err.getValue()[0], err.getKey(),
                            err.getValue()[1] == null ? "" : ": " + err.getValue()[1]);
                }
            }
            return 3;
        } catch (Exception e) {
            System.err.println("gantry-bench " + name + ": failed: " + e);
            e.printStackTrace(System.err);
            return 1;
        } finally {
            if (run != null) {
                run.close();
            }
        }
    }

    public static void main(String[] args) {
        int code = new CommandLine(new GantryBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
