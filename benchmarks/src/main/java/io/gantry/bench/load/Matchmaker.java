package io.gantry.bench.load;

import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code matchmaker}: N users each add a ticket (2 players, any query) and wait to be matched;
 * reports the time until all are matched. When the server does not serve the matchmaker, it
 * stops with the server's error message.
 */
@Command(name = "matchmaker", mixinStandardHelpOptions = true,
        description = "N users add matchmaker tickets (min 2, max 2, query *); time until all are matched.")
final class Matchmaker implements GantryBench.Scenario {
    @Mixin
    CommonOptions o;

    @Option(names = "--users", defaultValue = "100", paramLabel = "N", description = "Users adding a ticket (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--query", defaultValue = "*", description = "Ticket query (default: ${DEFAULT-VALUE}).")
    String query;

    @Override
    public CommonOptions options() {
        return o;
    }

    /** With {@code --ports}, user i of each kind on node i mod n (see {@link Run#users}). */
    @Override
    public boolean multiNode() {
        return true;
    }

    @Override
    public Report execute(Run run) throws Exception {
        if (users < 2) {
            throw new Run.SetupException("--users must be >= 2");
        }
        double timeout = o.duration(60);
        List<VirtualUser> open = run.open(run.users("mm", users), false, 0);
        AtomicInteger matched = new AtomicInteger();
        AtomicLong lastMatchedNs = new AtomicLong();
        Histogram lat = Stats.newHistogram();
        VirtualUser.Events events = new VirtualUser.Events() {
            @Override
            public void onMatchmakerMatched(VirtualUser u) {
                if (u.matchedAtNs != 0) {
                    return;
                }
                long now = System.nanoTime();
                u.matchedAtNs = now;
                synchronized (lat) {
                    lat.recordValue(Math.min(LoopStats.HIGHEST_US, Math.max(0, (now - u.addedAtNs) / 1000)));
                }
                lastMatchedNs.accumulateAndGet(now, Math::max);
                matched.incrementAndGet();
            }
        };
        run.watchdog.arm(o.setupTimeout + timeout + 60, "matchmaker run over by 60 s");
        List<CompletableFuture<Reply>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (VirtualUser u : open) {
            u.events(events);
            u.addedAtNs = System.nanoTime();
            fs.add(u.request(cid -> run.wire.matchmakerAdd(cid, 2, 2, query)));
        }
        List<Reply> replies = run.awaitAll(fs, "matchmaker_add");
        int tickets = 0;
        Reply refusal = null;
        for (Reply r : replies) {
            if (r == null) {
                continue;
            }
            if (r.isError()) {
                run.stats.error("matchmaker_add: error " + r.code(), r.message());
                refusal = refusal == null ? r : refusal;
            } else {
                tickets++;
            }
        }
        if (tickets == 0) {
            throw new Run.SetupException(refusal != null
                    ? "the server refused matchmaker_add: " + refusal.message() + " (error code " + refusal.code() + ")"
                    : "no matchmaker_add was answered: " + run.firstError(""));
        }
        long deadline = t0 + Phase.secs(timeout);
        long lastPrint = System.nanoTime();
        while (matched.get() < tickets && System.nanoTime() < deadline) {
            Thread.sleep(50);
            if (System.nanoTime() - lastPrint >= 1_000_000_000L && !o.quiet) {
                lastPrint = System.nanoTime();
                run.log.printf("[%6.1fs] matched %,d of %,d tickets | errors %,d%n", (lastPrint - t0) / 1e9,
                        matched.get(), tickets, run.stats.errorCount());
            }
        }
        int m = matched.get();
        boolean all = m >= tickets;
        double allSec = all ? (lastMatchedNs.get() - t0) / 1e9 : -1;
        LatencySummary ls;
        synchronized (lat) {
            ls = LatencySummary.of(lat);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("users", users);
        p.put("query", query);
        p.put("timeout_s", timeout);
        Report rep = new Report("matchmaker", String.format("%d users, tickets of 2", users), o, run.client, p);
        rep.put("tickets", tickets);
        rep.put("matched", m);
        rep.put("unmatched", tickets - m);
        rep.put("time_to_all_matched_s", all ? LatencySummary.round3(allSec) : null);
        rep.put("add_to_matched_ms", ls.toMap());
        rep.line("tickets", String.format("%,d added (%,d users connected)", tickets, open.size()));
        rep.line("matched", String.format("%,d of %,d%s", m, tickets,
                all ? String.format(", all in %.3f s", allSec) : String.format(" before the %s s timeout", MatchRelay.trim(timeout))));
        rep.line("add->matched", ls.line());
        if (users % 2 != 0) {
            rep.note("an odd number of users: one ticket cannot be matched in pairs");
        }
        return rep;
    }
}
