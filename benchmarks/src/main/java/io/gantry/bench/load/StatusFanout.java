package io.gantry.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code status-fanout}: U users appear online (status=true) and change their status at R Hz; F
 * followers follow all of them and receive each change as a status presence event.
 */
@Command(name = "status-fanout", mixinStandardHelpOptions = true,
        description = "F followers of U users whose status changes at R Hz.")
final class StatusFanout implements GantryBench.Scenario {
    private static final int FOLLOWER = 1;
    /** Ids per status_follow request: stays under the default 4096-byte socket message limit. */
    private static final int FOLLOW_CHUNK = 64;

    @Mixin
    CommonOptions o;

    @Option(names = "--followers", defaultValue = "100", paramLabel = "F", description = "Followers (default: ${DEFAULT-VALUE}).")
    int followers;

    @Option(names = "--users", defaultValue = "10", paramLabel = "U", description = "Followed users (default: ${DEFAULT-VALUE}).")
    int users;

    @Override
    public CommonOptions options() {
        return o;
    }

    /**
     * With {@code --ports}, user i of each kind on node i mod n (see {@link Run#users}); the
     * followed users must exist on every node, so the nodes must share a database.
     */
    @Override
    public boolean multiNode() {
        return true;
    }

    @Override
    public Report execute(Run run) throws Exception {
        if (followers < 1 || users < 1) {
            throw new Run.SetupException("need --followers >= 1 and --users >= 1");
        }
        double rate = o.rate(1);
        double duration = o.duration(10);
        List<VirtualUser> online = run.open(run.users("status-user", users), true, 0);
        List<VirtualUser> fans = run.open(run.users("status-follower", followers), false, 0);
        Stats stats = run.stats;
        VirtualUser.Events events = new VirtualUser.Events() {
            @Override
            public void onStatusJoin(VirtualUser u, long sentNs) {
                if (u.role == FOLLOWER) {
                    stats.deliver(u.loopStats, sentNs);
                }
            }
        };
        List<String> ids = new ArrayList<>();
        for (VirtualUser u : online) {
            if (u.userId == null) {
                throw new Run.SetupException("cannot read the user id (uid claim) from the session token");
            }
            ids.add(u.userId);
            u.events(events);
        }
        List<CompletableFuture<Reply>> fs = new ArrayList<>();
        List<VirtualUser> asker = new ArrayList<>();
        for (VirtualUser f : fans) {
            f.role = FOLLOWER;
            f.events(events);
            for (int i = 0; i < ids.size(); i += FOLLOW_CHUNK) {
                List<String> part = ids.subList(i, Math.min(ids.size(), i + FOLLOW_CHUNK));
                fs.add(f.request(cid -> run.wire.statusFollow(cid, part)));
                asker.add(f);
            }
        }
        List<Reply> replies = run.awaitAll(fs, "status_follow");
        java.util.Set<VirtualUser> failed = new java.util.HashSet<>();
        String refusal = null;
        for (int i = 0; i < replies.size(); i++) {
            Reply r = replies.get(i);
            if (r == null || r.isError()) {
                failed.add(asker.get(i));
                if (r != null) {
                    stats.error("status_follow: error " + r.code(), r.message());
                    refusal = refusal == null ? r.toString() : refusal;
                }
            }
        }
        int following = 0;
        for (VirtualUser f : fans) {
            if (failed.contains(f)) {
                f.role = 0;
            } else {
                following++;
            }
        }
        if (following == 0) {
            throw new Run.SetupException("no follower could follow: "
                    + (refusal == null ? run.firstError("") : "the server answered " + refusal)
                    + (o.ports == null ? "" : " (with --ports, the nodes must share a database: --database.address)"));
        }
        for (VirtualUser u : online) {
            u.fanout = following;
        }
        run.log.printf("%,d followers following %,d users%n", following, online.size());
        Thread.sleep(300);
        Wire wire = run.wire;
        Meter.Result r = run.measure(online, rate, o.warmup(2), duration, (u, now) -> {
            if (u.sendRaw(wire.statusUpdate(u.alloc(), now))) {
                stats.sent(u.loopStats, now, u.fanout);
            }
        }, "status-fanout", null);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("followers", followers);
        p.put("users", users);
        p.put("rate_hz", rate);
        p.put("duration_s", duration);
        Report rep = new Report("status-fanout",
                String.format("%d followers of %d users @ %s Hz", followers, users, MatchRelay.trim(rate)), o, run.client, p);
        rep.put("following", following);
        rep.measured(r, o.serverPid, Math.round(1e6 / rate), String.format("updates x %d followers", following));
        return rep;
    }
}
