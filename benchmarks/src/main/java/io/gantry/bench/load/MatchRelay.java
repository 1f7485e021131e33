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
 * {@code match-relay}: M relayed matches of P players; every player sends match data at R Hz,
 * carrying its send time; every other player of the match receives it.
 *
 * <p>With {@code --ports} (n nodes of one cluster), player p of match m is user m × P + p, on node
 * (m × P + p) mod n: the players of a match are on consecutive nodes, so with P ≤ n each player of
 * a match is on a node of its own and every delivery crosses nodes (2 nodes, 2 players: player 0
 * on the first node, player 1 on the second; each send crosses the bus once). With
 * {@code --one-way} only player 0 of each match (its creator) sends; the others only receive: with
 * 2 nodes and 2 players, every send crosses once from the first node to the second, the bus
 * carrying one way only, with no delivery on the sender's node (the bus ceiling of one node).
 */
@Command(name = "match-relay", mixinStandardHelpOptions = true,
        description = "M relayed matches x P players, each sending match data at R Hz for T seconds.")
final class MatchRelay implements GantryBench.Scenario {
    @Mixin
    CommonOptions o;

    @Option(names = "--matches", defaultValue = "100", paramLabel = "M", description = "Matches (default: ${DEFAULT-VALUE}).")
    int matches;

    @Option(names = "--players", defaultValue = "2", paramLabel = "P", description = "Players per match (default: ${DEFAULT-VALUE}).")
    int players;

    @Option(names = "--one-way", description = "Only player 0 of each match (its creator) sends; the others "
            + "receive. With --ports of 2 nodes and 2 players, every send crosses the bus once, from the first node to the second.")
    boolean oneWay;

    static final double DEFAULT_RATE = 10;
    static final double DEFAULT_DURATION = 10;

    @Override
    public CommonOptions options() {
        return o;
    }

    @Override
    public boolean multiNode() {
        return true;
    }

    @Override
    public Report execute(Run run) throws Exception {
        if (matches < 1 || players < 2) {
            throw new Run.SetupException("--matches must be >= 1 and --players >= 2");
        }
        double rate = o.rate(DEFAULT_RATE);
        double duration = o.duration(DEFAULT_DURATION);
        List<VirtualUser> senders = setUp(run, matches, players, oneWay);
        Meter.Result r = run.measure(senders, rate, o.warmup(2), duration, action(run), "match-relay", null);
        Map<String, Object> params = params(matches, players, rate, duration);
        if (oneWay) {
            params.put("one_way", true);
        }
        Report rep = new Report("match-relay", shape(matches, players, rate) + (oneWay ? ", one way (player 0 sends)" : ""),
                o, run.client, params);
        rep.put("matches_set_up", countMatches(senders));
        rep.measured(r, o.serverPid, Math.round(1e6 / rate), String.format("sends x %d other players", players - 1));
        if (o.ports != null) {
            rep.crossings(senders, r);
        }
        return rep;
    }

    static String shape(int matches, int players, double rate) {
        return String.format("%d matches x %d players @ %s Hz", matches, players, trim(rate));
    }

    static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static Map<String, Object> params(int matches, int players, double rate, double duration) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("matches", matches);
        p.put("players", players);
        p.put("rate_hz", rate);
        p.put("duration_s", duration);
        return p;
    }

    private static long countMatches(List<VirtualUser> senders) {
        return senders.stream().map(u -> u.target).distinct().count();
    }

    /** Opens the sockets, creates and joins the matches; returns the players that will send. */
    static List<VirtualUser> setUp(Run run, int matches, int players) throws Exception {
        return setUp(run, matches, players, false);
    }

    /**
     * As {@link #setUp(Run, int, int)}; with {@code oneWay} only player 0 of each match sends.
     * Player p of match m is on node (m × P + p) mod n with {@code --ports}.
     */
    static List<VirtualUser> setUp(Run run, int matches, int players, boolean oneWay) throws Exception {
        List<VirtualUser> users = run.users("relay", matches * players);
        int nodes = run.o.nodes();
        for (int i = 0; i < users.size(); i++) {
            users.get(i).node = i % nodes; // player p of match m: node (m * players + p) mod n
        }
        run.open(users, false, 0);
        Events events = new Events(run.stats);
        for (VirtualUser u : users) {
            u.events(events);
        }
        // 1. the first player of each match creates it
        List<CompletableFuture<Reply>> creates = new ArrayList<>();
        for (int m = 0; m < matches; m++) {
            VirtualUser leader = users.get(m * players);
            creates.add(leader.request(cid -> run.wire.matchCreate(cid)));
        }
        List<Reply> created = run.awaitAll(creates, "match_create");
        String refusal = null;
        // 2. the others join
        List<CompletableFuture<Reply>> joins = new ArrayList<>();
        List<VirtualUser> joiners = new ArrayList<>();
        String[] matchIds = new String[matches];
        for (int m = 0; m < matches; m++) {
            Reply r = created.get(m);
            if (r == null) {
                continue;
            }
            if (r.isError() || r.id() == null || r.id().isEmpty()) {
                run.stats.error("match_create: " + (r.isError() ? "error " + r.code() : "reply " + r.type()), r.message());
                refusal = refusal == null ? r.toString() : refusal;
                continue;
            }
            matchIds[m] = r.id();
            for (int p = 1; p < players; p++) {
                VirtualUser u = users.get(m * players + p);
                String id = r.id();
                joiners.add(u);
                joins.add(u.request(cid -> run.wire.matchJoin(cid, id)));
            }
        }
        List<Reply> joined = run.awaitAll(joins, "match_join");
        boolean[] in = new boolean[users.size()];
        for (int m = 0; m < matches; m++) {
            if (matchIds[m] != null) {
                in[m * players] = true;
            }
        }
        for (int k = 0; k < joiners.size(); k++) {
            Reply r = joined.get(k);
            if (r != null && !r.isError()) {
                in[joiners.get(k).index - users.get(0).index] = true;
            } else if (r != null) {
                run.stats.error("match_join: error " + r.code(), r.message());
                refusal = refusal == null ? r.toString() : refusal;
            }
        }
        // 3. members of each match send to the others
        List<VirtualUser> senders = new ArrayList<>();
        for (int m = 0; m < matches; m++) {
            if (matchIds[m] == null) {
                continue;
            }
            List<VirtualUser> members = new ArrayList<>();
            for (int p = 0; p < players; p++) {
                VirtualUser u = users.get(m * players + p);
                if (in[m * players + p] && u.connected()) {
                    members.add(u);
                }
            }
            if (members.size() < 2) {
                continue;
            }
            byte[] prefix = run.wire.matchDataPrefix(matchIds[m]);
            for (VirtualUser u : members) {
                u.sendPrefix = prefix;
                u.fanout = members.size() - 1;
                u.target = matchIds[m];
                // the receivers' nodes, for the bus crossings of a send (see Report.crossings)
                u.peerNodes = nodesOf(members, u);
            }
            if (oneWay) {
                VirtualUser leader = users.get(m * players);
                if (members.get(0) == leader) {
                    senders.add(leader);
                }
            } else {
                senders.addAll(members);
            }
        }
        if (senders.isEmpty()) {
            throw new Run.SetupException("no match could be set up"
                    + (refusal == null ? ": " + run.firstError("") : ": the server answered " + refusal));
        }
        run.log.printf(oneWay ? "%,d matches set up (%,d senders)%n" : "%,d matches set up (%,d players)%n",
                countMatches(senders), senders.size());
        Thread.sleep(300); // let the join presence events go by
        return senders;
    }

    /** The nodes other than {@code u}'s holding at least one of {@code members} (besides {@code u}). */
    static int nodesOf(List<VirtualUser> members, VirtualUser u) {
        java.util.BitSet nodes = new java.util.BitSet();
        for (VirtualUser v : members) {
            if (v != u && v.node != u.node) {
                nodes.set(v.node);
            }
        }
        return nodes.cardinality();
    }

    static Pacer.Action action(Run run) {
        Wire wire = run.wire;
        Stats stats = run.stats;
        return (u, now) -> {
            long seq = ++u.seq;
            if (u.sendRaw(wire.matchDataSend(u.alloc(), u.sendPrefix, now, seq))) {
                stats.sent(u.loopStats, now, u.fanout);
            }
        };
    }

    static final class Events implements VirtualUser.Events {
        private final Stats stats;

        Events(Stats stats) {
            this.stats = stats;
        }

        @Override
        public void onMatchData(VirtualUser u, long sentNs, long seq) {
            stats.deliver(u.loopStats, sentNs);
        }
    }
}
