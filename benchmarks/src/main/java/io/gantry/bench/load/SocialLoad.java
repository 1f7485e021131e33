package io.gantry.bench.load;

import io.netty.buffer.ByteBuf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code social}: Nakama's REST friend and group calls, closed loop with {@code --in-flight}
 * requests in flight (one per keep-alive connection), as {@link StorageLoad} does for storage.
 * Users are device-authenticated up front under a device prefix new to each run (so a rerun
 * against the same server starts from no edges).
 *
 * <ul>
 *   <li>{@code friend-add}: {@code POST /v2/friend?ids=<j>} as i (the invite), then as j for i
 *   (the accept), over pairs of {@code --users} users that have no edge yet, each pair once
 *   ({@link SocialRequests.FriendPairs}); both requests count. The pool holds
 *   U × ⌊(U − 1) / 2⌋ pairs; if the run uses them all, the rest of it is an error, reported.</li>
 *   <li>{@code friend-list}: {@code GET /v2/friend?limit=100} as users who each have
 *   {@code --friends} mutual friends, added (invite and accept) in set-up.</li>
 *   <li>{@code group-join}: {@code POST /v2/group/{id}/join} on {@code --groups} open groups
 *   created in set-up by one more user (max_count U + 1), each (user, group) pair once
 *   ({@link SocialRequests.JoinPairs}): many groups, not join-then-leave, so every measured
 *   request is a join. The pool holds U × G joins.</li>
 *   <li>{@code group-users}: {@code GET /v2/group/{id}/user?limit=100} on {@code --groups} open
 *   groups of {@code --members} members each (user 0 creates them, the others join in set-up),
 *   asked by the members in turn.</li>
 * </ul>
 *
 * A reply counts only when it is a 2xx with the expected number of {@code "user":} fields (0 for
 * the adds and joins, whose answer is {@code {}}). {@code --target self} runs the same shape
 * against the in-process {@link SelfTestServer}'s canned replies ({@link CannedSocial}): the
 * generator's own ceiling.
 */
@Command(name = "social", mixinStandardHelpOptions = true,
        description = "REST friend adds or lists, group joins or member listings, closed loop with a fixed number of requests in flight.")
final class SocialLoad implements GantryBench.Scenario {
    static final List<String> OPS = List.of("friend-add", "friend-list", "group-join", "group-users");
    /** The list limit of friend-list and group-users. */
    static final int LIST_LIMIT = 100;

    @Mixin
    CommonOptions o;

    @Option(names = "--op", defaultValue = "friend-add", description = "friend-add, friend-list, group-join or group-users (default: ${DEFAULT-VALUE}).")
    String op;

    @Option(names = "--in-flight", defaultValue = "64", description = "Requests in flight: keep-alive connections, one request each (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--users", paramLabel = "U", description = "Users (default: friend-add 1000, friend-list 256, group-join 1000; "
            + "group-users: --members).")
    Integer users;

    @Option(names = "--friends", defaultValue = "20", paramLabel = "F", description = "friend-list: mutual friends per user, even (default: ${DEFAULT-VALUE}).")
    int friends;

    @Option(names = "--groups", paramLabel = "G", description = "Groups (default: group-join 500, group-users 20).")
    Integer groups;

    @Option(names = "--members", defaultValue = "50", paramLabel = "M", description = "group-users: members per group, its creator included (default: ${DEFAULT-VALUE}).")
    int members;

    @Mixin
    RestTarget target;

    @Override
    public CommonOptions options() {
        return o;
    }

    @Override
    public Integer call() {
        String bad = check();
        if (bad != null) {
            System.err.println("gantry-bench social: " + bad);
            return 2;
        }
        return target.run("social", this, o,
                s -> s.cannedSocial(op.equals("friend-list") ? friends : 0, op.equals("group-users") ? members : 0));
    }

    int users() {
        if (users != null) {
            return users;
        }
        return switch (op) {
            case "friend-list" -> 256;
            case "group-users" -> members;
            default -> 1000;
        };
    }

    int groups() {
        return groups != null ? groups : op.equals("group-join") ? 500 : 20;
    }

    /** The flags' problem, or null. */
    String check() {
        if (!OPS.contains(op)) {
            return "--op must be friend-add, friend-list, group-join or group-users, not '" + op + "'";
        }
        String badTarget = target.checkTarget();
        if (badTarget != null) {
            return badTarget;
        }
        if (inFlight < 1 || inFlight > 10_000) {
            return "--in-flight must be 1-10000";
        }
        int u = users();
        if (u < 2 || u > 100_000) {
            return "--users must be 2-100000";
        }
        if (groups() < 1 || groups() > 10_000) {
            return "--groups must be 1-10000";
        }
        if (op.equals("friend-list") && (friends < 2 || friends % 2 != 0 || friends > LIST_LIMIT || friends > u - 1)) {
            return "--friends must be even, 2-" + LIST_LIMIT + " and below --users (each user befriends the next F/2)";
        }
        if (op.equals("group-users") && (members < 2 || members > LIST_LIMIT)) {
            return "--members must be 2-" + LIST_LIMIT + " (the list limit)";
        }
        if (op.equals("group-users") && users != null && users != members) {
            return "group-users: --users is --members (the members ask); leave --users out";
        }
        if (o.rate != null) {
            return "--rate does not apply: social is a closed loop (--in-flight requests in flight)";
        }
        return target.checkServerThreads();
    }

    String shape() {
        int u = users();
        return switch (op) {
            case "friend-add" -> String.format("friend add (invite, accept) over %,d users' %,d pairs",
                    u, new SocialRequests.FriendPairs(u).capacity());
            case "friend-list" -> String.format("friend list limit %d, %d friends each, %,d users", LIST_LIMIT, friends, u);
            case "group-join" -> String.format("group join, %,d users x %,d open groups", u, groups());
            default -> String.format("group users limit %d, %,d groups of %d members", LIST_LIMIT, groups(), members);
        } + String.format(", %d in flight", inFlight);
    }

    @Override
    public Report execute(Run run) throws Exception {
        int u = users();
        // a device prefix new to this run: its users have no friends and are in no group yet
        String nonce = Long.toString(System.currentTimeMillis(), 36);
        int extra = op.equals("group-join") ? 1 : 0; // group-join's groups belong to one more user
        List<VirtualUser> us = run.authenticate(run.users(op + "-" + nonce, u + extra));
        run.log.printf("authenticated %,d/%,d (device ids %s…)%n", us.size(), u + extra,
                us.isEmpty() ? "-" : us.get(0).deviceId);
        if (us.size() < u + extra) {
            throw new Run.SetupException("authentication failed for " + (u + extra - us.size()) + " users: " + run.firstError("auth"));
        }
        for (VirtualUser v : us) {
            if (v.userId == null) {
                throw new Run.SetupException("no user id (uid claim) in the session token of " + v.deviceId);
            }
        }
        String hostHeader = Auth.hostForUri(o.host) + ":" + o.port;
        RestLoad load = new RestLoad(run.client, o.host, o.port, inFlight, RestLoad.marker("user"));
        try {
            int open = load.open(run.setupDeadlineMs());
            run.log.printf("%d of %d HTTP connections open%n", open, inFlight);
            if (open == 0) {
                throw new Run.SetupException("no HTTP connection could be opened: " + run.firstError("connect"));
            }
            int conns = load.connections();
            ByteBuf[] post = new ByteBuf[us.size()];
            ByteBuf[] get = new ByteBuf[us.size()];
            for (int k = 0; k < us.size(); k++) {
                post[k] = SocialRequests.postHeaders(hostHeader, us.get(k).token);
                get[k] = SocialRequests.getHeaders(hostHeader, us.get(k).token);
            }
            AtomicLong exhausted = new AtomicLong(-1);
            SocialRequests.Exhausted onEmpty = g -> {
                if (exhausted.compareAndSet(-1, g)) {
                    run.stats.error("social " + op + ": the pool ran out", "pair " + g + ": a larger --users"
                            + (op.equals("group-join") ? " or --groups" : "") + " gives more (see the pool in the report)");
                }
            };
            long pool;
            RestLoad.Source source;
            int expect = 0;
            switch (op) {
                case "friend-add" -> {
                    SocialRequests.FriendPairs pairs = new SocialRequests.FriendPairs(u);
                    pool = pairs.capacity();
                    source = SocialRequests.friendSource(pairs, pool, addLines(us), post, conns, onEmpty);
                }
                case "friend-list" -> {
                    SocialRequests.FriendPairs pairs = new SocialRequests.FriendPairs(u);
                    long setupPairs = pairs.withFriendsEach(friends);
                    AtomicLong setupEmpty = new AtomicLong();
                    load.setup(run, "social friend set-up", SocialRequests.friendSource(pairs, setupPairs, addLines(us), post, conns,
                            g -> setupEmpty.incrementAndGet()), 2 * setupPairs, "social");
                    run.log.printf("%,d users have %d friends each (%,d pairs, invite and accept)%n", u, friends, setupPairs);
                    List<RestLoad.Req> reqs = new ArrayList<>();
                    ByteBuf line = SocialRequests.line("GET", SocialRequests.friendListPath(LIST_LIMIT));
                    for (ByteBuf h : get) {
                        reqs.add(new RestLoad.Req(line, h, friends));
                    }
                    pool = reqs.size();
                    expect = friends;
                    source = SocialRequests.rotating(reqs, conns);
                }
                case "group-join" -> {
                    VirtualUser owner = us.get(u);
                    List<String> ids = createGroups(run, owner.token, nonce, groups(), u + 1);
                    SocialRequests.JoinPairs pairs = new SocialRequests.JoinPairs(u, groups());
                    pool = pairs.capacity();
                    source = SocialRequests.joinSource(pairs, pool, joinLines(ids), post, conns, onEmpty);
                }
                default -> {
                    List<String> ids = createGroups(run, us.get(0).token, nonce, groups(), members);
                    ByteBuf[] joinLines = joinLines(ids);
                    List<RestLoad.Req> joins = new ArrayList<>();
                    for (ByteBuf jl : joinLines) {
                        for (int k = 1; k < members; k++) {
                            joins.add(new RestLoad.Req(jl, post[k], 0));
                        }
                    }
                    AtomicInteger next = new AtomicInteger();
                    load.setup(run, "social group set-up joins", (c, seq) -> {
                        int i = next.getAndIncrement();
                        return i < joins.size() ? joins.get(i) : null;
                    }, joins.size(), "social");
                    run.log.printf("%,d groups of %d members%n", ids.size(), members);
                    List<RestLoad.Req> reqs = new ArrayList<>();
                    for (int k = 0; k < members; k++) { // member k asks about each group in turn
                        for (String id : ids) {
                            reqs.add(new RestLoad.Req(SocialRequests.line("GET", SocialRequests.groupUsersPath(id, LIST_LIMIT)),
                                    get[k], members));
                        }
                    }
                    pool = reqs.size();
                    expect = members;
                    source = SocialRequests.rotating(reqs, conns);
                }
            }
            return measure(run, load, source, open, pool, expect, exhausted);
        } finally {
            load.close();
        }
    }

    private static ByteBuf[] addLines(List<VirtualUser> us) {
        ByteBuf[] out = new ByteBuf[us.size()];
        for (int k = 0; k < us.size(); k++) {
            out[k] = SocialRequests.line("POST", SocialRequests.friendAddPath(us.get(k).userId));
        }
        return out;
    }

    private static ByteBuf[] joinLines(List<String> groupIds) {
        ByteBuf[] out = new ByteBuf[groupIds.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = SocialRequests.line("POST", SocialRequests.groupJoinPath(groupIds.get(k)));
        }
        return out;
    }

    private List<String> createGroups(Run run, String token, String nonce, int n, int maxCount)
            throws InterruptedException, Run.SetupException {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            names.add(String.format("%s-%s-%s-%05d", o.devicePrefix, op, nonce, k));
        }
        long t0 = System.nanoTime();
        List<String> ids = new GroupSetup(o.host, o.port, run.stats, run.setupDeadlineMs()).create(token, names, maxCount);
        run.log.printf("created %,d open groups (max_count %,d) in %.1f s%n", ids.size(), maxCount, (System.nanoTime() - t0) / 1e9);
        return ids;
    }

    private Report measure(Run run, RestLoad load, RestLoad.Source source, int open, long pool, int expect,
                           AtomicLong exhausted) throws Exception {
        RestLoad.Window w = load.measure(run, source, "social " + op, target.serverCore, target.self());
        Meter.Result r = w.result();
        long failed = w.failed();
        long answered = w.answered();
        double duration = o.duration(10);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("op", op);
        params.put("in_flight", inFlight);
        params.put("connections_open", open);
        params.put("users", users());
        params.put("friends", op.equals("friend-list") ? friends : null);
        params.put("groups", op.startsWith("group") ? groups() : null);
        params.put("members", op.equals("group-users") ? members : null);
        params.put("target", target.target);
        params.put("duration_s", duration);
        Report rep = Report.rest("social", shape() + (target.self() != null ? " against the in-process server" : ""), o,
                run.client, params);
        rep.inProcessServer = target.self() != null;
        rep.measured(r, o.serverPid, 0, expect == 0 ? "one counted reply per request: 2xx {}"
                : "one counted reply per request: 2xx with " + expect + " users");
        rep.put("requests_per_s", LatencySummary.round3(r.deliveredPerSec()));
        rep.put("failed_requests", failed);
        rep.line("requests", String.format("%,.1f/s answered 2xx %s; %,d failed (any phase, by kind under errors)",
                r.deliveredPerSec(), expect == 0 ? "{}" : "with " + expect + " users", failed));
        boolean consumes = op.equals("friend-add") || op.equals("group-join");
        long used = answered + failed;
        rep.put("pool", pool);
        rep.put("pool_used", consumes ? (op.equals("friend-add") ? (used + 1) / 2 : used) : null);
        rep.put("pool_ran_out", exhausted.get() >= 0);
        if (consumes) {
            rep.line("pool", String.format("%,d of %,d %s used%s", op.equals("friend-add") ? (used + 1) / 2 : used, pool,
                    op.equals("friend-add") ? "pairs" : "joins", exhausted.get() >= 0 ? " (RAN OUT: the run is short)" : ""));
        }
        w.describe(rep, target.serverCore);
        switch (op) {
            case "friend-add" -> rep.note("each pair is added once: the invite (as i) and then the accept (as j) on the "
                    + "same connection, both counted; users are new to this run, so no request meets an existing edge");
            case "group-join" -> rep.note("each (user, group) pair joins once: users new to this run, open groups created "
                    + "in set-up with max_count users + 1, no leave");
            default -> {
            }
        }
        rep.note("closed loop: each of the " + inFlight + " connections sends its next request when the previous reply "
                + "has arrived, so latency is per request with no coordinated-omission correction");
        return rep;
    }
}
