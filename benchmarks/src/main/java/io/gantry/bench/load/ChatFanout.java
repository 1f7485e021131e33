package io.gantry.bench.load;

import com.google.protobuf.BoolValue;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Envelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code chat-fanout}: C users in one room, S of them sending at R Hz. Every member, the sender
 * included (Nakama echoes a message to its sender), receives every message. With
 * {@code --stalled-readers N}, N more members join from sockets that then never read: the server
 * must drop them as slow consumers without the C measured members noticing (over
 * {@code --transport tcp}, stalled TCP connections).
 *
 * <p>With {@code --channel group} the room is a group's channel: the first user creates an open
 * group over REST ({@code POST /v2/group}, max_count C + 1, named after {@code --room} and the
 * run), the others join it ({@code POST /v2/group/{id}/join}), and all of them join the chat
 * with {@code channel_join} type 3 and the group id; the rest of the run is the same.
 *
 * <p>With {@code --ports} (n nodes of one cluster), user i is on node i mod n: with 2 nodes the
 * members alternate, and each message crosses the bus once, to the node its sender is not on.
 * With {@code --senders-on-first-node}, the S senders are on the first node and the C − S other
 * members on the others (round-robin): each message is delivered to the S senders on the first
 * node (the echo included) and crosses the bus once to each other node; with 2 nodes the bus
 * crossings per second equal the sends per second, one way, from the first node to the second.
 * Raising {@code --rate} until deliveries fall behind gives the bus messages per second one node
 * sustains (with the first node's local fan-out to the S senders on top: keep S small).
 * {@code --stalled-readers} always join on the first node; {@code --channel group} is not
 * supported with {@code --ports} (its set-up goes over one node's REST).
 */
@Command(name = "chat-fanout", mixinStandardHelpOptions = true,
        description = "C users in one chat room, S of them sending at R Hz each.")
final class ChatFanout implements GantryBench.Scenario {
    @Mixin
    CommonOptions o;

    @Option(names = "--users", defaultValue = "200", paramLabel = "C", description = "Users in the room (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--senders", defaultValue = "20", paramLabel = "S", description = "Users who send (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--room", defaultValue = "bench", description = "Room name (default: ${DEFAULT-VALUE}).")
    String room;

    @Option(names = "--channel", defaultValue = "room", description = "room (channel_join type 1, --room) or group: "
            + "an open group created and joined over REST in set-up, joined as type 3 (default: ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--target", defaultValue = "server", description = "server (--host/--port) or self: the in-process "
            + "self-test server (chat and groups without rules), the generator's own ceiling at this shape (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--server-threads", defaultValue = "1", description = "Event loops of the in-process server with --target self (default: ${DEFAULT-VALUE}).")
    int serverThreads;

    @Option(names = "--persistent", description = "Join with persistence=true (messages stored).")
    boolean persistent;

    @Option(names = "--no-echo", description = "Do not expect the sender to receive its own message.")
    boolean noEcho;

    @Option(names = "--senders-on-first-node", description = "With --ports: the S senders on the first node, the C - S "
            + "other members on the other nodes, so each message crosses the bus once per other node (2 nodes: "
            + "crossings/s = sends/s, one way); raise --rate until deliveries fall behind for the bus ceiling of one node.")
    boolean sendersOnFirstNode;

    @Option(names = "--stalled-readers", defaultValue = "0", paramLabel = "N",
            description = "Extra members that join from raw sockets and never read again, not measured (default: ${DEFAULT-VALUE}).")
    int stalledReaders;

    @Override
    public CommonOptions options() {
        return o;
    }

    @Override
    public boolean multiNode() {
        return true;
    }

    @Override
    public Integer call() {
        if (!target.equals("server") && !target.equals("self")) {
            System.err.println("gantry-bench chat-fanout: --target must be server or self, not '" + target + "'");
            return 2;
        }
        if (target.equals("self") && o.ports != null) {
            System.err.println("gantry-bench chat-fanout: --target self is one in-process server: drop --ports");
            return 2;
        }
        if (target.equals("server")) {
            return GantryBench.run(this);
        }
        try (SelfTestServer self = SelfTestServer.start("127.0.0.1", 0, serverThreads)) {
            o.host = "127.0.0.1";
            o.port = self.port();
            o.tcpPort = self.tcpPort();
            System.err.printf("self-test server on 127.0.0.1:%d (%d event loop(s))%n", o.port, serverThreads);
            return GantryBench.run(this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    @Override
    public Report execute(Run run) throws Exception {
        if (users < 1 || senders < 1 || senders > users) {
            throw new Run.SetupException("need 1 <= --senders <= --users");
        }
        if (stalledReaders < 0) {
            throw new Run.SetupException("--stalled-readers must be 0 or more");
        }
        if (!channel.equals("room") && !channel.equals("group")) {
            throw new Run.SetupException("--channel must be room or group, not '" + channel + "'");
        }
        if (channel.equals("group") && stalledReaders > 0) {
            throw new Run.SetupException("--stalled-readers works with --channel room only");
        }
        if (channel.equals("group") && o.ports != null) {
            throw new Run.SetupException("--channel group is not supported with --ports (the group is set up over one node's REST)");
        }
        if (sendersOnFirstNode && (o.nodes() < 2 || senders >= users)) {
            throw new Run.SetupException("--senders-on-first-node needs --ports of 2 nodes or more and --senders < --users");
        }
        double rate = o.rate(20);
        double duration = o.duration(10);
        List<VirtualUser> all = run.users("chat", users);
        if (sendersOnFirstNode) {
            for (int i = 0; i < all.size(); i++) {
                all.get(i).node = i < senders ? 0 : 1 + (i - senders) % (o.nodes() - 1);
            }
        }
        List<VirtualUser> open = run.open(all, false, 0);
        Stats stats = run.stats;
        VirtualUser.Events events = new VirtualUser.Events() {
            @Override
            public void onChannelMessage(VirtualUser u, long sentNs, long seq) {
                stats.deliver(u.loopStats, sentNs);
            }
        };
        String joinTarget = channel.equals("group") ? groupOf(run, open) : room;
        int type = channel.equals("group") ? 3 : 1;
        List<CompletableFuture<Reply>> fs = new ArrayList<>();
        for (VirtualUser u : open) {
            u.events(events);
            fs.add(u.request(cid -> run.wire.channelJoin(cid, joinTarget, type, persistent)));
        }
        List<Reply> replies = run.awaitAll(fs, "channel_join");
        List<VirtualUser> members = new ArrayList<>();
        String channelId = null;
        String refusal = null;
        for (int i = 0; i < open.size(); i++) {
            Reply r = replies.get(i);
            if (r == null) {
                continue;
            }
            if (r.isError() || r.id() == null) {
                stats.error("channel_join: " + (r.isError() ? "error " + r.code() : "reply " + r.type()), r.message());
                refusal = refusal == null ? r.toString() : refusal;
                continue;
            }
            channelId = channelId == null ? r.id() : channelId;
            members.add(open.get(i));
        }
        if (members.isEmpty()) {
            throw new Run.SetupException("no user could join the " + channel + " channel: "
                    + (refusal == null ? run.firstError("") : "the server answered " + refusal));
        }
        int fanout = noEcho ? members.size() - 1 : members.size();
        byte[] prefix = run.wire.channelSendPrefix(channelId);
        List<VirtualUser> sending = members.subList(0, Math.min(senders, members.size()));
        if (sendersOnFirstNode) {
            sending = members.stream().filter(u -> u.node == 0).limit(senders).toList();
            if (sending.isEmpty()) {
                throw new Run.SetupException("no sender on the first node could join the room");
            }
        }
        for (VirtualUser u : sending) {
            u.sendPrefix = prefix;
            u.fanout = fanout;
            u.target = channelId;
            u.peerNodes = MatchRelay.nodesOf(members, u);
        }
        run.log.printf("%,d users in %s, %,d sending%n", members.size(), channelId, sending.size());
        List<StalledReader> stalled = openStalled(run);
        Thread.sleep(Math.min(3000, 300 + members.size() * 2L)); // join presence events go by
        Wire wire = run.wire;
        Meter.Result r = run.measure(sending, rate, o.warmup(2), duration, (u, now) -> {
            long seq = ++u.seq;
            if (u.sendRaw(wire.channelMessageSend(u.alloc(), u.sendPrefix, now, seq))) {
                stats.sent(u.loopStats, now, u.fanout);
            }
        }, "chat-fanout", null);
        int dropped = 0;
        for (StalledReader s : stalled) {
            dropped += s.droppedByServer(1000) ? 1 : 0;
            s.close();
        }
        String shape = String.format("%d users, %d senders @ %s Hz%s%s%s%s", users, senders, MatchRelay.trim(rate),
                channel.equals("group") ? ", group channel" : "",
                persistent ? ", persistent" : "", stalledReaders > 0 ? ", " + stalledReaders + " stalled readers" : "",
                sendersOnFirstNode ? ", senders on the first node" : "");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("users", users);
        p.put("senders", senders);
        p.put("rate_hz", rate);
        p.put("duration_s", duration);
        p.put("persistent", persistent);
        p.put("stalled_readers", stalledReaders);
        p.put("channel", channel);
        p.put("group_id", channel.equals("group") ? joinTarget : null);
        p.put("room", channelId);
        if (sendersOnFirstNode) {
            p.put("senders_on_first_node", true);
        }
        boolean self = target.equals("self");
        p.put("target", target);
        Report rep = new Report("chat-fanout", shape + (self ? " against the in-process server" : ""), o, run.client, p);
        rep.inProcessServer = self;
        if (self) {
            rep.note("--target self: the in-process server fans out without rules or storage; this is the generator's own "
                    + "ceiling at this shape (both share this machine's cores)");
        }
        rep.put("members", members.size());
        if (stalledReaders > 0) {
            rep.put("stalled_readers_open", stalled.size());
            rep.put("stalled_readers_dropped", dropped);
            rep.note(String.format("stalled readers: %d of %d opened, %d dropped by the server by the end of the run",
                    stalled.size(), stalledReaders, dropped));
        }
        rep.measured(r, o.serverPid, Math.round(1e6 / rate),
                String.format("sends x %d members%s", fanout, noEcho ? "" : ", sender included"));
        if (o.ports != null) {
            rep.crossings(sending, r);
        }
        return rep;
    }

    /**
     * {@code --channel group}'s set-up: the first user creates an open group, the others join it
     * over REST; returns its id. A server without groups stops the run here (exit status 3).
     */
    private String groupOf(Run run, List<VirtualUser> open) throws InterruptedException, Run.SetupException {
        GroupSetup rest = new GroupSetup(o.host, o.port, run.stats, run.setupDeadlineMs());
        String name = room + "-" + o.devicePrefix + "-" + Long.toString(System.currentTimeMillis(), 36);
        String id = rest.create(open.get(0).token, List.of(name), open.size() + 1).get(0);
        List<String> tokens = new ArrayList<>();
        for (VirtualUser u : open.subList(1, open.size())) {
            tokens.add(u.token);
        }
        rest.join(tokens, java.util.Collections.nCopies(tokens.size(), id));
        run.log.printf("group %s created by the first user, joined by %,d more%n", id, tokens.size());
        return id;
    }

    /** Authenticates and opens the stalled readers; each joins the room and never reads again. */
    private List<StalledReader> openStalled(Run run) throws InterruptedException {
        List<StalledReader> stalled = new ArrayList<>();
        if (stalledReaders == 0) {
            return stalled;
        }
        List<VirtualUser> fresh = run.users("stalled", stalledReaders);
        for (VirtualUser u : fresh) {
            u.node = 0; // StalledReader opens its own socket on --port (the first node)
        }
        for (VirtualUser u : run.authenticate(fresh)) {
            try {
                if (o.tcp()) {
                    stalled.add(StalledReader.openTcp(o.host, o.tcpPort, u.token, Envelope.newBuilder().setCid("1")
                            .setChannelJoin(ChannelJoin.newBuilder().setTarget(room).setType(1)
                                    .setPersistence(BoolValue.of(persistent)).setHidden(BoolValue.of(false))).build()));
                } else {
                    stalled.add(StalledReader.open(o.host, o.port, u.token, "{\"cid\":\"1\",\"channel_join\":{\"target\":"
                            + JsonScan.quote(new StringBuilder(), room) + ",\"type\":1,\"persistence\":" + persistent + ",\"hidden\":false}}"));
                }
            } catch (java.io.IOException e) {
                run.stats.error("stalled reader: " + e.getClass().getSimpleName(), e.getMessage());
            }
        }
        run.log.printf("%,d stalled readers joined %s and stopped reading%n", stalled.size(), room);
        return stalled;
    }
}
